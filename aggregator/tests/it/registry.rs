//! The unit registry: the import of Đồng Nai (counted against the CSV itself), the 2025
//! reform's successions, restructuring through the `bmnn-aggregator registry` commands, and
//! the ingest check it switches on: reports from merged units follow their successor, and a
//! unit the registry does not know is refused `unknown_unit`.

use std::path::Path;
use std::process::Command;

use aggregator::registry;
use aggregator::store::{self, units};
use chrono::NaiveDate;
use schema::UnitId;
use unicode_normalization::UnicodeNormalization as _;

use crate::support::federation::{Aggregator, Federation};
use crate::support::report::annual;
use crate::support::runtime;

const LIMIT: u64 = 64 * 1024;
const DATA: &str = concat!(env!("CARGO_MANIFEST_DIR"), "/../config/data/admin-units");

fn id(s: &str) -> UnitId {
    UnitId::parse(s).unwrap()
}

fn day(s: &str) -> NaiveDate {
    s.parse().unwrap()
}

/// The rows of one of the admin-unit CSV files (no field there is quoted).
fn csv(file: &str) -> Vec<Vec<String>> {
    std::fs::read_to_string(Path::new(DATA).join(file))
        .unwrap()
        .lines()
        .skip(1)
        .map(|l| l.split(',').map(str::to_string).collect())
        .collect()
}

/// Runs `bmnn-aggregator registry <args> --config <config>`: success, stdout, stderr.
fn cli(config: &Path, args: &[&str]) -> (bool, String, String) {
    let out = Command::new(env!("CARGO_BIN_EXE_bmnn-aggregator"))
        .arg("registry")
        .args(args)
        .arg("--config")
        .arg(config)
        .output()
        .unwrap();
    (
        out.status.success(),
        String::from_utf8(out.stdout).unwrap(),
        String::from_utf8(out.stderr).unwrap(),
    )
}

fn cli_ok(agg: &Aggregator, args: &[&str]) -> String {
    let (ok, stdout, stderr) = cli(&agg.config, args);
    assert!(ok, "registry {args:?}: {stdout}{stderr}");
    stdout
}

#[test]
fn import_of_dong_nai_gives_its_2025_communes_and_is_idempotent() {
    let expected = csv("communes-2025.csv")
        .iter()
        .filter(|r| r[3] == "75")
        .count();
    assert!(expected > 50, "{expected}");
    let tmp = tempfile::tempdir().unwrap();
    let (_db, pool) = store::testdb::open(tmp.path(), "a").unwrap();
    let mut c = pool.get().unwrap();
    let first = registry::import_admin_units(&mut c, &id("75"), false).unwrap();
    assert_eq!(
        first.units_added,
        expected + 1,
        "the communes and the province"
    );
    let communes = registry::children(&mut c, &id("75"), day("2026-01-01")).unwrap();
    assert_eq!(communes.len(), expected);
    assert!(communes.iter().all(|u| u.valid_from == day("2025-07-01")));

    let again = registry::import_admin_units(&mut c, &id("75"), false).unwrap();
    assert_eq!((again.units_added, again.successions_added), (0, 0));
    assert_eq!(units::count(&mut c).unwrap() as usize, expected + 1);
}

#[test]
fn legacy_binh_phuoc_commune_maps_to_its_2025_successor_in_dong_nai() {
    // The first legacy commune of Bình Phước (legacy province 70) and where it went.
    let legacy = csv("legacy-units.csv");
    let row = legacy
        .iter()
        .find(|r| r[0] == "70" && !r[5].is_empty())
        .unwrap();
    let legacy_id = id(&format!("70.{}.{}", row[2], row[5]));
    let to_code = csv("legacy-to-2025.csv")
        .into_iter()
        .find(|m| m[0] == row[5] && m[2] != "split-part")
        .unwrap()[1]
        .clone();
    let province = csv("communes-2025.csv")
        .into_iter()
        .find(|c| c[0] == to_code)
        .unwrap()[3]
        .clone();
    assert_eq!(province, "75", "Bình Phước went into Đồng Nai");
    let successor = id(&format!("75.{to_code}"));

    let tmp = tempfile::tempdir().unwrap();
    let (_db, pool) = store::testdb::open(tmp.path(), "a").unwrap();
    let mut c = pool.get().unwrap();
    let s = registry::import_admin_units(&mut c, &id("75"), true).unwrap();
    assert!(s.successions_added > 0);
    let old = registry::get(&mut c, &legacy_id, day("2025-06-30"))
        .unwrap()
        .unwrap();
    assert_eq!(old.name, row[6].nfc().collect::<String>());
    assert_eq!(
        registry::get(&mut c, &legacy_id, day("2025-07-01")).unwrap(),
        None
    );
    assert!(registry::get(&mut c, &successor, day("2025-07-01"))
        .unwrap()
        .is_some());
    let lineage = registry::lineage(&mut c, &successor).unwrap();
    assert_eq!(lineage[0], successor);
    assert!(lineage.contains(&legacy_id), "{lineage:?}");
    let again = registry::import_admin_units(&mut c, &id("75"), true).unwrap();
    assert_eq!((again.units_added, again.successions_added), (0, 0));
}

