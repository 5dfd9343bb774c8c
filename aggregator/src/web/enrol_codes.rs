//! "Mã đăng ký" (heads and admins): one-time enrolment codes for units that have no
//! certificate yet. `POST /chung-thu/ma-dang-ky` creates codes for a scope (by default only
//! units without a valid certificate) and shows them once — on the page, or as the CSV of
//! slips to hand out (`dang=csv`): unit, code, expiry, the enrolment address, the root's
//! fingerprint and the command to run. The list below shows every code's state; an unused
//! code can be revoked (`POST /chung-thu/ma-dang-ky/{id}/thu-hoi`). Codes themselves are
//! never stored, only their hashes.

use actix_web::http::StatusCode;
use actix_web::web;
use maud::{html, Markup};
use node::web::error::{WebError, WebResult};
use node::web::layout::{self, csrf_field};
use node::web::session::Viewer;

use super::{db, field as get, Ui};
use crate::enrol::inventory::local;
use crate::enrol::{select, NewCode};
use crate::store::enrolment::{self as rows, CodeRow, CodeState};

pub const CODES: &str = "/chung-thu/ma-dang-ky";
const TITLE: &str = "Mã đăng ký chứng thư";
/// Codes listed on the page.
const LISTED: usize = 300;

type Pairs = web::Form<Vec<(String, String)>>;

fn scopes(unit: &str) -> Vec<(String, &'static str)> {
    vec![
        (format!("tier:{unit}:commune"), "Các xã, phường, đặc khu"),
        (format!("tier:{unit}:agency"), "Các sở, ban, ngành"),
        (format!("subtree:{unit}"), "Tất cả đơn vị thuộc phạm vi"),
    ]
}

fn form(viewer: &Viewer, ui: &Ui, error: Option<&str>) -> Markup {
    html! {
        h1 { (TITLE) }
        p { a href=(super::certificates::CERTIFICATES) { "← Danh sách chứng thư" } }
        @if let Some(e) = error { div.alert role="alert" { p { b { "Chưa tạo được mã: " } (e) } } }
        form method="post" action=(CODES) {
            (csrf_field(&viewer.csrf))
            div.field {
                label for="to" { "Cấp mã cho" } br;
                select #to name="to" {
                    @for (v, l) in scopes(ui.unit.as_str()) { option value=(v) { (l) } }
                }
            }
            div.field {
                label for="units" { "hoặc các đơn vị (mã đơn vị, cách nhau bởi dấu phẩy)" } br;
                input #units type="text" name="units" size="60" placeholder="75.26017, 75.25195";
            }
            div.field {
                label { input type="checkbox" name="missing" value="1" checked; " Chỉ đơn vị chưa có chứng thư còn hiệu lực" }
            }
            div.actions {
                button.primary type="submit" name="dang" value="html" { "Tạo mã" }
                " "
                button type="submit" name="dang" value="csv" { "Tạo mã và tải phiếu (CSV)" }
            }
            p.hint { "Mỗi mã chỉ dùng một lần, gắn với một đơn vị và hết hạn sau số ngày cấu hình. \
                      Mã chỉ hiện một lần: hãy tải phiếu hoặc chép lại ngay." }
        }
    }
}

fn created(e: &crate::enrol::Enrolment, made: &[(NewCode, String)]) -> Markup {
    html! {
        div.notice role="status" {
            p { b { "Đã tạo " (made.len()) " mã đăng ký." } " Mã chỉ hiện lần này." }
            p { "Địa chỉ đăng ký: " code { (e.url) } br; "Vân tay chứng thư gốc (SHA-256): " code { (e.root_fingerprint) } }
            p.hint { "Tại máy của đơn vị, chạy: " code { "bmnn-node init --config node.toml --enrol " (e.url) " --code <mã> --root-sha256 " (e.root_fingerprint) } }
        }
        table {
            thead { tr { th { "Đơn vị" } th { "Mã đăng ký" } th { "Hạn dùng" } } }
            tbody { @for (c, name) in made.iter().take(LISTED) {
                tr { td { (name) br; small { (c.unit) } } td { code { (c.code.display()) } } td { (local(c.expires_at.and_utc())) } }
            } }
        }
    }
}

fn listing(
    viewer: &Viewer,
    codes: &[CodeRow],
    names: &std::collections::HashMap<String, String>,
) -> Markup {
    let now = chrono::Utc::now().naive_utc();
    html! {
        h2 { "Các mã đã tạo" }
        table {
            thead { tr { th { "Đơn vị" } th { "Số hiệu" } th { "Tạo lúc" } th { "Hạn dùng" } th { "Tình trạng" } th {} } }
            tbody { @for c in codes.iter().take(LISTED) {
                tr {
                    td { (names.get(&c.unit_id).map_or(c.unit_id.as_str(), String::as_str)) br; small { (c.unit_id) } }
                    td { code { (c.id) } }
                    td { (local(c.created_at.and_utc())) }
                    td { (local(c.expires_at.and_utc())) }
                    td { (state_label(c.state(now))) }
                    td { @if c.state(now) == CodeState::Usable {
                        form method="post" action={(CODES) "/" (c.id) "/thu-hoi"} {
                            (csrf_field(&viewer.csrf))
                            button type="submit" { "Thu hồi" }
                        }
                    } }
                }
            } }
        }
    }
}

