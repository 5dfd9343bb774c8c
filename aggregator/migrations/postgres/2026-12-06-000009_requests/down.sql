DROP TABLE attachments;
DROP TABLE request_answers;
DROP TABLE requests;