#[test]
fn successor_of_a_merge_reports_and_its_history_includes_the_predecessors() {
    let (a, b, new) = ("75.26041", "75.26068", "75.99001");
    let fed = Federation::new();
    let agg = fed.aggregator(LIMIT);
    cli_ok(&agg, &["import"]);
    let rt = runtime();
    let mut sent = Vec::new();
    for unit in [a, b] {
        let inst = fed.node(unit, agg.port);
        let node = inst.open();
        sent.push(inst.queue(&node, annual(unit)));
        let pushed = rt.block_on(node.pusher.push_once()).unwrap();
        assert_eq!(pushed.delivered, 1, "{unit}: {pushed:?}");
    }
    // Before the merge the successor does not exist: refused (and the ingest remembers that).
    let inst = fed.node(new, agg.port);
    let node = inst.open();
    inst.queue(&node, annual(new));
    let pushed = rt.block_on(node.pusher.push_once()).unwrap();
    assert_eq!(pushed.rejected, 1, "{pushed:?}");

    // The merge, by the CLI in another process while the aggregator serves.
    let out = cli_ok(
        &agg,
        &[
            "merge",
            a,
            b,
            "--into",
            new,
            "--name",
            "Phường Biên Hòa Mới",
            "--date",
            "2026-07-01",
        ],
    );
    assert!(
        out.contains(new) && out.contains("Phường Biên Hòa Mới"),
        "{out}"
    );

    // The serving ingest sees the merge with the very next report.
    sent.push(inst.queue(&node, annual(new)));
    let pushed = rt.block_on(node.pusher.push_once()).unwrap();
    assert_eq!(pushed.delivered, 1, "the successor's report: {pushed:?}");

    let mut c = agg.pool.get().unwrap();
    let history = registry::reports_with_lineage(&mut c, &id(new)).unwrap();
    let ids: Vec<&str> = history.iter().map(|r| r.report_id.as_str()).collect();
    for env in &sent {
        assert!(ids.contains(&env.body.report_id.as_str()), "{ids:?}");
    }
    assert_eq!(history.len(), 3);
    assert_eq!(
        registry::reports_with_lineage(&mut c, &id(a))
            .unwrap()
            .len(),
        1
    );
    let audit = node::db::audit::recent(&mut c, 50).unwrap();
    assert!(
        audit
            .iter()
            .any(|e| e.actor == "cli" && e.action == "registry_merge" && e.subject == new),
        "the merge is in the audit log"
    );
    drop(c);

    let shown = cli_ok(&agg, &["show", new, "--on", "2026-07-01"]);
    assert!(shown.contains("predecessors included: 3"), "{shown}");
    assert!(shown.contains("(annual_report): 3"), "{shown}");
    assert!(
        shown.contains(a) && shown.contains("Phường Trấn Biên"),
        "{shown}"
    );
}

#[test]
fn report_from_a_unit_the_registry_does_not_know_is_refused_unknown_unit() {
    let made_up = "75.99999";
    let fed = Federation::new();
    let agg = fed.aggregator(LIMIT);
    let inst = fed.node(made_up, agg.port);
    let node = inst.open();
    let rt = runtime();
    // An empty registry checks nothing beyond the id grammar.
    inst.queue(&node, annual(made_up));
    assert_eq!(rt.block_on(node.pusher.push_once()).unwrap().delivered, 1);

    cli_ok(&agg, &["import"]);
    let env = inst.queue(&node, annual(made_up));
    let pushed = rt.block_on(node.pusher.push_once()).unwrap();
    assert_eq!(pushed.rejected, 1, "{pushed:?}");
    let reason = inst.outbox_row(&node, &env).last_error.unwrap();
    assert!(
        reason.contains("403") && reason.contains("unknown_unit"),
        "{reason}"
    );
    assert!(reason.contains(made_up), "{reason}");
    assert_eq!(agg.stored(), 1);

    // A registered commune still gets through.
    let known = fed.node("75.26041", agg.port);
    let known_node = known.open();
    known.queue(&known_node, annual("75.26041"));
    assert_eq!(
        rt.block_on(known_node.pusher.push_once())
            .unwrap()
            .delivered,
        1
    );
}

