//! How long the pure `update` takes with thousands of queues: applying a batch of
//! streamed rows, a key press, a filter keystroke, and building the topology. These bound
//! how responsive the TUI stays while a large account loads (a frame is ~16 ms).
//!
//! Run: `cargo bench --bench update` (prints figures; it asserts nothing). Under
//! `cargo test --all-targets` it is only compiled and says it skipped.

use std::collections::BTreeMap;
use std::time::{Duration, Instant, SystemTime};

use ratatui::crossterm::event::{KeyCode, KeyEvent, KeyModifiers};
use squall::app::{Action, App, update};
use squall::aws::ConnectionInfo;
use squall::config::Config;
use squall::domain::{Queue, QueueCounts, RedrivePolicy};

fn queue(i: usize) -> Queue {
    let name = format!("service-{i:05}");
    let dlq = i.is_multiple_of(2).then(|| format!("service-{:05}", i + 1));
    Queue {
        url: format!("https://sqs.us-east-1.amazonaws.com/123456789012/{name}"),
        arn: format!("arn:aws:sqs:us-east-1:123456789012:{name}"),
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

fn new_app() -> App {
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
    let _ = squall::app::update::start(&mut app);
    app
}

fn key(app: &mut App, c: char) -> Duration {
    let start = Instant::now();
    let _ = update(
        app,
        Action::Key(KeyEvent::new(KeyCode::Char(c), KeyModifiers::NONE)),
    );
    start.elapsed()
}

fn summary(label: &str, mut samples: Vec<Duration>) {
    samples.sort();
    let median = samples[samples.len() / 2];
    let max = samples[samples.len() - 1];
    println!(
        "{label:<52} median {:>9.3} ms   max {:>9.3} ms   (n={})",
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
        let mut app = new_app();
        let queues: Vec<Queue> = (0..total).map(queue).collect();
        let mut batch_times = Vec::new();
        for chunk in queues.chunks(200) {
            let start = Instant::now();
            let _ = update(
                &mut app,
                Action::QueuesLoaded {
                    generation: 1,
                    queues: chunk.to_vec(),
                },
            );
            batch_times.push(start.elapsed());
        }
        summary(
            &format!("{total} queues: apply a streamed batch of 200"),
            batch_times,
        );
        let start = Instant::now();
        let _ = update(
            &mut app,
            Action::QueuesFinished {
                generation: 1,
                listed: total,
                failed: 0,
            },
        );
        summary(
            &format!("{total} queues: finish the load (prune + rebuild)"),
            vec![start.elapsed()],
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
}

fn num_cpus() -> usize {
    std::thread::available_parallelism()
        .map(|n| n.get())
        .unwrap_or(1)
}
