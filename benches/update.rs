//! How long the pure `update` takes with thousands of queues: applying a batch of
//! streamed rows, a key press, a filter keystroke, and building the topology. These bound
//! how responsive the TUI stays while a large account loads (a frame is ~16 ms).
//!
//! Last, the refresh case of issue 6: 10,000 queues loaded, three views on the stack, and a
//! refresh streaming the queues back in batches of 200; printed beside the same batch with one
//! view, and beside the figures recorded before views became components
//! (benches/update_baseline.txt).
//!
//! Run: `cargo bench --bench update` (prints figures; it asserts nothing). Under
//! `cargo test --all-targets` it is only compiled and says it skipped.

use std::collections::BTreeMap;
use std::time::{Duration, Instant, SystemTime};

use ratatui::crossterm::event::{KeyCode, KeyEvent, KeyModifiers};
use squall::app::effect::Work;
use squall::app::{Action, App, Effect, update};
use squall::aws::ConnectionInfo;
use squall::config::Config;
use squall::domain::{Queue, QueueCounts, RedrivePolicy, Subscription, Topic};
use squall::inventory::Source;

/// Queue `i`; every even queue sends its failures to the next (odd) one, its DLQ.
fn queue(i: usize) -> Queue {
    let name = format!("service-{i:05}");
    let dlq = i.is_multiple_of(2).then(|| format!("service-{:05}", i + 1));
    Queue {
        url: format!("https://sqs.us-east-1.amazonaws.com/123456789012/{name}"),
        arn: queue_arn(i),
        fifo: false,
        counts: QueueCounts {
            visible: (i * 7 % 1000) as u64,
            in_flight: (i % 13) as u64,
            delayed: 0,
        },
        redrive: dlq.map(|d| RedrivePolicy {
            dead_letter_target_arn: format!("arn:aws:sqs:us-east-1:123456789012:{d}"),
            max_receive_count: 5,
        }),
        attributes: BTreeMap::new(),
        name,
    }
}

fn queue_arn(i: usize) -> String {
    format!("arn:aws:sqs:us-east-1:123456789012:service-{i:05}")
}

fn topic_arn(t: usize) -> String {
    format!("arn:aws:sns:us-east-1:123456789012:events-{t:03}")
}

/// An app that has asked for its first loads, and what it asked for.
fn new_app() -> (App, Vec<Effect>) {
    let config = Config::defaults().expect("defaults");
    let mut app = App::new(
        ConnectionInfo {
            region: "us-east-1".into(),
            ..ConnectionInfo::default()
        },
        false,
        config.keymap,
        None,
        SystemTime::now(),
    );
    let effects = squall::app::update::start(&mut app);
    (app, effects)
}

/// The generation of the load of `source` among `effects`.
fn generation(effects: &[Effect], source: Source) -> u64 {
    effects
        .iter()
        .find_map(|effect| match effect {
            Effect::Start {
                work:
                    Work::Load {
                        source: s,
                        generation,
                    },
                ..
            } if *s == source => Some(*generation),
            _ => None,
        })
        .unwrap_or_else(|| panic!("no load of {source:?} started"))
}

fn key(app: &mut App, c: char) -> Duration {
    press(app, KeyCode::Char(c)).1
}

fn press(app: &mut App, code: KeyCode) -> (Vec<Effect>, Duration) {
    let start = Instant::now();
    let effects = update(app, Action::Key(KeyEvent::new(code, KeyModifiers::NONE)));
    (effects, start.elapsed())
}

fn summary(label: &str, mut samples: Vec<Duration>) {
    samples.sort();
    let median = samples[samples.len() / 2];
    let max = samples[samples.len() - 1];
    println!(
        "{label:<56} median {:>9.3} ms   max {:>9.3} ms   (n={})",
        ms(median),
        ms(max),
        samples.len()
    );
}

fn ms(d: Duration) -> f64 {
    d.as_secs_f64() * 1000.0
}

fn main() {
    // `cargo bench` passes `--bench`; under `cargo test --all-targets` this only says so.
    if !std::env::args().any(|a| a == "--bench") {
        println!(
            "update bench: skipped (not run under `cargo bench`); use `cargo bench --bench update`"
        );
        return;
    }
    println!(
        "squall update() costs on {} cores (release build, in-process, no I/O)\n",
        num_cpus()
    );
    for total in [1_000usize, 5_000] {
        let (mut app, effects) = new_app();
        let (batch_times, finish_time) =
            load_queues(&mut app, generation(&effects, Source::Queues), total);
        summary(
            &format!("{total} queues: apply a streamed batch of 200"),
            batch_times,
        );
        summary(
            &format!("{total} queues: finish the load (prune + rebuild)"),
            vec![finish_time],
        );

        summary(
            &format!("{total} queues: key press j"),
            (0..50).map(|_| key(&mut app, 'j')).collect(),
        );
        key(&mut app, '/');
        let filter: Vec<Duration> = "service-0".chars().map(|c| key(&mut app, c)).collect();
        summary(
            &format!("{total} queues: filter keystroke (regex over all rows)"),
            filter,
        );
        let _ = update(
            &mut app,
            Action::Key(KeyEvent::new(KeyCode::Esc, KeyModifiers::NONE)),
        );
        summary(
            &format!("{total} queues: sort by next column"),
            (0..7).map(|_| key(&mut app, 's')).collect(),
        );
        let start = Instant::now();
        key(&mut app, 't');
        summary(
            &format!("{total} queues: open the topology"),
            vec![start.elapsed()],
        );
        println!();
    }
    refresh_under_views();
}

