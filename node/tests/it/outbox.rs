//! The outbox against a real receiving server over mutual TLS, driving `bmnn-node push` as a
//! script would: the aggregator down then up, a connection cut mid-request, a response lost
//! after storage, the node killed while pushing, a bad client certificate, a report above the
//! link's classification, a permanent rejection, incidents first.

use std::sync::atomic::Ordering;
use std::time::Duration;

use config::pki::{CaDir, LeafRequest, Overwrite};
use schema::{Classification, ReportKind, UnitId};

use crate::support::federation::{submission, Federation, Installation};
use crate::support::proxy::Proxy;
use crate::support::receiver::Receiver;
use crate::support::{free_port, wait_until};

const UNIT: &str = "75.26041";

fn annual(n: usize) -> Vec<schema::Submission> {
    (0..n)
        .map(|_| submission(UNIT, ReportKind::AnnualReport, Classification::Mat))
        .collect()
}

fn receipts(node: &node::app::Node) -> i64 {
    node::db::receipts::count(&mut node.pool.get().unwrap()).unwrap()
}

#[test]
fn aggregator_down_then_up_delivers_exactly_once() {
    let fed = Federation::new();
    let port = free_port();
    let inst = fed.node(UNIT, port, "mat");
    let node = inst.open();
    inst.queue(&node, annual(3));

    let out = inst.push(false);
    assert!(out.contains("to retry: 3"), "{out}");
    let row = &node::db::outbox::problems(&mut node.pool.get().unwrap(), 10).unwrap()[0];
    assert!(
        row.last_error.as_deref().unwrap().contains("cannot reach"),
        "{row:?}"
    );

    let recv = Receiver::start(&fed.aggregator_tls(), port);
    let out = inst.push(true);
    assert!(out.contains("delivered: 3"), "{out}");
    assert_eq!(recv.stored(), 3);
    assert_eq!(receipts(&node), 3);
    assert_eq!(inst.outbox_counts(&node).get("delivered"), Some(&3));
    recv.stop();
}

#[test]
fn connection_cut_mid_request_is_retried_and_stored_once() {
    let fed = Federation::new();
    let recv = Receiver::start(&fed.aggregator_tls(), 0);
    let proxy = Proxy::start(recv.port);
    let inst = fed.node(UNIT, proxy.port, "mat");
    let node = inst.open();
    inst.queue(&node, annual(1));

    // Past the TLS handshake (about 1.5 kB from the client), into the request body.
    proxy.cut.store(2600, Ordering::SeqCst);
    let out = inst.push(false);
    assert_eq!(proxy.cuts_done.load(Ordering::SeqCst), 1);
    assert!(out.contains("to retry: 1"), "{out}");
    assert_eq!(recv.stored(), 0);

    let out = inst.push(true);
    assert!(out.contains("delivered: 1"), "{out}");
    assert_eq!(recv.stored(), 1);
    assert_eq!(receipts(&node), 1);
    recv.stop();
}

#[test]
fn response_lost_after_storage_ends_in_a_duplicate_receipt() {
    let fed = Federation::new();
    let recv = Receiver::start(&fed.aggregator_tls(), 0);
    let inst = fed.node(UNIT, recv.port, "mat");
    let node = inst.open();
    inst.queue(&node, annual(1));

    recv.faults.hang_after_store.store(1, Ordering::SeqCst);
    let out = inst.push(false);
    assert!(out.contains("to retry: 1"), "{out}");
    assert_eq!(
        recv.stored(),
        1,
        "the receiver stored it before the answer was lost"
    );

    let out = inst.push(true);
    assert!(out.contains("delivered: 1"), "{out}");
    assert_eq!(recv.stored(), 1);
    let r = node::db::receipts::for_report(
        &mut node.pool.get().unwrap(),
        &recv.store.lock().unwrap().order[0],
    )
    .unwrap();
    assert_eq!(r.len(), 1);
    assert_eq!(r[0].outcome, "duplicate");
    recv.stop();
}

