//! Files on a draft, uploaded as a browser does (multipart/form-data, built by hand here so
//! the parser is checked against the bytes a browser sends): every bad file is refused by name
//! with the way back to the draft and nothing stored; a good one is listed; the same file
//! twice is refused; "Bỏ tệp" takes it off.

use reqwest::StatusCode;

use super::*;

const PDF: &[u8] =
    b"%PDF-1.4\n1 0 obj << /Type /Catalog >> endobj\ntrailer << /Root 1 0 R >>\n%%EOF\n";

/// POSTs `files` (name, bytes) with the CSRF token `token` to the draft's upload address.
async fn upload(
    client: &Client,
    base: &str,
    id: &str,
    token: &str,
    files: &[(&str, &[u8])],
) -> reqwest::Response {
    let boundary = "----bmnnTestBoundary7MA4YWxkTrZu0gW";
    let mut body = Vec::new();
    body.extend_from_slice(
        format!(
            "--{boundary}\r\nContent-Disposition: form-data; name=\"_csrf\"\r\n\r\n{token}\r\n"
        )
        .as_bytes(),
    );
    for (name, bytes) in files {
        body.extend_from_slice(
            format!(
                "--{boundary}\r\nContent-Disposition: form-data; name=\"files\"; \
                 filename=\"{name}\"\r\nContent-Type: application/octet-stream\r\n\r\n"
            )
            .as_bytes(),
        );
        body.extend_from_slice(bytes);
        body.extend_from_slice(b"\r\n");
    }
    body.extend_from_slice(format!("--{boundary}--\r\n").as_bytes());
    client
        .post(format!("{base}/ban-nhap/{id}/tep"))
        .header(
            "content-type",
            format!("multipart/form-data; boundary={boundary}"),
        )
        .body(body)
        .send()
        .await
        .unwrap()
}

fn listed(node: &node::app::Node, id: &str) -> Vec<String> {
    node::db::attachments::of_draft(&mut node.pool.get().unwrap(), id)
        .unwrap()
        .into_iter()
        .map(|l| l.file.name.to_string())
        .collect()
}

#[tokio::test]
async fn bad_files_are_refused_by_name_and_a_good_one_is_listed_once() {
    let (_fed, ui) = standalone().await;
    let base = &ui.base;
    let officer = logged_in(base, "canbo").await;
    let id = fill_annual_report(&officer, base, &annual_report_fields()).await;
    let (_, page) = get(&officer, &format!("{base}/ban-nhap/{id}")).await;
    assert!(
        page.contains("Tệp đính kèm") && page.contains("Chưa có tệp nào"),
        "{page}"
    );
    let token = csrf(&page);

    // (A backslash path reaches us with the backslashes taken as quoted-string escapes:
    // "....nội quy.pdf", refused for its leading dots.)
    let cases: [(&str, &[u8], &str); 5] = [
        ("trống.pdf", b"", "rỗng"),
        ("setup.exe", b"MZ\x90\x00\x03\x00", "không phải PDF"),
        ("ghi chú.txt", "Nội quy".as_bytes(), "không phải PDF"),
        ("../../nội quy.pdf", PDF, "đường dẫn"),
        ("..\\..\\nội quy.pdf", PDF, "không hợp lệ"),
    ];
    for (name, bytes, why) in cases {
        let res = upload(&officer, base, &id, &token, &[(name, bytes)]).await;
        assert_eq!(res.status(), StatusCode::UNPROCESSABLE_ENTITY, "{name}");
        let text = res.text().await.unwrap();
        assert!(text.contains(why), "{name}: {text}");
        assert!(
            text.contains("Quay lại bản nháp"),
            "the way back is offered"
        );
    }
    // One bad file in an upload of two: neither is stored.
    let res = upload(
        &officer,
        base,
        &id,
        &token,
        &[("a.pdf", PDF), ("b.pdf", b"")],
    )
    .await;
    assert_eq!(res.status(), StatusCode::UNPROCESSABLE_ENTITY);
    assert!(listed(&ui.node, &id).is_empty(), "nothing half-stored");
    // A wrong form token is refused before anything is read into the store.
    let res = upload(&officer, base, &id, "wrong", &[("a.pdf", PDF)]).await;
    assert_eq!(res.status(), StatusCode::FORBIDDEN);

    let res = upload(&officer, base, &id, &token, &[("Nội quy BMNN.pdf", PDF)]).await;
    assert_eq!(res.status(), StatusCode::SEE_OTHER);
    assert_eq!(location(&res), format!("/ban-nhap/{id}?tb=da-dinh-kem"));
    assert_eq!(listed(&ui.node, &id), ["Nội quy BMNN.pdf"]);
    let (_, page) = get(&officer, &format!("{base}/ban-nhap/{id}")).await;
    assert!(
        page.contains("Nội quy BMNN.pdf") && page.contains("PDF"),
        "{page}"
    );

    let res = upload(&officer, base, &id, &token, &[("bản sao.pdf", PDF)]).await;
    assert_eq!(res.status(), StatusCode::UNPROCESSABLE_ENTITY);
    assert!(res.text().await.unwrap().contains("hai lần"));

    let res = post(
        &officer,
        &format!("{base}/ban-nhap/{id}/tep/0/bo"),
        &[("_csrf".to_string(), token.clone())],
    )
    .await;
    assert_eq!(res.status(), StatusCode::SEE_OTHER);
    assert!(listed(&ui.node, &id).is_empty());
}