#[test]
fn rename_and_move_keep_history_through_the_cli() {
    let unit = "75.26041";
    let fed = Federation::new();
    let agg = fed.aggregator(LIMIT);
    cli_ok(&agg, &["import"]);
    cli_ok(&agg, &["import", "--scope", "79"]);
    cli_ok(
        &agg,
        &[
            "rename",
            unit,
            "--name",
            "Phường Trấn Biên Mới",
            "--date",
            "2026-07-01",
        ],
    );
    cli_ok(
        &agg,
        &["move", unit, "--parent", "79", "--date", "2026-09-01"],
    );

    let before = cli_ok(&agg, &["show", unit, "--on", "2026-06-30"]);
    let first = before.lines().next().unwrap();
    assert!(first.ends_with("Phường Trấn Biên (Phường)"), "{before}");
    let after = cli_ok(&agg, &["show", unit, "--on", "2026-07-01"]);
    assert!(
        after.lines().next().unwrap().contains("Trấn Biên Mới"),
        "{after}"
    );
    assert!(
        after.contains("2025-07-01 → 2026-06-30"),
        "the old name's row: {after}"
    );
    let under_75 = cli_ok(&agg, &["show", "75", "--on", "2026-09-01"]);
    assert!(!under_75.contains(unit), "{under_75}");
    let under_79 = cli_ok(&agg, &["show", "79", "--on", "2026-09-01"]);
    assert!(under_79.contains(unit), "{under_79}");
    let still_75 = cli_ok(&agg, &["show", "75", "--on", "2026-08-31"]);
    assert!(still_75.contains(unit), "{still_75}");

    let mut c = agg.pool.get().unwrap();
    let rows = units::history(&mut c, unit).unwrap();
    assert_eq!(rows.len(), 3);
    assert_eq!(rows[0].name, "Phường Trấn Biên");
    assert_eq!(rows[2].parent, "79");
    assert_eq!(node::db::audit::verify_chain(&mut c).unwrap(), None);
}

#[test]
fn refused_restructuring_names_its_rule_and_changes_nothing() {
    let fed = Federation::new();
    let agg = fed.aggregator(LIMIT);
    cli_ok(&agg, &["import"]);
    for (args, rule) in [
        (
            vec!["merge", "75.26041", "75.26068", "--into", "75.26041"],
            "merge_into_itself",
        ),
        (
            vec![
                "merge",
                "75.26041",
                "75.26068",
                "--into",
                "75.99001",
                "--date",
                "2025-01-01",
            ],
            "date_before_unit_exists",
        ),
        (
            vec!["merge", "75.26041", "75.99999", "--into", "75.99001"],
            "unknown_unit",
        ),
    ] {
        let mut args = args;
        args.extend(["--name", "Phường Mới"]);
        if !args.contains(&"--date") {
            args.extend(["--date", "2026-07-01"]);
        }
        let (ok, stdout, stderr) = cli(&agg.config, &args);
        assert!(!ok, "{args:?}: {stdout}");
        assert!(stderr.contains(rule), "{args:?}: {stderr}");
    }
    let mut c = agg.pool.get().unwrap();
    assert_eq!(units::count_successions(&mut c).unwrap(), 0);
}

#[test]
fn cli_import_then_show_prints_commune_names_with_diacritics() {
    let fed = Federation::new();
    let agg = fed.aggregator(LIMIT);
    let out = cli_ok(&agg, &["import", "--legacy"]);
    assert!(out.contains("registry of 75"), "{out}");
    let shown = cli_ok(&agg, &["show", "75", "--on", "2026-01-01"]);
    for name in [
        "Tỉnh Đồng Nai",
        "Phường Trấn Biên",
        "Phường Đồng Xoài",
        "Xã Bù Gia Mập",
    ] {
        assert!(shown.contains(name), "{name}: {shown}");
    }
    assert_eq!(shown.nfc().collect::<String>(), shown, "NFC");
    assert!(shown.contains("Tỉnh Bình Phước"), "the lineage: {shown}");
    let pos = |n: &str| shown.find(n).unwrap();
    assert!(
        pos("Phường Biên Hòa") < pos("Phường Đồng Xoài") && pos("Phường Đồng Xoài") < pos("Xã"),
        "Vietnamese order: {shown}"
    );
}

#[test]
fn every_registry_command_has_help() {
    for sub in ["import", "show", "merge", "split", "rename", "move"] {
        let out = Command::new(env!("CARGO_BIN_EXE_bmnn-aggregator"))
            .args(["registry", sub, "--help"])
            .output()
            .unwrap();
        let stdout = String::from_utf8_lossy(&out.stdout);
        assert!(out.status.success(), "{sub}: {stdout}");
        assert!(stdout.contains("--config"), "{sub}: {stdout}");
    }
}
