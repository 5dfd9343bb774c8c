//! The web UI (server-rendered HTML in Vietnamese, no external assets, works without
//! JavaScript). Routes are registered in `routes`.

use std::net::TcpListener;

use actix_web::{web, App, HttpServer};

use crate::app::Node;

/// Largest form body accepted.
pub const MAX_FORM_BYTES: usize = 1024 * 1024;

pub fn server(node: Node, listener: TcpListener) -> anyhow::Result<actix_web::dev::Server> {
    let data = web::Data::new(node);
    let server = HttpServer::new(move || {
        App::new()
            .app_data(data.clone())
            .app_data(web::FormConfig::default().limit(MAX_FORM_BYTES))
            .route("/health", web::get().to(|| async { "ok" }))
    })
    .workers(2)
    .listen(listener)?
    .run();
    Ok(server)
}
