//! `bmnn-aggregator publish-rules --pack FILE… [--holidays FILE…] --summary TEXT`: the
//! national aggregator publishes rule packs and years' holidays down the whole tree as a
//! signed `rule_pack` notice. The files are checked first exactly as every receiver will check
//! them (the whole rule book they make must load: coverage, successions, carried-over
//! entries), so a pack that would be refused is never published; then the notice is stored
//! for the children and the files installed here. A new pack governs the periods and days
//! from its `valid_from`; a revised earlier pack (its `valid_until` closed) goes in the same
//! notice. Nodes show an announced pack on their home page before it applies.

use std::path::PathBuf;

use anyhow::{anyhow, bail, Context as _};
use clap::Args;
use config::settings::AggregatorSettings;
use node::rulebook::{installed_dir, LiveRules};
use node::tls::TlsMaterial;
use schema::{BoundedVec, NoticeKind, RuleFile, RulePackUpdate};

#[derive(Debug, Args)]
pub struct PublishRulesArgs {
    #[command(flatten)]
    pub config: super::run::ConfigArg,
    /// A rule pack file (`<id>.toml`, format of config/rules/), repeatable.
    #[arg(long = "pack")]
    pub packs: Vec<PathBuf>,
    /// A year's holidays (`<year>.toml`, format of config/rules/holidays/), repeatable.
    #[arg(long = "holidays")]
    pub holidays: Vec<PathBuf>,
    /// What changes, in Vietnamese (shown to the units).
    #[arg(long)]
    pub summary: String,
}

fn read_files(paths: &[PathBuf]) -> anyhow::Result<Vec<(String, String)>> {
    paths
        .iter()
        .map(|p| {
            let name = p
                .file_name()
                .and_then(|n| n.to_str())
                .filter(|n| config::rules::is_rule_file_name(n))
                .ok_or_else(|| {
                    anyhow!(
                        "{}: name the file <id>.toml (letters, digits, - _ .)",
                        p.display()
                    )
                })?;
            let text = std::fs::read_to_string(p)
                .with_context(|| format!("cannot read {}", p.display()))?;
            Ok((name.to_string(), text))
        })
        .collect()
}

fn files(v: &[(String, String)]) -> anyhow::Result<BoundedVec<RuleFile, 8>> {
    BoundedVec::parse(
        v.iter()
            .map(|(name, text)| RuleFile {
                name: name.clone(),
                text: text.clone(),
            })
            .collect(),
    )
    .map_err(|e| anyhow!("at most 8 files of each kind in one notice: {e}"))
}

pub fn publish_rules(args: PublishRulesArgs) -> anyhow::Result<()> {
    let settings = AggregatorSettings::load(&args.config.config)?;
    if settings.unit.id.tier() != schema::Tier::National {
        bail!("chỉ Bộ Công an (VN) ban hành bộ quy định / only the national aggregator (VN) publishes rule packs; this one is {}", settings.unit.id);
    }
    let (packs, holidays) = (read_files(&args.packs)?, read_files(&args.holidays)?);
    let live = LiveRules::load(
        settings.node.rules_dir.as_deref(),
        &installed_dir(&settings.node.data_dir),
    )?;
    let book = live.check(&packs, &holidays).map_err(|e| anyhow!("{e}"))?;
    let update = RulePackUpdate {
        packs: files(&packs)?,
        holidays: files(&holidays)?,
        summary: args.summary.trim().to_string(),
    };
    update.validate().map_err(|e| anyhow!("{e}"))?;
    let signer = TlsMaterial::load(&settings.tls)?.signer()?;
    let names: Vec<&str> = packs
        .iter()
        .chain(&holidays)
        .map(|(n, _)| n.as_str())
        .collect();
    let notice = super::publish::publish_to_subtree(
        &settings,
        &signer,
        NoticeKind::RULE_PACK,
        serde_json::to_value(&update)?,
        ("rule_pack_published", &names.join(", ")),
    )?;
    live.install(&packs, &holidays)
        .map_err(|e| anyhow!("{e}"))?;
    println!(
        "Đã ban hành bộ quy định (thông báo {}) / published: {}",
        notice.body.notice_id,
        names.join(", ")
    );
    for p in book.packs() {
        println!("  {} — {} ({})", p.id, p.title, p.validity());
    }
    Ok(())
}
