//! What the UI refuses or guarantees: five wrong passwords lock an account (with the same
//! message as an unknown account), a POST without the CSRF token is refused, an officer cannot
//! approve or manage users, pages need a login and carry the security headers, decomposed
//! Vietnamese is stored NFC, and an admin can add a user.

use reqwest::StatusCode;

use super::*;

#[tokio::test]
async fn five_wrong_passwords_lock_the_account() {
    let (_fed, ui) = standalone().await;
    let c = client();
    let failed = "Đăng nhập không thành công";
    for _ in 0..5 {
        let res = login(&c, &ui.base, "canbo", "sai mật khẩu rồi").await;
        assert_eq!(res.status(), StatusCode::UNAUTHORIZED);
        assert!(res.text().await.unwrap().contains(failed));
    }
    let res = login(&c, &ui.base, "canbo", PASSWORD).await;
    assert_eq!(
        res.status(),
        StatusCode::UNAUTHORIZED,
        "locked even with the right password"
    );
    let locked = alert(&res.text().await.unwrap());
    let res = login(&c, &ui.base, "khong-co-ai", PASSWORD).await;
    assert_eq!(res.status(), StatusCode::UNAUTHORIZED);
    assert_eq!(
        alert(&res.text().await.unwrap()),
        locked,
        "same message: existence not revealed"
    );
    assert!(locked.contains("khóa 15 phút"), "{locked}");
    let user = node::db::users::by_username(&mut ui.node.pool.get().unwrap(), "canbo")
        .unwrap()
        .unwrap();
    assert!(user.locked_until.is_some());
    assert_eq!(
        login(&c, &ui.base, "lanhdao", PASSWORD).await.status(),
        StatusCode::SEE_OTHER
    );
}

#[tokio::test]
async fn a_post_without_the_csrf_token_is_refused() {
    let (_fed, ui) = standalone().await;
    let base = &ui.base;
    let officer = logged_in(base, "canbo").await;
    let id = fill_annual_report(&officer, base, &annual_report_fields()).await;
    let mut fields = annual_report_fields();
    set(&mut fields, "drafter", "Người khác");
    let res = post(&officer, &format!("{base}/ban-nhap/{id}"), &fields).await;
    assert_eq!(res.status(), StatusCode::FORBIDDEN);
    assert!(res
        .text()
        .await
        .unwrap()
        .contains("thiếu mã xác thực biểu mẫu"));
    set(&mut fields, "_csrf", "đoán-bừa");
    let res = post(&officer, &format!("{base}/ban-nhap/{id}"), &fields).await;
    assert_eq!(res.status(), StatusCode::FORBIDDEN);
    let res = post(&officer, &format!("{base}/dang-xuat"), &[]).await;
    assert_eq!(
        res.status(),
        StatusCode::FORBIDDEN,
        "logout needs the token too"
    );
    let draft = node::db::drafts::get(&mut ui.node.pool.get().unwrap(), &id)
        .unwrap()
        .unwrap();
    assert!(!draft.form_json.contains("Người khác"), "nothing was saved");

    let stranger = client();
    let login_fields = [
        ("username".to_string(), "canbo".to_string()),
        ("password".to_string(), PASSWORD.to_string()),
    ];
    let res = post(&stranger, &format!("{base}/dang-nhap"), &login_fields).await;
    assert_eq!(
        res.status(),
        StatusCode::FORBIDDEN,
        "the login form has its token too"
    );
}

#[tokio::test]
async fn an_officer_cannot_approve() {
    let (_fed, ui) = standalone().await;
    let base = &ui.base;
    let officer = logged_in(base, "canbo").await;
    let fields = annual_report_fields();
    let id = fill_annual_report(&officer, base, &fields).await;
    let res = approve(&officer, base, &id, &fields).await;
    assert_eq!(res.status(), StatusCode::FORBIDDEN);
    assert!(res.text().await.unwrap().contains("Chỉ lãnh đạo đơn vị"));
    let mut conn = ui.node.pool.get().unwrap();
    assert!(node::db::submissions::versions(&mut conn, &id)
        .unwrap()
        .is_empty());
    assert!(node::db::drafts::get(&mut conn, &id).unwrap().is_some());
    let (status, _) = get(&officer, &format!("{base}/nguoi-dung")).await;
    assert_eq!(status, StatusCode::FORBIDDEN, "nor manage users");
}

