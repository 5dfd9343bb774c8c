//! Reading a `multipart/form-data` body (a form with files) whole, with a hard cap on the
//! bytes read: the text fields (CSRF token included) and the files of the `files` input. Used
//! by the node's "Đính kèm tệp" and the aggregator's directive form.

use actix_multipart::Multipart;
use futures_util::StreamExt as _;

use super::error::{WebError, WebResult};

/// One uploaded file, read whole.
#[derive(Debug, Clone)]
pub struct Upload {
    /// The file name the browser sent.
    pub name: String,
    pub bytes: Vec<u8>,
}

/// The text fields and the files of `body`, refusing beyond `cap` bytes in all.
pub async fn read(
    mut body: Multipart,
    cap: u64,
) -> WebResult<(Vec<(String, String)>, Vec<Upload>)> {
    let (mut fields, mut files, mut seen) = (Vec::new(), Vec::new(), 0u64);
    let broken =
        |e: &dyn std::fmt::Display| WebError::BadRequest(format!("Tệp gửi lên bị lỗi: {e}"));
    while let Some(field) = body.next().await {
        let mut field = field.map_err(|e| broken(&e))?;
        let name = field.name().unwrap_or_default().to_string();
        let file_name = field
            .content_disposition()
            .and_then(|d| d.get_filename())
            .map(str::to_string);
        let mut bytes = Vec::new();
        while let Some(chunk) = field.next().await {
            let chunk = chunk.map_err(|e| broken(&e))?;
            seen += chunk.len() as u64;
            if seen > cap {
                return Err(WebError::BadRequest(format!(
                    "Các tệp gửi lên vượt quá {} một lần; hãy gửi từng tệp.",
                    schema::human_size(cap)
                )));
            }
            bytes.extend_from_slice(&chunk);
        }
        match file_name {
            Some(f) if name == "files" => {
                if !(f.is_empty() && bytes.is_empty()) {
                    files.push(Upload { name: f, bytes })
                }
            }
            _ => fields.push((name, String::from_utf8_lossy(&bytes).into_owned())),
        }
    }
    Ok((fields, files))
}
