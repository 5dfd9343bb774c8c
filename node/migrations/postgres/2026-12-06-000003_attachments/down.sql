DROP TABLE draft_attachments;
DROP TABLE attachments;
ALTER TABLE drafts DROP COLUMN in_reply_to;