fn state_label(s: CodeState) -> &'static str {
    match s {
        CodeState::Usable => "Chưa dùng",
        CodeState::Used => "Đã dùng",
        CodeState::Expired => "Hết hạn",
        CodeState::Revoked => "Đã thu hồi",
    }
}

async fn render(viewer: &Viewer, ui: &web::Data<Ui>, top: Markup, status: StatusCode) -> WebResult {
    let (codes, names) = db(ui, |c| {
        let names = crate::store::units::all(c)?
            .into_iter()
            .map(|u| (u.id, u.name))
            .collect();
        Ok((rows::list(c)?, names))
    })
    .await?;
    let body = html! { (top) (listing(viewer, &codes, &names)) };
    Ok(layout::html_response(
        status,
        layout::page(viewer, &ui.unit_name, TITLE, None, body),
    ))
}

/// GET /chung-thu/ma-dang-ky
pub async fn show(viewer: Viewer, ui: web::Data<Ui>) -> WebResult {
    viewer.require_approver()?;
    if ui.enrolment.is_none() {
        return Err(WebError::NotFound);
    }
    render(&viewer, &ui, form(&viewer, &ui, None), StatusCode::OK).await
}

/// POST /chung-thu/ma-dang-ky
pub async fn create(viewer: Viewer, ui: web::Data<Ui>, form_data: Pairs) -> WebResult {
    viewer.check_csrf(&form_data)?;
    viewer.require_approver()?;
    let e = ui.enrolment.clone().ok_or(WebError::NotFound)?;
    let typed = form_data.into_inner();
    let listed = get(&typed, "units").replace(' ', "");
    let scope = if listed.is_empty() {
        get(&typed, "to").to_string()
    } else {
        format!("list:{listed}")
    };
    let missing = get(&typed, "missing") == "1";
    let (own, by, e2) = (ui.unit.clone(), viewer.actor().to_string(), e.clone());
    let made = db(&ui, move |c| {
        let units = match select::units(&e2, c, &own, &scope, missing, layout::today()) {
            Ok(u) if u.is_empty() => return Ok(Err("không có đơn vị nào cần mã (mọi đơn vị đã có chứng thư còn hiệu lực, hoặc không thuộc phạm vi).".to_string())),
            Ok(u) => u,
            Err(err) => return Ok(Err(err.to_string())),
        };
        let ids: Vec<_> = units.iter().map(|(id, _)| id.clone()).collect();
        let codes = e2.create_codes(&ids, &by)?;
        Ok(Ok(codes.into_iter().zip(units.into_iter().map(|(_, n)| n)).collect::<Vec<_>>()))
    })
    .await?;
    let made = match made {
        Ok(m) => m,
        Err(msg) => {
            return render(
                &viewer,
                &ui,
                form(&viewer, &ui, Some(&msg)),
                StatusCode::UNPROCESSABLE_ENTITY,
            )
            .await
        }
    };
    tracing::info!(
        count = made.len(),
        by = viewer.actor(),
        "enrolment codes created"
    );
    if get(&typed, "dang") == "csv" {
        let codes: Vec<NewCode> = made.iter().map(|(c, _)| c.clone()).collect();
        let names: std::collections::HashMap<_, _> = made
            .iter()
            .map(|(c, n)| (c.unit.clone(), n.clone()))
            .collect();
        let bytes = e
            .slips_csv(&codes, &|u| names.get(u).cloned().unwrap_or_default())
            .map_err(WebError::Internal)?;
        return Ok(super::download(
            bytes,
            "text/csv; charset=utf-8",
            "ma-dang-ky.csv",
        ));
    }
    render(
        &viewer,
        &ui,
        html! { (created(&e, &made)) (form(&viewer, &ui, None)) },
        StatusCode::OK,
    )
    .await
}

/// POST /chung-thu/ma-dang-ky/{id}/thu-hoi
pub async fn revoke(
    viewer: Viewer,
    ui: web::Data<Ui>,
    path: web::Path<String>,
    form_data: Pairs,
) -> WebResult {
    viewer.check_csrf(&form_data)?;
    viewer.require_approver()?;
    let id = path.into_inner();
    let (id2, actor) = (id.clone(), viewer.actor().to_string());
    let done = db(&ui, move |c| {
        Ok(c.write_transaction(|c| {
            let ok = rows::revoke(c, &id2, chrono::Utc::now().naive_utc())?;
            if ok {
                node::db::audit::append(c, &actor, "enrolment_code_revoke", &id2, "")?;
            }
            diesel::QueryResult::Ok(ok)
        })?)
    })
    .await?;
    if !done {
        return Err(WebError::BadRequest(format!(
            "Mã {id} không còn dùng được nên không cần thu hồi."
        )));
    }
    Ok(layout::see_other(CODES))
}
