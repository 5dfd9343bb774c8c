//! docx-rs writes every part of the package *stored* (uncompressed): a provincial report of a
//! few hundred pages of tables came out at 142 MB. This re-packs the zip with its parts
//! deflated, in the same order (`[Content_Types].xml` first), leaving images (already
//! compressed) stored. The XML of a DOCX deflates about tenfold.

use std::io::{Cursor, Read as _, Write as _};

use zip::write::SimpleFileOptions;
use zip::{CompressionMethod, ZipArchive, ZipWriter};

fn already_compressed(name: &str) -> bool {
    let lower = name.to_ascii_lowercase();
    [".png", ".jpg", ".jpeg", ".gif", ".zip"]
        .iter()
        .any(|ext| lower.ends_with(ext))
}

/// The same zip, parts deflated (images stored).
pub fn deflate_zip(stored: &[u8]) -> Result<Vec<u8>, String> {
    let mut input = ZipArchive::new(Cursor::new(stored)).map_err(|e| e.to_string())?;
    let mut out = ZipWriter::new(Cursor::new(Vec::with_capacity(stored.len() / 4)));
    let mut buf = Vec::new();
    for i in 0..input.len() {
        let mut part = input.by_index(i).map_err(|e| e.to_string())?;
        let name = part.name().to_string();
        let method = if already_compressed(&name) {
            CompressionMethod::Stored
        } else {
            CompressionMethod::Deflated
        };
        buf.clear();
        part.read_to_end(&mut buf).map_err(|e| e.to_string())?;
        out.start_file(
            name,
            SimpleFileOptions::default().compression_method(method),
        )
        .map_err(|e| e.to_string())?;
        out.write_all(&buf).map_err(|e| e.to_string())?;
    }
    Ok(out.finish().map_err(|e| e.to_string())?.into_inner())
}

#[cfg(test)]
mod tests {
    use super::*;

    fn stored_zip(parts: &[(&str, Vec<u8>)]) -> Vec<u8> {
        let mut w = ZipWriter::new(Cursor::new(Vec::new()));
        for (name, bytes) in parts {
            w.start_file(
                *name,
                SimpleFileOptions::default().compression_method(CompressionMethod::Stored),
            )
            .unwrap();
            w.write_all(bytes).unwrap();
        }
        w.finish().unwrap().into_inner()
    }

    #[test]
    fn parts_keep_their_order_and_bytes_and_text_shrinks() {
        let xml = "<w:p><w:r><w:t>Phường Trấn Biên</w:t></w:r></w:p>"
            .repeat(2000)
            .into_bytes();
        let png = (0..4000u32)
            .map(|i| (i.wrapping_mul(2_654_435_761) >> 24) as u8)
            .collect::<Vec<_>>();
        let parts = [
            ("[Content_Types].xml", b"<Types/>".to_vec()),
            ("word/document.xml", xml),
            ("word/media/a.png", png),
        ];
        let stored = stored_zip(&parts);
        let deflated = deflate_zip(&stored).unwrap();
        assert!(
            deflated.len() * 5 < stored.len(),
            "{} vs {}",
            deflated.len(),
            stored.len()
        );
        let mut back = ZipArchive::new(Cursor::new(deflated)).unwrap();
        for (i, (name, bytes)) in parts.iter().enumerate() {
            let mut part = back.by_index(i).unwrap();
            assert_eq!(part.name(), *name);
            let mut got = Vec::new();
            part.read_to_end(&mut got).unwrap();
            assert_eq!(&got, bytes);
            let want = if name.ends_with(".png") {
                CompressionMethod::Stored
            } else {
                CompressionMethod::Deflated
            };
            assert_eq!(part.compression(), want);
        }
    }
}