#[tokio::test]
async fn decomposed_vietnamese_is_stored_nfc() {
    let (_fed, ui) = standalone().await;
    let officer = logged_in(&ui.base, "canbo").await;
    let mut fields = annual_report_fields();
    // "Nguyễn Thị Mật" typed with combining marks (NFD), as some keyboards on old PCs send it.
    let nfd = "Nguye\u{302}\u{303}n Thi\u{323} Ma\u{323}\u{302}t";
    set(&mut fields, "drafter", nfd);
    let id = fill_annual_report(&officer, &ui.base, &fields).await;
    let draft = node::db::drafts::get(&mut ui.node.pool.get().unwrap(), &id)
        .unwrap()
        .unwrap();
    let stored: std::collections::BTreeMap<String, String> =
        serde_json::from_str(&draft.form_json).unwrap();
    assert_eq!(stored["drafter"], "Nguyễn Thị Mật");
    assert!(!draft.form_json.contains('\u{303}'));
    let (_, page) = get(&officer, &format!("{}/ban-nhap/{id}", ui.base)).await;
    assert!(page.contains("value=\"Nguyễn Thị Mật\""));
}

#[tokio::test]
async fn pages_need_a_login_and_carry_the_security_headers() {
    let (_fed, ui) = standalone().await;
    let c = client();
    for path in [
        "/",
        "/lich-su",
        "/ban-nhap/moi/annual_report",
        "/nguoi-dung",
    ] {
        let res = c.get(format!("{}{path}", ui.base)).send().await.unwrap();
        assert_eq!(res.status(), StatusCode::SEE_OTHER, "{path}");
        assert_eq!(location(&res), "/dang-nhap");
    }
    let res = c
        .get(format!("{}/dang-nhap", ui.base))
        .send()
        .await
        .unwrap();
    let h = res.headers();
    assert_eq!(
        h["content-security-policy"],
        "default-src 'self'; style-src 'self' 'unsafe-inline'"
    );
    assert_eq!(h["x-frame-options"], "DENY");
    let res = login(&c, &ui.base, "canbo", PASSWORD).await;
    let cookie = res
        .headers()
        .get_all("set-cookie")
        .iter()
        .map(|v| v.to_str().unwrap().to_string())
        .find(|v| v.starts_with("bmnn_phien="))
        .unwrap();
    for flag in ["HttpOnly", "SameSite=Strict", "Path=/", "Max-Age=28800"] {
        assert!(cookie.contains(flag), "{cookie}");
    }
    assert!(
        !cookie.contains("Secure"),
        "the UI listens on loopback: {cookie}"
    );
    assert_eq!(res.headers()["x-frame-options"], "DENY");
    let (status, page) = get(&c, &format!("{}/", ui.base)).await;
    assert_eq!(status, StatusCode::OK);
    assert!(!page.contains("<script"), "no JavaScript");
    let mut conn = ui.node.pool.get().unwrap();
    let actions: Vec<String> = node::db::audit::recent(&mut conn, 50)
        .unwrap()
        .into_iter()
        .map(|r| r.action)
        .collect();
    assert!(actions.contains(&"login".to_string()), "{actions:?}");
}

#[tokio::test]
async fn the_admin_adds_a_user_who_can_then_log_in() {
    let (_fed, ui) = standalone().await;
    let admin = logged_in(&ui.base, "quantri").await;
    let (_, page) = get(&admin, &format!("{}/nguoi-dung", ui.base)).await;
    let fields = [
        ("_csrf".to_string(), csrf(&page)),
        ("username".to_string(), "vanthu".to_string()),
        (
            "display_name".to_string(),
            "Trần Thị Bình, văn thư".to_string(),
        ),
        ("role".to_string(), "officer".to_string()),
        ("password".to_string(), "ngắn".to_string()),
    ];
    let res = post(&admin, &format!("{}/nguoi-dung", ui.base), &fields).await;
    assert_eq!(res.status(), StatusCode::UNPROCESSABLE_ENTITY);
    assert!(res.text().await.unwrap().contains("ít nhất 10 ký tự"));
    let mut fields = fields.to_vec();
    set(&mut fields, "password", PASSWORD);
    let res = post(&admin, &format!("{}/nguoi-dung", ui.base), &fields).await;
    assert_eq!(res.status(), StatusCode::SEE_OTHER);
    let (_, page) = get(&admin, &format!("{}{}", ui.base, location(&res))).await;
    assert!(page.contains("Trần Thị Bình, văn thư") && page.contains("Đã tạo tài khoản"));
    assert_eq!(
        login(&client(), &ui.base, "vanthu", PASSWORD)
            .await
            .status(),
        StatusCode::SEE_OTHER
    );
}
