//! The steering committee's web UI through haproxy while its processes die: one login before
//! the burst, and after every kill -9 of a provincial process the same session (cookie) must
//! still open a page. Sessions live in the shared store, so whichever process haproxy picks,
//! including one started after the login, knows them.

use std::time::Duration;

use reqwest::{Client, StatusCode};

use crate::haproxy::Backend;
use crate::support::browser;
use crate::tiers::Tiers;

const USER: &str = "lanhdao";
const NAME: &str = "Trần Thị Bình";
const PASSWORD: &str = "mật-khẩu-thử-nghiệm-42";
/// A page only a logged-in user sees.
const PAGE: &str = "/yeu-cau";

/// One logged-in browser on the province's UI behind haproxy.
pub struct Session {
    rt: tokio::runtime::Runtime,
    client: Client,
    base: String,
    /// Pages opened after a kill.
    pub checks: usize,
}

impl Session {
    /// Creates the head of the committee in the province's store and logs in through
    /// haproxy; `None` unless the province runs behind haproxy.
    pub fn open(tiers: &Tiers) -> Option<Self> {
        let hp = tiers.province.haproxy.as_ref()?;
        let relay = tiers
            .province
            .relay_store()
            .expect("the province's own store");
        let mut c = relay.get().unwrap();
        let hash = node::auth::hash_password(PASSWORD).unwrap();
        node::db::users::insert(
            &mut c,
            &node::db::users::NewUser {
                username: USER,
                display_name: NAME,
                role: node::db::users::Role::Head.code(),
                password_hash: &hash,
                created_at: node::db::now(),
            },
        )
        .unwrap();
        let rt = tokio::runtime::Runtime::new().unwrap();
        let base = format!("http://127.0.0.1:{}", hp.ui_port);
        let client = rt.block_on(browser::logged_in(&base, USER, PASSWORD));
        Some(Self {
            rt,
            client,
            base,
            checks: 0,
        })
    }

    /// The session still opens a page with the user's name on it (not the login page).
    pub fn still_logged_in(&mut self, context: &str) {
        let url = format!("{}{PAGE}", self.base);
        let (status, page) = self.rt.block_on(async {
            let res = self
                .client
                .get(&url)
                .timeout(Duration::from_secs(20))
                .send()
                .await
                .unwrap_or_else(|e| panic!("GET {url} through haproxy: {e}; {context}"));
            (res.status(), res.text().await.unwrap_or_default())
        });
        assert_eq!(
            status,
            StatusCode::OK,
            "the web UI session did not survive a process dying; {context}"
        );
        assert!(page.contains(NAME), "{PAGE} is not {NAME}'s page");
        self.checks += 1;
    }
}

/// Both provincial processes served ingest connections and the web UI through haproxy.
pub fn both_served(tiers: &mut Tiers, context: &str) {
    let hp = tiers.province.haproxy.as_mut().expect("haproxy");
    for backend in [Backend::Ingest, Backend::Ui] {
        for i in 0..2 {
            assert!(
                hp.sessions(backend, i) > 0,
                "haproxy sent no {backend:?} connection to process {}; {context}",
                i + 1
            );
        }
    }
}
