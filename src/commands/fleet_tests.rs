//! The fleet's CLI output over simulated contexts: ranking across contexts, the CONTEXT
//! column, the origin in JSON rows, and a context that could not connect.

use super::fleet::{FleetMissing, Origin};
use super::{fleet_health, fleet_ls};
use crate::config::Config;
use crate::fleet::{Context, Member};
use crate::inventory::{Source, collect_inventory};
use crate::resource_rows::TableKind;
use crate::sim::{self, SimFleet};

fn context(profile: &str, region: &str) -> Context {
    Context {
        profile: Some(profile.to_string()),
        region: Some(region.to_string()),
        label: None,
        read_only: false,
    }
}

/// The demo world twice (as `alpha` and `beta`), and a context that could not connect.
fn members() -> Vec<Member> {
    let world = || sim::backend(SimFleet::demo().frozen());
    let mut beta = Member::ready(context("beta", "eu-west-1"), world());
    beta.account = Some("210987654321".to_string());
    vec![
        Member::ready(context("alpha", "us-east-1"), world()),
        beta,
        Member {
            context: context("ghost", "us-east-1"),
            backend: Err("profile \"ghost\" is not usable".to_string()),
            account: None,
        },
    ]
}

#[tokio::test]
async fn health_ranks_the_same_problem_of_two_contexts_side_by_side() {
    let members = members();
    let config = Config::defaults().expect("defaults");
    let (ranked, missing) = fleet_health::fleet_problems(&members, &config).await;
    assert!(ranked.len() >= 4, "{ranked:?}");
    // The same world twice: each problem twice, the contexts' order breaking the tie.
    for pair in ranked.chunks(2) {
        assert_eq!((pair[0].0, pair[1].0), (0, 1));
        let (a, b) = (&pair[0].1, &pair[1].1);
        assert_eq!((&a.resource, &a.what), (&b.resource, &b.what));
    }
    assert_eq!(missing.len(), 1, "{missing:?}");
    let line = missing[0].text_line();
    assert_eq!(
        line,
        "squall: incomplete: context ghost/us-east-1 not read: profile \"ghost\" is not usable"
    );
    assert_eq!(fleet_health::exit_code(true, true), 1, "burning wins");
    assert_eq!(fleet_health::exit_code(false, true), 4);
    assert_eq!(fleet_health::exit_code(false, false), 0);

    let json = fleet_health::to_fleet_json(&members, &ranked);
    let first = serde_json::to_value(&json[0]).expect("json");
    assert_eq!(first["profile"], "alpha");
    assert_eq!(first["region"], "us-east-1");
    assert_eq!(first["context"], "alpha/us-east-1");
    // No STS answer: the account of the resource's ARN.
    let arn = first["arn"].as_str().expect("an arn");
    assert_eq!(
        first["account"],
        crate::domain::arn::account(arn).expect("account")
    );
    let second = serde_json::to_value(&json[1]).expect("json");
    assert_eq!(second["account"], "210987654321", "STS's answer first");
    assert_eq!(first["severity"], second["severity"]);

    let text = fleet_health::to_fleet_text(&members, &ranked, false);
    let lines: Vec<&str> = text.lines().collect();
    assert!(
        lines[0].starts_with("SEVERITY  CONTEXT          PROBLEM"),
        "{text}"
    );
    assert!(lines[1].contains("  alpha/us-east-1  "), "{text}");
    assert!(lines[2].contains("  beta/eu-west-1   "), "{text}");
}

#[tokio::test]
async fn ls_is_one_table_in_the_tables_order_with_a_context_column() {
    let members = members();
    let mut read = Vec::new();
    for member in &members[..2] {
        let backend = member.backend.as_ref().expect("connected");
        let sources = [Source::Queues, Source::Subscriptions];
        read.push(collect_inventory(backend, 4, &sources).await.inventory);
    }
    let inventories: Vec<_> = members.iter().zip(&read).collect();
    let single = crate::output::table(TableKind::Dlqs, &read[0]);
    let table = fleet_ls::table(TableKind::Dlqs, &inventories);
    let lines: Vec<&str> = table.lines().collect();
    assert!(lines[0].starts_with("CONTEXT          NAME"), "{table}");
    assert_eq!(lines.len() - 1, 2 * (single.lines().count() - 1), "{table}");
    // Deepest first across contexts: the deepest DLQ of each context comes first, twice.
    let deepest = single
        .lines()
        .nth(1)
        .expect("a DLQ")
        .split_whitespace()
        .next();
    for (line, context) in lines[1..3]
        .iter()
        .zip(["alpha/us-east-1", "beta/eu-west-1"])
    {
        let cells: Vec<&str> = line.split_whitespace().collect();
        assert_eq!(
            (cells[0], cells.get(1).copied()),
            (context, deepest),
            "{table}"
        );
    }

    let rows = fleet_ls::rows_json(TableKind::Queues, &inventories).expect("json");
    let beta: Vec<_> = rows.iter().filter(|r| r["profile"] == "beta").collect();
    assert_eq!(beta.len() * 2, rows.len());
    assert!(beta.iter().all(|r| r["region"] == "eu-west-1"));
}

