//! Requests down the tree, with a real aggregator and node over mutual TLS: Đồng Nai asks its
//! communes for their internal rules, due in 10 working days; the node pulls the request and
//! shows it; the commune answers with a PDF; the pusher sends the file before the envelope;
//! the province holds the same bytes, its tracking counts the answer on time, and only the
//! communes that did not answer are reminded.

use aggregator::requests::{self, tracking::State};
use chrono::NaiveDate;
use schema::{
    Asked, AttachmentLimits, AttachmentRef, BoundedVec, Classification, Digest, DocumentAnswer,
    DocumentType, Line, Payload, Protocol, ReportId, ReportingPeriod, Request, Submission,
};

use super::*;
use crate::support::federation::Federation;
use crate::support::runtime;

/// A small but real PDF (header, one page, trailer).
pub(super) fn pdf(text: &str) -> Vec<u8> {
    format!(
        "%PDF-1.4\n1 0 obj << /Type /Catalog /Pages 2 0 R >> endobj\n2 0 obj << /Type /Pages \
         /Kids [3 0 R] /Count 1 >> endobj\n3 0 obj << /Type /Page /Parent 2 0 R >> endobj\n\
         % {text}\ntrailer << /Root 1 0 R >>\n%%EOF\n"
    )
    .into_bytes()
}

pub(super) fn internal_rules(due: NaiveDate) -> Request {
    Request {
        title: Line::parse("Gửi nội quy bảo vệ bí mật nhà nước về Công an tỉnh").unwrap(),
        legal_basis: Line::parse("Công văn số 120/BCĐ-PA03 ngày 02/12/2026").unwrap(),
        asked: Asked::Document {
            document: DocumentType::InternalRules,
        },
        period: ReportingPeriod::annual_containing(node::web::layout::today()),
        due,
        classification: Classification::KhongMat,
        instructions: None,
    }
}

pub(super) fn answer(request: &str, file: &AttachmentRef) -> Submission {
    Submission {
        protocol: Protocol::V1,
        report_id: ReportId::random(),
        unit: unit(UNIT),
        period: ReportingPeriod::annual_containing(node::web::layout::today()),
        classification: Classification::KhongMat,
        created_at: node::web::layout::now_local(),
        supersedes: None,
        payload: Payload::Document(DocumentAnswer {
            document: DocumentType::InternalRules,
            title: Line::parse("Nội quy bảo vệ bí mật nhà nước của UBND phường Trấn Biên").unwrap(),
            number: Some(Line::parse("15/QĐ-UBND").unwrap()),
            issued_on: None,
            summary: None,
        }),
        in_reply_to: Some(ReportId::parse(request).unwrap()),
        attachments: BoundedVec::parse(vec![file.clone()]).unwrap(),
    }
}

#[test]
fn a_commune_answers_a_request_with_a_pdf_and_the_province_counts_it_and_reminds_the_rest() {
    let fed = Federation::new();
    let agg = fed.aggregator_for("75", "https://a03.bca.example.vn/", 1 << 20);
    let mut c = agg.pool.get().unwrap();
    aggregator::registry::import_admin_units(&mut c, &unit("75"), false).unwrap();
    let rules = config::rules::RuleBook::embedded().unwrap();
    let today = node::web::layout::today();
    let due = requests::due_in_working_days(rules, today, 10);
    let to = requests::parse_scope("tier:75:commune").unwrap();
    let notice =
        requests::issue(&mut c, &signer_of(&agg), to, internal_rules(due), "pa03").unwrap();
    let id = notice.body.notice_id.to_string();
    let scope = unit("75");
    let before = requests::tracking::track(&mut c, &id, &scope, today)
        .unwrap()
        .unwrap();
    assert!(
        before.units.len() > 50,
        "every commune of Đồng Nai is addressed"
    );
    assert!(before.units.iter().all(|u| u.state == State::NotYetDue));
    assert_eq!(before.rate(), None, "nothing due yet is not 0 %");

    // The node pulls the request and shows it as an open obligation.
    let inst = fed.node(UNIT, agg.port);
    let node = inst.open();
    let rt = runtime();
    rt.block_on(node.pusher.pull_once());
    let open = node::web::requests::all(&mut node.pool.get().unwrap()).unwrap();
    assert_eq!(open.len(), 1);
    assert_eq!(open[0].ask.due(), due);
    assert!(open[0].answered.is_none());

    // The commune answers with a PDF; the file goes up before the envelope.
    let bytes = pdf("Nội quy");
    let file =
        AttachmentRef::describe("Nội quy BMNN.pdf", &bytes, &AttachmentLimits::default()).unwrap();
    node::db::attachments::put(&mut node.pool.get().unwrap(), &file, &bytes).unwrap();
    inst.queue(&node, answer(&id, &file));
    let pushed = rt.block_on(node.pusher.push_once()).unwrap();
    assert_eq!(pushed.delivered, 1, "{pushed:?}");

    // The province holds the same bytes, and counts the answer on time.
    let (mime, stored) = aggregator::store::requests::attachment(&mut c, file.sha256.as_str())
        .unwrap()
        .unwrap();
    assert_eq!(mime, "application/pdf");
    assert_eq!(Digest::of(&stored), file.sha256);
    assert_eq!(stored, bytes);
    let after = requests::tracking::track(&mut c, &id, &scope, today)
        .unwrap()
        .unwrap();
    let mine = after.units.iter().find(|u| u.unit.id == UNIT).unwrap();
    assert!(
        matches!(mine.state, State::OnTime { .. }),
        "{:?}",
        mine.state
    );
    assert_eq!(after.counts().0, 1);
    let open = node::web::requests::all(&mut node.pool.get().unwrap()).unwrap();
    assert!(
        open[0].answered.is_some(),
        "the node shows the request answered"
    );

    // The day after the due date: every commune but the one that answered is overdue.
    let mut day = due.succ_opt().unwrap();
    while !rules.is_working_day(day) {
        day = day.succ_opt().unwrap();
    }
    let items = aggregator::reminders::requests::due(&mut c, rules, &scope, day, 5).unwrap();
    assert!(!items.is_empty());
    assert!(
        items.iter().all(|i| i.unit.as_str() != UNIT),
        "the answering unit is spared"
    );
    assert!(items
        .iter()
        .all(|i| i.record_kind() == format!("request:{id}")));
    assert_eq!(
        items
            .iter()
            .filter(|i| i.stage == aggregator::reminders::Stage::Overdue)
            .count(),
        after.units.len() - 1
    );
}