/// The same refresh of 10,000 queues, streamed in batches of 200, under the queues table alone
/// and under three views; then the figures recorded before the component refactor.
fn refresh_under_views() {
    const TOTAL: usize = 10_000;
    println!("{TOTAL} queues, 100 topics, 5,000 subscriptions; a refresh streams the queues back:");

    let mut app = loaded_app(TOTAL);
    let one_view = refresh(&mut app, TOTAL);
    summary(
        &format!("1 view  ({}): batch of 200", app.breadcrumb().join(" › ")),
        one_view,
    );

    let mut app = loaded_app(TOTAL);
    for c in ":topics".chars() {
        key(&mut app, c);
    }
    press(&mut app, KeyCode::Enter); // the command: topics is the root
    press(&mut app, KeyCode::Enter); // the first topic's subscriptions
    key(&mut app, 't'); // the selected subscription in the topology
    let stack = app.breadcrumb();
    assert_eq!(stack.len(), 3, "three views on the stack: {stack:?}");
    let three_views = refresh(&mut app, TOTAL);
    summary(
        &format!("3 views ({}): batch of 200", stack.join(" › ")),
        three_views,
    );

    println!("\nBefore (recorded in benches/update_baseline.txt):");
    print!("{}", include_str!("update_baseline.txt"));
}

/// An app that has loaded `total` queues, their topics and subscriptions; the queues table
/// is its only view.
fn loaded_app(total: usize) -> App {
    let (mut app, effects) = new_app();
    let topics: Vec<Topic> = (0..100)
        .map(|t| Topic::from_attributes(&topic_arn(t), BTreeMap::new()))
        .collect();
    // Every source queue (the even ones) is subscribed to one topic.
    let subscriptions: Vec<Subscription> = (0..total)
        .step_by(2)
        .map(|i| {
            let topic = topic_arn(i / 2 % 100);
            let arn = format!("{topic}:sub-{i:05}");
            Subscription::listed(&arn, &topic, "sqs", &queue_arn(i), None)
        })
        .collect();
    let loaded = [
        Action::TopicsLoaded {
            generation: generation(&effects, Source::Topics),
            topics,
        },
        Action::SubscriptionsLoaded {
            generation: generation(&effects, Source::Subscriptions),
            subscriptions,
        },
        Action::MappingsLoaded {
            generation: generation(&effects, Source::EventSourceMappings),
            mappings: Vec::new(),
        },
        Action::FunctionsLoaded {
            generation: generation(&effects, Source::Functions),
            functions: Vec::new(),
        },
    ];
    for action in loaded {
        let _ = update(&mut app, action);
    }
    load_queues(&mut app, generation(&effects, Source::Queues), total);
    app
}

/// Loads queues `0..total` as load `generation` does: streamed, then finished. The time of
/// each batch, and of the finish.
fn load_queues(app: &mut App, generation: u64, total: usize) -> (Vec<Duration>, Duration) {
    let queues: Vec<Queue> = (0..total).map(queue).collect();
    let batch_times = stream_queues(app, generation, &queues);
    let start = Instant::now();
    let _ = update(
        app,
        Action::QueuesFinished {
            generation,
            listed: total,
            failed: 0,
        },
    );
    (batch_times, start.elapsed())
}

/// Presses `r` and streams the `total` queues back with new counts; the time of each batch.
fn refresh(app: &mut App, total: usize) -> Vec<Duration> {
    let (effects, _) = press(app, KeyCode::Char('r'));
    let generation = generation(&effects, Source::Queues);
    let queues: Vec<Queue> = (0..total)
        .map(|i| {
            let mut queue = queue(i);
            queue.counts.visible += 1;
            queue
        })
        .collect();
    stream_queues(app, generation, &queues)
}

/// Applies `queues` as load `generation` streams them, 200 a batch; the time of each batch.
fn stream_queues(app: &mut App, generation: u64, queues: &[Queue]) -> Vec<Duration> {
    queues
        .chunks(200)
        .map(|chunk| {
            let start = Instant::now();
            let _ = update(
                app,
                Action::QueuesLoaded {
                    generation,
                    queues: chunk.to_vec(),
                },
            );
            start.elapsed()
        })
        .collect()
}

fn num_cpus() -> usize {
    std::thread::available_parallelism()
        .map(|n| n.get())
        .unwrap_or(1)
}
