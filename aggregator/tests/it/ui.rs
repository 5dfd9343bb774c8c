//! The steering committee's web UI, driven as a browser would: the inbox shows what arrived,
//! a unit's page its history, incident detail only for heads (and each view is audited), the
//! registry browser the communes in Vietnamese order.

use node::db::users::Role;
use reqwest::StatusCode;

use crate::support::browser;
use crate::support::federation::Federation;
use crate::support::report::{annual, incident};
use crate::support::runtime;

const UNIT: &str = "75.26041";
const PASSWORD: &str = "Mật-khẩu-đủ-dài-2026";

#[test]
fn committee_sees_inbox_unit_history_and_restricted_incidents() {
    let fed = Federation::new();
    let agg = fed.aggregator_for("75", "https://a03.bca.example.vn/", 1 << 20);
    {
        let mut c = agg.pool.get().unwrap();
        aggregator::registry::import_admin_units(
            &mut c,
            &schema::UnitId::parse("75").unwrap(),
            false,
        )
        .unwrap();
    }
    agg.add_user("canbo", Role::Officer, PASSWORD);
    agg.add_user("lanhdao", Role::Head, PASSWORD);
    let inst = fed.node(UNIT, agg.port);
    let node = inst.open();
    let rt = runtime();
    let inc = inst.queue(&node, incident(UNIT));
    inst.queue(&node, annual(UNIT));
    assert_eq!(rt.block_on(node.pusher.push_once()).unwrap().delivered, 2);
    let base = agg.ui();

    rt.block_on(async {
        // Not logged in: sent to the login page.
        let anon = browser::client();
        let res = anon.get(format!("{base}/")).send().await.unwrap();
        assert_eq!(res.status(), StatusCode::SEE_OTHER);

        let officer = browser::logged_in(&base, "canbo", PASSWORD).await;
        let inbox = text(&officer, format!("{base}/")).await;
        assert!(inbox.contains("Hộp thư báo cáo"), "{inbox}");
        assert!(inbox.contains(UNIT));
        assert!(
            inbox.contains("Phường Trấn Biên"),
            "the unit by name: {inbox}"
        );
        assert!(inbox.contains("Báo cáo sơ kết hằng năm"));
        // Filtered by name as typed, without diacritics; a name nobody has is said so.
        let by_name = text(&officer, format!("{base}/?don_vi=tran+bien")).await;
        assert_eq!(by_name.matches("Xem</a>").count(), 2, "{by_name}");
        let nobody = text(&officer, format!("{base}/?don_vi=khong+co+ai")).await;
        assert!(nobody.contains("Không có đơn vị nào"), "{nobody}");
        assert!(inbox.contains("Báo cáo đột xuất"));
        let only_annual = text(&officer, format!("{base}/?loai=annual_report&don_vi=75")).await;
        assert_eq!(
            only_annual.matches("Xem</a>").count(),
            1,
            "filtered by kind: {only_annual}"
        );

        let unit = text(&officer, format!("{base}/don-vi/{UNIT}")).await;
        assert!(unit.contains("Phường Trấn Biên"), "registry name: {unit}");
        assert_eq!(unit.matches("Xem</a>").count(), 2, "both reports listed");

        let incident_url = format!("{base}/bao-cao/{}/{}", inc.body.report_id, inc.digest());
        let res = officer.get(&incident_url).send().await.unwrap();
        assert_eq!(
            res.status(),
            StatusCode::FORBIDDEN,
            "officers may not read incidents"
        );

        let head = browser::logged_in(&base, "lanhdao", PASSWORD).await;
        let res = head.get(&incident_url).send().await.unwrap();
        assert_eq!(res.status(), StatusCode::OK);
        let page = res.text().await.unwrap();
        assert!(page.contains(&inc.digest().to_string()));

        // The dashboard: five charts and the year's incident in the figures.
        let dash = officer
            .get(format!("{base}/tong-quan?tu=2025&den=2026"))
            .send()
            .await
            .unwrap();
        assert!(dash.headers()["content-security-policy"]
            .to_str()
            .unwrap()
            .contains("img-src 'self' data:"));
        let dash = dash.text().await.unwrap();
        assert_eq!(
            dash.matches("src=\"data:image/png;base64,").count(),
            5,
            "{dash}"
        );
        assert!(
            dash.contains("<td>2026</td><td>1</td><td>1</td>"),
            "one incident, one violation"
        );
        let other_kind = text(
            &officer,
            format!("{base}/tong-quan?tu=2025&den=2026&vi_pham=leak_or_loss"),
        )
        .await;
        assert!(
            other_kind.contains("<td>2026</td><td>0</td><td>0</td>"),
            "filtered by kind"
        );
        assert!(
            dash.contains("Điểm rủi ro cao nhất") && dash.contains("<td>Phường Trấn Biên</td>"),
            "the commune with an incident has a risk score"
        );
        let agencies = text(
            &officer,
            format!("{base}/tong-quan?tu=2025&den=2026&cap=agency"),
        )
        .await;
        assert!(
            agencies.contains("<td>2026</td><td>0</td><td>0</td>"),
            "no agency had an incident"
        );
        let res = officer
            .get(format!("{base}/tong-quan?cap=district"))
            .send()
            .await
            .unwrap();
        assert_eq!(res.status(), StatusCode::BAD_REQUEST);

        // The consolidated report as the committee sends it up: HTML, DOCX, XLSX.
        let html = text(&officer, format!("{base}/bao-cao-tong-hop")).await;
        for part in [
            "CỘNG HÒA XÃ HỘI CHỦ NGHĨA VIỆT NAM",
            "BÁO CÁO",
            "Nơi nhận",
            // 95 units: the body counts groups of units and names those that have not
            // reported; every unit is in the XLSX annex.
            "Tình hình nộp báo cáo theo nhóm đơn vị",
            "Các đơn vị chưa gửi báo cáo (94 đơn vị): Phường An Lộc",
            "Phụ lục số liệu chi tiết",
        ] {
            assert!(html.contains(part), "{part} missing");
        }
        for (format, mime) in [("docx", "wordprocessingml"), ("xlsx", "spreadsheetml")] {
            let res = officer
                .get(format!("{base}/bao-cao-tong-hop?dang={format}"))
                .send()
                .await
                .unwrap();
            assert_eq!(res.status(), StatusCode::OK, "{format}");
            let ct = res.headers()["content-type"].to_str().unwrap().to_string();
            assert!(ct.contains(mime), "{ct}");
            let bytes = res.bytes().await.unwrap();
            assert_eq!(&bytes[..2], b"PK", "{format} is a zip package");
        }
        // Tables 0–2 are the body's (by group), 3 the annex's status of every unit.
        let csv = text(&officer, format!("{base}/bao-cao-tong-hop?dang=csv&bang=3")).await;
        assert!(csv.starts_with('\u{feff}'), "UTF-8 with BOM for Excel");
        assert!(
            csv.contains(UNIT) || csv.contains("Phường Trấn Biên"),
            "{csv}"
        );
        let res = officer
            .get(format!("{base}/bao-cao-tong-hop?dang=csv&bang=99"))
            .send()
            .await
            .unwrap();
        assert_eq!(res.status(), StatusCode::BAD_REQUEST);
        let res = officer
            .get(format!("{base}/bao-cao-tong-hop?dang=pdf"))
            .send()
            .await
            .unwrap();
        assert_eq!(res.status(), StatusCode::BAD_REQUEST);

        let registry = text(&officer, format!("{base}/danh-muc?cha=75&ngay=2026-01-01")).await;
        let names: Vec<&str> = registry
            .split("<td><a href=\"/don-vi/")
            .skip(1)
            .filter_map(|s| s.split('>').nth(1)?.split('<').next())
            .collect();
        assert!(names.len() > 50, "{}", names.len());
        let mut sorted = names.clone();
        sorted.sort_by(|a, b| config::units::compare_vi(a, b));
        assert_eq!(names, sorted, "Vietnamese alphabetical order");
    });

    // The head's view, and only it, is in the audit log.
    let mut c = agg.pool.get().unwrap();
    let views: Vec<_> = node::db::audit::recent(&mut c, 100)
        .unwrap()
        .into_iter()
        .filter(|r| r.action == "view_incident")
        .collect();
    assert_eq!(views.len(), 1);
    assert_eq!(views[0].actor, "lanhdao");
    assert_eq!(views[0].subject, inc.body.report_id.to_string());
}

/// The body of a page fetched by a logged-in client.
async fn text(c: &reqwest::Client, url: String) -> String {
    c.get(url).send().await.unwrap().text().await.unwrap()
}