#[test]
fn node_killed_while_pushing_1000_reports_loses_and_duplicates_nothing() {
    let fed = Federation::new();
    let recv = Receiver::start(&fed.aggregator_tls(), 0);
    let inst = fed.node(UNIT, recv.port, "mat");
    let node = inst.open();
    let sent = inst.queue(&node, annual(1000));

    let mut child = std::process::Command::new(env!("CARGO_BIN_EXE_bmnn-node"))
        .args(["push", "--config"])
        .arg(&inst.config)
        .stdout(std::process::Stdio::null())
        .spawn()
        .unwrap();
    wait_until(Duration::from_secs(60), "100 reports stored", || {
        recv.stored() >= 100
    });
    child.kill().unwrap(); // SIGKILL
    child.wait().unwrap();
    let at_kill = recv.stored();
    assert!(
        at_kill < 1000,
        "the push finished before it could be killed"
    );

    let out = inst.push(true);
    assert!(out.contains("rejected: 0"), "{out}");
    assert_eq!(recv.stored(), 1000);
    let store = recv.store.lock().unwrap();
    for env in &sent {
        assert_eq!(
            store.reports.get(env.body.report_id.as_str()),
            Some(&env.digest().to_string())
        );
    }
    drop(store);
    assert_eq!(receipts(&node), 1000);
    assert_eq!(inst.outbox_counts(&node).get("delivered"), Some(&1000));
    recv.stop();
}

#[test]
fn client_certificate_from_another_root_is_refused() {
    let fed = Federation::new();
    let recv = Receiver::start(&fed.aggregator_tls(), 0);
    // A node whose certificate chains to a rogue root (but which trusts the real one).
    let rogue_dir = fed.dir.path().join("rogue");
    let rogue = CaDir::init_root(&rogue_dir.join("root"), Overwrite::Refuse).unwrap();
    let rogue75 = rogue
        .issue_intermediate(
            &UnitId::parse("75").unwrap(),
            &rogue_dir.join("ca"),
            Overwrite::Refuse,
        )
        .unwrap();
    let leaf = rogue75
        .issue_leaf(
            &LeafRequest::node(UnitId::parse(UNIT).unwrap()),
            &rogue_dir.join("pki"),
            "node",
            Overwrite::Refuse,
        )
        .unwrap();
    let inst = Installation::write(
        &rogue_dir.join("node"),
        UNIT,
        &leaf,
        &fed.root.cert_path(),
        recv.port,
        "mat",
    );
    let node = inst.open();
    inst.queue(&node, annual(1));

    let out = inst.push(false);
    assert!(out.contains("to retry: 1"), "{out}");
    assert_eq!(
        recv.requests(),
        0,
        "the TLS handshake must fail before any request"
    );
    assert_eq!(recv.stored(), 0);
    recv.stop();
}

#[test]
fn revoked_client_certificate_is_refused() {
    let fed = Federation::new();
    let inst = fed.node(UNIT, 0, "mat");
    let serial = config::pki::Serial::of_cert_file(&inst.settings().tls.cert_chain).unwrap();
    fed.ca75
        .revoke(&serial, config::pki::RevokeReason::KeyCompromise)
        .unwrap();
    fed.ca75.write_crl().unwrap();
    let recv = Receiver::start(&fed.aggregator_tls(), 0);
    let inst = Installation {
        config: retarget(&inst, recv.port),
        ..inst
    };
    let node = inst.open();
    inst.queue(&node, annual(1));
    let out = inst.push(false);
    assert!(out.contains("to retry: 1"), "{out}");
    assert_eq!(recv.stored(), 0);
    recv.stop();
}

fn retarget(inst: &Installation, port: u16) -> std::path::PathBuf {
    let text = std::fs::read_to_string(&inst.config).unwrap().replace(
        "https://127.0.0.1:0/",
        &format!("https://127.0.0.1:{port}/"),
    );
    std::fs::write(&inst.config, text).unwrap();
    inst.config.clone()
}

#[test]
fn report_above_the_link_classification_never_leaves_the_node() {
    let fed = Federation::new();
    let recv = Receiver::start(&fed.aggregator_tls(), 0);
    let inst = fed.node(UNIT, recv.port, "mat");
    let node = inst.open();
    inst.queue(
        &node,
        vec![submission(
            UNIT,
            ReportKind::AnnualReport,
            Classification::ToiMat,
        )],
    );

    let out = inst.push(true);
    assert!(
        out.contains("delivered: 0") && out.contains("to retry: 0"),
        "{out}"
    );
    assert_eq!(recv.requests(), 0);
    assert_eq!(inst.outbox_counts(&node).get("held"), Some(&1));
    let held = &node::db::outbox::problems(&mut node.pool.get().unwrap(), 5).unwrap()[0];
    assert!(
        held.last_error
            .as_deref()
            .unwrap()
            .contains("gói chuyển giao"),
        "{held:?}"
    );
    recv.stop();
}

