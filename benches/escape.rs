//! What the untrusted-text rule costs: `escape` on clean and hostile strings, and its share
//! of building 10,000 table rows and the `ls` table and tree (every cell passes through it).
//!
//! Run: `cargo bench --bench escape` (prints figures; it asserts nothing). Under
//! `cargo test --all-targets` it is only compiled and says it skipped.

use std::collections::BTreeMap;
use std::hint::black_box;
use std::time::{Duration, Instant};

use squall::domain::untrusted::escape;
use squall::domain::{Queue, Subscription};
use squall::inventory::Inventory;
use squall::output;
use squall::resource_rows::TableKind;

const ROWS: usize = 10_000;

fn queue(i: usize) -> Queue {
    let name = format!("service-{i:05}");
    let mut attributes = BTreeMap::from([
        (
            "QueueArn".to_string(),
            format!("arn:aws:sqs:us-east-1:123456789012:{name}"),
        ),
        (
            "ApproximateNumberOfMessages".to_string(),
            (i % 97).to_string(),
        ),
    ]);
    if i.is_multiple_of(2) {
        attributes.insert(
            "RedrivePolicy".to_string(),
            format!(
                r#"{{"deadLetterTargetArn":"arn:aws:sqs:us-east-1:123456789012:service-{:05}","maxReceiveCount":5}}"#,
                i + 1
            ),
        );
    }
    Queue::from_attributes(
        &format!("https://sqs.us-east-1.amazonaws.com/123456789012/{name}"),
        attributes,
        "us-east-1",
    )
}

/// A subscription per queue; one in `hostile_every` carries an escape sequence in its filter.
fn subscription(i: usize, hostile_every: usize) -> Subscription {
    let value = if i.is_multiple_of(hostile_every) {
        "\\u001b]52;c;cm0gLXJmIH4=\\u0007"
    } else {
        "order_placed"
    };
    let mut sub = Subscription::listed(
        &format!("arn:aws:sns:us-east-1:123456789012:events:{i}"),
        "arn:aws:sns:us-east-1:123456789012:events",
        "sqs",
        &format!("arn:aws:sqs:us-east-1:123456789012:service-{i:05}"),
        None,
    );
    sub.filter_policy = Some(format!(r#"{{"type":["{value}","order_updated"]}}"#));
    sub
}

fn inventory(hostile_every: usize) -> Inventory {
    let mut inventory = Inventory::default();
    inventory.upsert_queues((0..ROWS).map(queue).collect(), 1);
    inventory.finish_queues(1);
    inventory.set_subscriptions((0..ROWS).map(|i| subscription(i, hostile_every)).collect());
    inventory
}

fn median(mut run: impl FnMut() -> Duration, times: usize) -> Duration {
    let mut samples: Vec<Duration> = (0..times).map(|_| run()).collect();
    samples.sort();
    samples[samples.len() / 2]
}

fn timed<T>(f: impl FnOnce() -> T) -> Duration {
    let start = Instant::now();
    black_box(f());
    start.elapsed()
}

fn ms(d: Duration) -> f64 {
    d.as_secs_f64() * 1000.0
}

fn per_call(label: &str, text: &str) {
    let calls = 1_000_000;
    let elapsed = median(
        || {
            timed(|| {
                for _ in 0..calls {
                    black_box(escape(black_box(text)));
                }
            })
        },
        5,
    );
    println!(
        "{label:<58} {:>8.1} ns per call",
        elapsed.as_secs_f64() * 1e9 / calls as f64
    );
}

fn main() {
    if !std::env::args().any(|a| a == "--bench") {
        println!(
            "escape bench: skipped (not run under `cargo bench`); use `cargo bench --bench escape`"
        );
        return;
    }
    println!("the untrusted-text rule (release build, median of runs)\n");
    per_call(
        "escape: clean ASCII queue name (24 bytes)",
        "service-00042-dead-letter",
    );
    per_call(
        "escape: clean ARN (60 bytes)",
        "arn:aws:sqs:eu-west-1:123456789012:orders-service-dead-letter",
    );
    per_call(
        "escape: clean non-ASCII (日本語, →)",
        "注文キュー → 配送キュー",
    );
    per_call(
        "escape: hostile (OSC 52 + clear screen + RLO)",
        "type=\u{1b}]52;c;cm0gLXJmIH4=\u{7}\u{1b}[2J\u{202E}gpj.exe",
    );
    println!();

    for (label, hostile_every) in [("all clean", usize::MAX), ("1 in 10 hostile", 10)] {
        let inventory = inventory(hostile_every);
        for kind in [TableKind::Queues, TableKind::Subscriptions] {
            let rows = kind.rows(&inventory, None);
            let build = median(|| timed(|| kind.rows(&inventory, None)), 9);
            // The escaping pass alone, over the cells of rows already built (a second pass
            // finds them clean, so this is the scan every clean cell costs).
            let scan = median(
                || {
                    timed(|| {
                        for row in &rows {
                            for cell in &row.cells {
                                black_box(escape(cell));
                            }
                        }
                    })
                },
                9,
            );
            println!(
                "{ROWS} {:<13} rows, {label:<16}: build {:>7.2} ms, of which the escape scan {:>6.3} ms",
                format!("{kind:?}"),
                ms(build),
                ms(scan)
            );
        }
        let table = median(
            || timed(|| output::table(TableKind::Subscriptions, &inventory)),
            5,
        );
        let tree = median(|| timed(|| output::topology_text(&inventory, false)), 5);
        println!(
            "{ROWS} subscriptions, {label:<16}      : `ls subscriptions` {:>7.2} ms, `ls topology` {:>7.2} ms\n",
            ms(table),
            ms(tree)
        );
    }
}
