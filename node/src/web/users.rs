//! User management for the admin (`/nguoi-dung`): the list of accounts with their role and
//! lock state, a form to add an account with a role, and per account a form to set a new
//! password (which also unlocks it and ends its sessions). Both changes are audited.

use actix_web::http::StatusCode;
use actix_web::web;
use maud::{html, Markup};
use schema::Line;
use unicode_normalization::UnicodeNormalization;

use super::error::WebResult;
use super::layout::{self, fmt_utc, NoticeQuery};
use super::queries;
use super::routes;
use super::session::{db, Viewer};
use crate::app::Node;
use crate::auth;
use crate::db::users::{self, Role, UserRow};
use crate::db::{self, audit};

type Pairs = web::Form<Vec<(String, String)>>;

const ROLES: [Role; 3] = [Role::Officer, Role::Head, Role::Admin];

fn field<'a>(pairs: &'a [(String, String)], name: &str) -> &'a str {
    pairs
        .iter()
        .find(|(k, _)| k == name)
        .map_or("", |(_, v)| v.as_str())
}

fn valid_username(u: &str) -> bool {
    (3..=32).contains(&u.len())
        && u.bytes()
            .all(|b| b.is_ascii_lowercase() || b.is_ascii_digit() || b"._-".contains(&b))
}

