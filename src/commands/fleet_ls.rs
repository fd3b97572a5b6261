//! `squall ls KIND` over a fleet: each context listed (one budget of calls for all), the
//! rows of all of them in one table, in the table's own order across contexts, with a
//! CONTEXT column; `--json` rows carry `context`, `profile`, `region` and `account`. A
//! context that cannot be listed is named on stderr and the rest prints (exit 4).

use std::process::ExitCode;

use color_eyre::eyre::Result;

use super::exit;
use super::fleet::{FleetMissing, Origin, report, unconnected, within};
use crate::cli::ListKind;
use crate::config::Config;
use crate::domain::untrusted::{escape, escape_owned};
use crate::fleet::Member;
use crate::gate::Shown;
use crate::inventory::{Collected, Inventory, Source, collect_inventory};
use crate::resource_rows::TableKind;
use crate::resource_rows::order::SortKey;

/// The table a listing shows (none: the topology tree) and the sources it needs, the main
/// one first. Subscriptions come with queues: a subscription's own DLQ is a DLQ.
pub fn listing(what: ListKind) -> (Option<TableKind>, &'static [Source]) {
    match what {
        ListKind::Queues => (
            Some(TableKind::Queues),
            &[Source::Queues, Source::Subscriptions],
        ),
        ListKind::Dlq => (
            Some(TableKind::Dlqs),
            &[Source::Queues, Source::Subscriptions],
        ),
        ListKind::Topics => (
            Some(TableKind::Topics),
            &[Source::Topics, Source::Subscriptions],
        ),
        ListKind::Subscriptions => (
            Some(TableKind::Subscriptions),
            &[Source::Subscriptions, Source::Queues],
        ),
        ListKind::Lambdas => (
            Some(TableKind::Lambdas),
            &[Source::Functions, Source::EventSourceMappings],
        ),
        ListKind::Topology => (None, &Source::ALL),
    }
}

pub async fn run(
    members: &[Member],
    config: &Config,
    what: ListKind,
    json: bool,
) -> Result<ExitCode> {
    let (kind, sources) = listing(what);
    let primary = sources[0];
    let listed = futures::future::join_all(members.iter().map(|member| async move {
        match &member.backend {
            Ok(backend) => Some(collect_inventory(backend, config.concurrency, sources).await),
            Err(_) => None,
        }
    }))
    .await;
    let mut read: Vec<(&Member, Collected)> = Vec::new();
    let mut missing = Vec::new();
    for (member, collected) in members.iter().zip(listed) {
        let Some(collected) = collected else {
            missing.extend(unconnected(member));
            continue;
        };
        let failed = collected.failed_sources.iter().find(|(s, _)| *s == primary);
        if let Some((source, error)) = failed {
            missing.push(FleetMissing::Context {
                origin: Origin::of(member, None),
                error: format!("listing {} failed: {error}", source.label()),
            });
            continue;
        }
        missing.extend(within(
            member,
            crate::incomplete::missing(&collected, primary),
        ));
        read.push((member, collected));
    }
    let inventories: Vec<(&Member, &Inventory)> =
        read.iter().map(|(m, c)| (*m, &c.inventory)).collect();
    let shown = match (kind, json) {
        (Some(kind), true) => Shown::json(&rows_json(kind, &inventories)?)?,
        (Some(kind), false) => Shown::text(&table(kind, &inventories)),
        (None, true) => Shown::json(&topology_json(&inventories)?)?,
        (None, false) => Shown::text(&topology_text(&inventories, config)),
    };
    super::print(&shown)?;
    report(&missing, json)?;
    Ok(ExitCode::from(if missing.is_empty() {
        exit::OK
    } else {
        exit::INCOMPLETE
    }))
}

/// Each context's `ls --json` rows, in the contexts' order, each stamped with its origin.
pub fn rows_json(
    kind: TableKind,
    inventories: &[(&Member, &Inventory)],
) -> Result<Vec<serde_json::Value>, serde_json::Error> {
    let mut rows = Vec::new();
    for (member, inventory) in inventories {
        let text = crate::output::json(kind, inventory)?;
        rows.extend(stamped(member, &text)?);
    }
    Ok(rows)
}

/// `ls topology --json`: every context's topics, each stamped with its origin.
pub fn topology_json(
    inventories: &[(&Member, &Inventory)],
) -> Result<Vec<serde_json::Value>, serde_json::Error> {
    let mut rows = Vec::new();
    for (member, inventory) in inventories {
        let text = crate::output::topology_json(inventory)?;
        rows.extend(stamped(member, &text)?);
    }
    Ok(rows)
}

/// A JSON array's objects with the member's origin (the account from the object's ARN
/// when STS did not say).
fn stamped(member: &Member, array: &str) -> Result<Vec<serde_json::Value>, serde_json::Error> {
    let values: Vec<serde_json::Value> = serde_json::from_str(array)?;
    Ok(values
        .into_iter()
        .map(|mut value| {
            let arn = ["arn", "topic_arn"]
                .iter()
                .find_map(|key| value.get(*key).and_then(|a| a.as_str()))
                .map(str::to_string);
            Origin::of(member, arn.as_deref()).stamp(&mut value);
            value
        })
        .collect())
}

/// One table over every context: CONTEXT first, then the kind's columns; rows in the
/// kind's default order across contexts (ties: the contexts' order, then their own).
pub fn table(kind: TableKind, inventories: &[(&Member, &Inventory)]) -> String {
    let (column, descending) = kind.default_sort();
    struct Keyed<'a> {
        key: SortKey<'a>,
        first: SortKey<'a>,
        context: usize,
        cells: Vec<String>,
    }
    let mut keyed: Vec<Keyed> = Vec::new();
    for (context, (member, inventory)) in inventories.iter().enumerate() {
        let source = kind.source(inventory, None);
        let name = escape(&member.name()).into_owned();
        for i in source.sorted(column, descending) {
            let mut cells = vec![name.clone()];
            cells.extend(source.row(i).cells.into_iter().map(escape_owned));
            keyed.push(Keyed {
                key: source.sort_key(i, column),
                first: source.sort_key(i, 0),
                context,
                cells,
            });
        }
    }
    // Stable, so each context's own order (ties by position) survives.
    keyed.sort_by(|a, b| {
        let by_key = if descending {
            b.key.cmp(&a.key)
        } else {
            a.key.cmp(&b.key)
        };
        by_key
            .then_with(|| a.first.cmp(&b.first))
            .then(a.context.cmp(&b.context))
    });
    let columns = kind.columns();
    let mut titles = vec!["CONTEXT"];
    titles.extend(columns.iter().map(|c| c.title));
    let mut numeric = vec![false];
    numeric.extend(columns.iter().map(|c| c.numeric));
    let rows: Vec<Vec<String>> = keyed.into_iter().map(|k| k.cells).collect();
    crate::output::aligned(&titles, &numeric, &rows)
}

/// `ls topology` over a fleet: each context's tree under its name.
pub fn topology_text(inventories: &[(&Member, &Inventory)], config: &Config) -> String {
    let ascii = crate::theme::Theme::from_env(config.colors).ascii;
    let mut out = String::new();
    for (i, (member, inventory)) in inventories.iter().enumerate() {
        if i > 0 {
            out.push('\n');
        }
        out.push_str(&format!("{}\n", escape(&member.name())));
        out.push_str(&crate::output::topology_text(inventory, ascii));
    }
    out
}