#[test]
fn bad_files_are_refused_by_name_and_a_report_naming_a_file_not_uploaded_is_not_stored() {
    let limits = AttachmentLimits {
        max_file_bytes: 1024,
        max_total_bytes: 2048,
        max_files: 2,
    };
    let refused =
        |name: &str, bytes: &[u8]| AttachmentRef::describe(name, bytes, &limits).unwrap_err();
    assert!(refused("a.pdf", b"").contains("rỗng"));
    assert!(refused("a.pdf", &[b'%'; 2000]).contains("quá giới hạn"));
    assert!(refused("setup.exe", b"MZ\x90\x00").contains("không phải PDF"));
    assert!(refused("../../etc/passwd.pdf", &pdf("x")).contains("đường dẫn"));
    assert!(refused("C:\\tmp\\a.pdf", &pdf("x")).contains("đường dẫn"));
    let one = AttachmentRef::describe("a.pdf", &pdf("a"), &limits).unwrap();
    let two = AttachmentRef::describe("b.pdf", &pdf("b"), &limits).unwrap();
    let three = AttachmentRef::describe("c.pdf", &pdf("c"), &limits).unwrap();
    let e = schema::check_attachments(&[one.clone(), two, three], &limits).unwrap_err();
    assert!(e.contains("tối đa 2 tệp"), "{e}");
    let e = schema::check_attachments(&[one.clone(), one.clone()], &limits).unwrap_err();
    assert!(e.contains("hai lần"), "{e}");

    // A node whose store lost the file: the report is refused by the node's own pusher
    // (nothing half-sent), and the province stores nothing.
    let fed = Federation::new();
    let agg = fed.aggregator_for("75", "https://a03.bca.example.vn/", 1 << 20);
    let inst = fed.node(UNIT, agg.port);
    let node = inst.open();
    let rt = runtime();
    inst.queue(&node, answer(&ReportId::random().to_string(), &one));
    let pushed = rt.block_on(node.pusher.push_once()).unwrap();
    assert_eq!((pushed.delivered, pushed.rejected), (0, 1), "{pushed:?}");
    let mut c = agg.pool.get().unwrap();
    assert_eq!(aggregator::store::received::count(&mut c).unwrap(), 0);
}

#[test]
fn a_scope_by_unit_kind_is_the_list_of_those_units_in_the_registry() {
    let fed = Federation::new();
    let agg = fed.aggregator_for("75", "https://a03.bca.example.vn/", 1 << 20);
    let mut c = agg.pool.get().unwrap();
    aggregator::registry::import_admin_units(&mut c, &unit("75"), false).unwrap();
    let csv = fed.dir.path().join("agencies.csv");
    std::fs::write(
        &csv,
        "id,name,kind,parent,officer_email,head_email\n\
         75/so-noi-vu,Sở Nội vụ tỉnh Đồng Nai,Sở,75,vt@snv.example.vn,gd@snv.example.vn\n\
         75/so-tai-chinh,Sở Tài chính tỉnh Đồng Nai,Sở,75,vt@stc.example.vn,gd@stc.example.vn\n",
    )
    .unwrap();
    aggregator::registry::import_agencies_csv(&mut c, &csv).unwrap();
    let today = node::web::layout::today();
    let to = requests::resolve_scope(&mut c, "kind:75:Sở", today).unwrap();
    let schema::Addressee::List { units } = &to else {
        panic!("a list: {to:?}");
    };
    let ids: Vec<&str> = units.iter().map(|u| u.as_str()).collect();
    assert_eq!(ids, ["75/so-noi-vu", "75/so-tai-chinh"]);
    let e = requests::resolve_scope(&mut c, "kind:75:Bộ", today).unwrap_err();
    assert!(e.to_string().contains("«Bộ»"), "{e}");
    assert!(requests::resolve_scope(&mut c, "tier:75:commune", today).is_ok());
}