#[test]
fn an_origin_adds_its_fields_without_replacing_a_rows_own() {
    let member = Member::ready(context("prod", "eu-west-1"), sim::backend(SimFleet::demo()));
    let origin = Origin::of(&member, Some("arn:aws:sqs:eu-west-1:111122223333:orders"));
    assert_eq!(origin.account.as_deref(), Some("111122223333"));
    let mut row = serde_json::json!({ "name": "orders", "region": "its own" });
    origin.stamp(&mut row);
    assert_eq!(row["region"], "its own");
    assert_eq!(row["profile"], "prod");
    assert_eq!(row["context"], "prod/eu-west-1");
    let missing = FleetMissing::Other {
        origin,
        what: "CloudWatch: throttled".to_string(),
    };
    let json = missing.json_value().expect("json");
    assert_eq!(json["incomplete"], "other");
    assert_eq!(json["account"], "111122223333");
    assert_eq!(
        missing.text_line(),
        "squall: incomplete: prod/eu-west-1: CloudWatch: throttled"
    );
}

#[test]
fn the_closing_line_counts_unread_contexts_and_other_items() {
    let members = members();
    let ghost = super::fleet::unconnected(&members[2]).expect("unconnected");
    let other = FleetMissing::Other {
        origin: Origin::of(&members[0], None),
        what: "alarms: unavailable".to_string(),
    };
    assert_eq!(
        super::fleet::summary_line(&[ghost.clone(), ghost.clone()]),
        "squall: incomplete: 2 contexts not read; the output lacks them (exit code 4)"
    );
    assert_eq!(
        super::fleet::summary_line(&[ghost, other]),
        "squall: incomplete: 1 context not read, 1 other item missing; the output lacks them \
         (exit code 4)"
    );
}

#[tokio::test]
async fn doctor_findings_of_every_context_name_it_worst_first() {
    let members = members();
    let config = Config::defaults().expect("defaults");
    let args = crate::cli::DoctorArgs {
        json: false,
        severity: crate::cli::SeverityArg::Info,
    };
    let (findings, missing) = super::fleet_doctor::fleet_findings(&members, &config, &args).await;
    assert_eq!(missing.len(), 1, "the unconnected context: {missing:?}");
    assert!(findings.iter().any(|(i, _)| *i == 0) && findings.iter().any(|(i, _)| *i == 1));
    let severities: Vec<_> = findings.iter().map(|(_, f)| f.severity).collect();
    assert!(severities.windows(2).all(|w| w[0] >= w[1]), "worst first");
    let text = super::doctor::human(&super::fleet_doctor::named(&members, &findings));
    assert!(text.contains("* [alpha/us-east-1] "), "{text}");
    assert!(text.contains("* [beta/eu-west-1] "), "{text}");
}

#[tokio::test]
async fn topology_shows_each_contexts_tree_under_its_name() {
    let members = members();
    let mut read = Vec::new();
    for member in &members[..2] {
        let backend = member.backend.as_ref().expect("connected");
        read.push(collect_inventory(backend, 4, &Source::ALL).await.inventory);
    }
    let inventories: Vec<_> = members.iter().zip(&read).collect();
    let config = Config::defaults().expect("defaults");
    let text = fleet_ls::topology_text(&inventories, &config);
    let single = crate::output::topology_text(&read[0], true);
    assert!(text.starts_with("alpha/us-east-1\n"), "{text}");
    assert!(text.contains("\n\nbeta/eu-west-1\n"), "{text}");
    assert_eq!(
        text.lines().count(),
        2 * single.lines().count() + 3,
        "{text}"
    );
}
