//! The "Tệp đính kèm" box under a report form: the draft's files (name, type, size, "Bỏ
//! tệp") and the upload form (multipart, several files at once). A new, unsaved form has no
//! box yet: files attach to a saved draft.

use maud::{html, Markup};

use super::form_view::FormPage;
use super::layout;
use super::routes;
use super::session::Viewer;

pub fn files_box(viewer: &Viewer, page: &FormPage<'_>) -> Markup {
    html! {
        div.box {
            h2 { "Tệp đính kèm" }
            @if page.is_new {
                p.hint { "Lưu bản nháp trước, rồi đính kèm tệp (bản chụp văn bản có chữ ký, \
                          PDF, Word, Excel, ảnh)." }
            } @else {
                @if page.attachments.is_empty() {
                    p.muted { "Chưa có tệp nào." }
                } @else {
                    table {
                        thead { tr { th { "STT" } th { "Tên tệp" } th { "Loại" } th { "Dung lượng" } th {} } }
                        tbody {
                            @for (i, l) in page.attachments.iter().enumerate() {
                                tr {
                                    td { (i + 1) }
                                    td { (l.file.name.as_str()) }
                                    td { (l.file.media_type.label()) }
                                    td { (schema::human_size(l.file.size)) }
                                    td {
                                        form method="post" action=(routes::detach(page.report_id, l.position)) {
                                            (layout::csrf_field(&viewer.csrf))
                                            button type="submit" { "Bỏ tệp" }
                                        }
                                    }
                                }
                            }
                        }
                    }
                }
                form method="post" enctype="multipart/form-data" action=(routes::attach(page.report_id)) {
                    (layout::csrf_field(&viewer.csrf))
                    label for="files" { "Chọn tệp (PDF, DOCX, XLSX, PNG, JPEG)" }
                    input #files type="file" name="files" multiple
                        accept=".pdf,.docx,.xlsx,.png,.jpg,.jpeg";
                    div.actions { button type="submit" { "Đính kèm" } }
                    p.hint { "Lưu bản nháp trước khi đính kèm: những gì chưa lưu trên biểu mẫu sẽ \
                              không được giữ khi tải tệp lên." }
                }
            }
        }
    }
}