fn render(
    viewer: &Viewer,
    node: &Node,
    list: &[UserRow],
    errors: &[String],
    notice: Option<&str>,
    pairs: &[(String, String)],
) -> Markup {
    let now = db::now();
    let content = html! {
        h1 { "Người dùng" }
        @if !errors.is_empty() {
            div.alert role="alert" { ul { @for e in errors { li { (e) } } } }
        }
        table {
            thead { tr { th { "Tên đăng nhập" } th { "Họ tên" } th { "Vai trò" } th { "Trạng thái" } th { "Đặt lại mật khẩu" } } }
            tbody {
                @for u in list {
                    tr {
                        td { code { (u.username) } }
                        td { (u.display_name) }
                        td { (u.role().label_vi()) }
                        td {
                            @match u.locked_until.filter(|t| *t > now) {
                                Some(t) => { span.error { "Tạm khóa đến " (fmt_utc(t)) } }
                                None => { "Đang hoạt động" }
                            }
                        }
                        td {
                            form method="post" action=(routes::user_password(u.id)) {
                                (layout::csrf_field(&viewer.csrf))
                                input type="password" name="password" autocomplete="new-password"
                                    aria-label={ "Mật khẩu mới cho " (u.username) };
                                " " button type="submit" { "Đặt lại" }
                            }
                        }
                    }
                }
            }
        }
        h2 { "Thêm người dùng" }
        form.box method="post" action=(routes::USERS) {
            (layout::csrf_field(&viewer.csrf))
            div.field { label for="nu-username" { "Tên đăng nhập" } " " span.hint { "(3–32 ký tự: chữ thường không dấu, số, dấu chấm, gạch)" } br;
                input #nu-username type="text" name="username" value=(field(pairs, "username")) autocomplete="off"; }
            div.field { label for="nu-name" { "Họ tên, chức vụ" } br;
                input #nu-name type="text" name="display_name" size="50" value=(field(pairs, "display_name")); }
            div.field { label for="nu-role" { "Vai trò" } br;
                select #nu-role name="role" {
                    @for r in ROLES { option value=(r.code()) selected[field(pairs, "role") == r.code()] { (r.label_vi()) } }
                }
                div.hint { "Cán bộ: soạn báo cáo. Lãnh đạo đơn vị: duyệt và ký gửi. Quản trị: mọi việc và quản lý người dùng." }
            }
            div.field { label for="nu-password" { "Mật khẩu" } " " span.hint { "(ít nhất " (auth::MIN_PASSWORD_CHARS) " ký tự)" } br;
                input #nu-password type="password" name="password" autocomplete="new-password"; }
            div.actions { button.primary type="submit" { "Thêm người dùng" } }
        }
    };
    layout::page(
        viewer,
        node.settings.unit.name.as_str(),
        "Người dùng",
        notice,
        content,
    )
}

/// GET /nguoi-dung
pub async fn list(viewer: Viewer, node: web::Data<Node>, q: web::Query<NoticeQuery>) -> WebResult {
    viewer.require_admin()?;
    let all = db(&node, |c| Ok(users::all(c)?)).await?;
    Ok(layout::ok(render(
        &viewer,
        &node,
        &all,
        &[],
        q.message(),
        &[],
    )))
}

async fn refused(
    viewer: &Viewer,
    node: &Node,
    errors: &[String],
    pairs: &[(String, String)],
) -> WebResult {
    let all = db(node, |c| Ok(users::all(c)?)).await?;
    Ok(layout::html_response(
        StatusCode::UNPROCESSABLE_ENTITY,
        render(viewer, node, &all, errors, None, pairs),
    ))
}

/// POST /nguoi-dung: adds an account.
pub async fn create(viewer: Viewer, node: web::Data<Node>, form: Pairs) -> WebResult {
    viewer.check_csrf(&form)?;
    viewer.require_admin()?;
    let pairs = form.into_inner();
    let username = field(&pairs, "username").trim().to_string();
    let display: String = field(&pairs, "display_name").nfc().collect();
    let password = field(&pairs, "password").to_string();
    let mut errors = Vec::new();
    if !valid_username(&username) {
        errors.push(
            "Tên đăng nhập phải có 3–32 ký tự: chữ thường không dấu, số, dấu chấm, gạch."
                .to_string(),
        );
    }
    let display = match Line::<200>::parse(&display) {
        Ok(l) if !l.is_empty() => Some(l),
        _ => {
            errors.push("Hãy ghi họ tên, chức vụ (một dòng, tối đa 200 ký tự).".to_string());
            None
        }
    };
    let role = Role::parse(field(&pairs, "role")).ok();
    if role.is_none() {
        errors.push("Hãy chọn vai trò.".to_string());
    }
    if let Err(e) = auth::check_password_policy(&password) {
        errors.push(e);
    }
    let (Some(display), Some(role), true) = (display, role, errors.is_empty()) else {
        return refused(&viewer, &node, &errors, &pairs).await;
    };
    let hash = web::block(move || auth::hash_password(&password))
        .await
        .map_err(|e| anyhow::anyhow!("blocking task failed: {e}"))??;
    let actor = viewer.actor().to_string();
    let name = username.clone();
    let created = db(&node, move |c| {
        c.write_transaction(|c| -> anyhow::Result<bool> {
            if users::by_username(c, &name)?.is_some() {
                return Ok(false);
            }
            users::insert(
                c,
                &users::NewUser {
                    username: &name,
                    display_name: display.as_str(),
                    role: role.code(),
                    password_hash: &hash,
                    created_at: db::now(),
                },
            )?;
            audit::append(c, &actor, "create_user", &name, role.code())?;
            Ok(true)
        })
    })
    .await?;
    if !created {
        let errors = [format!("Tên đăng nhập «{username}» đã có.")];
        return refused(&viewer, &node, &errors, &pairs).await;
    }
    Ok(layout::see_other(&routes::with_notice(
        routes::USERS,
        "da-tao",
    )))
}

/// POST /nguoi-dung/{id}/mat-khau: sets a new password, unlocks, ends the user's sessions.
pub async fn set_password(
    viewer: Viewer,
    node: web::Data<Node>,
    id: web::Path<i32>,
    form: Pairs,
) -> WebResult {
    viewer.check_csrf(&form)?;
    viewer.require_admin()?;
    let password = field(&form, "password").to_string();
    if let Err(e) = auth::check_password_policy(&password) {
        return refused(&viewer, &node, &[e], &[]).await;
    }
    let hash = web::block(move || auth::hash_password(&password))
        .await
        .map_err(|e| anyhow::anyhow!("blocking task failed: {e}"))??;
    let (id, actor) = (id.into_inner(), viewer.actor().to_string());
    let found = db(&node, move |c| {
        c.write_transaction(|c| -> anyhow::Result<bool> {
            let Some(user) = users::by_id(c, id)? else {
                return Ok(false);
            };
            users::set_password(c, id, &hash)?;
            users::record_success(c, id)?;
            queries::delete_sessions_of(c, id)?;
            audit::append(c, &actor, "reset_password", &user.username, "")?;
            Ok(true)
        })
    })
    .await?;
    if !found {
        return Err(super::error::WebError::NotFound);
    }
    Ok(layout::see_other(&routes::with_notice(
        routes::USERS,
        "da-doi-mk",
    )))
}