#[test]
fn permanent_rejection_is_set_aside_and_not_retried() {
    let fed = Federation::new();
    let recv = Receiver::start(&fed.aggregator_tls(), 0);
    recv.faults.reject_all.store(true, Ordering::SeqCst);
    let inst = fed.node(UNIT, recv.port, "mat");
    let node = inst.open();
    inst.queue(&node, annual(1));

    let out = inst.push(false);
    assert!(out.contains("rejected: 1"), "{out}");
    inst.push(true);
    assert_eq!(recv.requests(), 1, "a rejected report is not sent again");
    let row = &node::db::outbox::problems(&mut node.pool.get().unwrap(), 5).unwrap()[0];
    assert_eq!(row.state, "rejected");
    assert!(
        row.last_error.as_deref().unwrap().contains("Thiếu mục a)"),
        "{row:?}"
    );
    recv.stop();
}

#[test]
fn server_errors_are_retried_until_delivered() {
    let fed = Federation::new();
    let recv = Receiver::start(&fed.aggregator_tls(), 0);
    recv.faults.unavailable.store(2, Ordering::SeqCst);
    let inst = fed.node(UNIT, recv.port, "mat");
    let node = inst.open();
    inst.queue(&node, annual(1));
    inst.push(false);
    inst.push(true);
    let out = inst.push(true);
    assert!(out.contains("delivered: 1"), "{out}");
    assert_eq!(recv.requests(), 3);
    recv.stop();
}

#[test]
fn incidents_are_sent_before_everything_else() {
    let fed = Federation::new();
    let recv = Receiver::start(&fed.aggregator_tls(), 0);
    let inst = fed.node(UNIT, recv.port, "mat");
    let node = inst.open();
    inst.queue(&node, annual(5));
    let incident = inst.queue(
        &node,
        vec![submission(
            UNIT,
            ReportKind::IncidentReport,
            Classification::Mat,
        )],
    );
    inst.push(false);
    let store = recv.store.lock().unwrap();
    assert_eq!(store.order.len(), 6);
    assert_eq!(store.order[0], incident[0].body.report_id.to_string());
    drop(store);
    recv.stop();
}

#[test]
fn full_queue_refuses_new_reports_but_always_takes_incidents() {
    let fed = Federation::new();
    let inst = fed.node(UNIT, 9, "mat");
    let node = inst.open();
    let mut conn = node.pool.get().unwrap();
    let links = &node.settings.upstream;
    let sign = |kind| {
        schema::Envelope::sign(submission(UNIT, kind, Classification::Mat), &node.signer).unwrap()
    };
    node::queue::queue_envelope(&mut conn, &sign(ReportKind::AnnualReport), "head", links, 1)
        .unwrap();
    let e =
        node::queue::queue_envelope(&mut conn, &sign(ReportKind::AnnualReport), "head", links, 1)
            .unwrap_err();
    assert!(e.to_string().contains("outbox is full"), "{e}");
    node::queue::queue_envelope(
        &mut conn,
        &sign(ReportKind::IncidentReport),
        "head",
        links,
        1,
    )
    .unwrap();
    assert_eq!(inst.outbox_counts(&node).get("pending"), Some(&2));
}

#[test]
fn a_new_pusher_takes_over_rows_claimed_by_a_killed_one_without_waiting_for_the_lease() {
    let fed = Federation::new();
    let port = free_port();
    let inst = fed.node(UNIT, port, "mat");
    let node = inst.open();
    inst.queue(&node, annual(2));
    // A sender claimed both rows for two minutes, then died.
    let claimed = node::db::outbox::claim_due(
        &mut node.pool.get().unwrap(),
        node::db::now(),
        chrono::Duration::minutes(2),
        10,
    )
    .unwrap();
    assert_eq!(claimed.len(), 2);
    let recv = Receiver::start(&fed.aggregator_tls(), port);
    let rt = tokio::runtime::Builder::new_multi_thread()
        .worker_threads(1)
        .enable_all()
        .build()
        .unwrap();
    let (stop, stopped) = tokio::sync::oneshot::channel::<()>();
    let pusher = rt.spawn(node.pusher.clone().run(async {
        let _ = stopped.await;
    }));
    wait_until(Duration::from_secs(20), "both delivered", || {
        receipts(&node) == 2
    });
    assert_eq!(recv.stored(), 2);
    let _ = stop.send(());
    rt.block_on(pusher).unwrap();
    recv.stop();
}
