//! The manual mover's speed: N messages DLQ → source with squall's redrive engine
//! (`squall::redrive::execute`, in this process, the SDK backend, `--mode manual`) next to a
//! plain sequential loop (ReceiveMessage 10 → SendMessageBatch → DeleteMessageBatch, one call
//! at a time; in Rust with the same SDK, and in boto3 when the LocalStack venv has it) on the
//! same LocalStack, and the `--rate` limit held.
//!
//! For each latency in `--latency-ms` (default 0,20; 0 talks to LocalStack directly, L > 0
//! goes through the tests' loopback fault proxy, which holds every request L ms like a round
//! trip to real AWS) and each N in `--sizes` (default 1000,5000), `--repeat` times (default
//! 2: the machine is shared, one figure alone says little), the DLQ is seeded with N
//! messages and moved by each baseline, then by the engine for each `--concurrency`
//! (default 16, the CLI's default). Each side is timed from its start until the N-th message
//! is deleted from the DLQ; msg/s is N over that. The engine's end detection (one empty long
//! poll per worker and a look at the DLQ's counts) comes after and is shown apart: "end s",
//! from the N-th message moved to the run's end. The ratio is squall's msg/s over the
//! faster baseline's in the same repetition. Every run must move exactly N. A summary line
//! per latency and size gives the spread over the repetitions.
//!
//! **Rate** (`--rate-check N`, default 500; 0 skips): the engine with `--rate 50` moves N
//! messages on loopback; the measured rate (N / time to the N-th message moved) and its
//! deviation from 50 are printed (target: within 10%).
//!
//! Figures only: nothing here asserts on a duration. `cargo bench --bench redrive --
//! [--sizes 1000,5000] [--latency-ms 0,20] [--concurrency 16] [--repeat 2] [--rate-check
//! 500] [--no-boto3]`; `REDRIVE_BENCH_SIZES=200` picks sizes too (for a quick run). Under
//! `cargo test --all-targets` (no `--bench` argument) it does nothing.

#[path = "../tests/support/mod.rs"]
mod support;

#[path = "redrive/baseline.rs"]
mod baseline;

use std::net::SocketAddr;
use std::process::ExitCode;
use std::sync::atomic::Ordering;
use std::time::{Duration, Instant};

use aws_sdk_sqs::types::SendMessageBatchRequestEntry;
use squall::aws::{Backend, ConnectionInfo};
use squall::redrive::{ModeChoice, MoveOptions, PlanRequest, RunOptions, RunProgress};
use support::fault_proxy::{FaultProxy, Faults};
use support::{REGION, create_queue, unique_name};
use tokio::runtime::Runtime;
use tokio_util::sync::CancellationToken;

struct Options {
    sizes: Vec<usize>,
    latencies_ms: Vec<u64>,
    concurrency: Vec<usize>,
    rate_check: usize,
    repeat: usize,
    boto3: bool,
    bench_mode: bool,
}

const USAGE: &str = "cargo bench --bench redrive -- [--sizes 1000,5000] [--latency-ms 0,20] \
                     [--concurrency 16] [--repeat 2] [--rate-check 500] [--no-boto3]";

fn list<T: std::str::FromStr>(flag: &str, text: &str) -> Result<Vec<T>, String> {
    text.split(',')
        .map(|s| s.trim().replace('_', ""))
        .map(|s| {
            s.parse::<T>()
                .map_err(|_| format!("{flag}: {s:?} is not a number"))
        })
        .collect()
}

fn parse_args(args: impl IntoIterator<Item = String>) -> Result<Options, String> {
    let mut options = Options {
        sizes: vec![1000, 5000],
        latencies_ms: vec![0, 20],
        concurrency: vec![16],
        rate_check: 500,
        repeat: 2,
        boto3: true,
        bench_mode: false,
    };
    if let Ok(sizes) = std::env::var("REDRIVE_BENCH_SIZES") {
        options.sizes = list("REDRIVE_BENCH_SIZES", &sizes)?;
    }
    let mut args = args.into_iter();
    while let Some(arg) = args.next() {
        let (flag, inline) = match arg.split_once('=') {
            Some((flag, value)) if flag.starts_with("--") => (flag.to_string(), Some(value.into())),
            _ => (arg.clone(), None),
        };
        let mut value = |name: &str| {
            inline
                .clone()
                .or_else(|| args.next())
                .ok_or_else(|| format!("{name} needs a value"))
        };
        match flag.as_str() {
            "--bench" => options.bench_mode = true,
            "--sizes" => options.sizes = list("--sizes", &value("--sizes")?)?,
            "--latency-ms" => options.latencies_ms = list("--latency-ms", &value("--latency-ms")?)?,
            "--concurrency" => {
                options.concurrency = list("--concurrency", &value("--concurrency")?)?
            }
            "--repeat" => {
                options.repeat = value("--repeat")?
                    .parse()
                    .map_err(|_| "--repeat: not a number".to_string())?;
            }
            "--no-boto3" => options.boto3 = false,
            "--rate-check" => {
                options.rate_check = value("--rate-check")?
                    .parse()
                    .map_err(|_| "--rate-check: not a number".to_string())?;
            }
            "--help" | "-h" => return Err(String::new()),
            // What cargo passes to every harness-less target.
            other if other.starts_with("--") => {}
            _ => {}
        }
    }
    Ok(options)
}

fn main() -> ExitCode {
    let options = match parse_args(std::env::args().skip(1)) {
        Ok(options) => options,
        Err(message) if message.is_empty() => {
            println!("{USAGE}");
            return ExitCode::SUCCESS;
        }
        Err(message) => {
            eprintln!("redrive bench: {message}\n{USAGE}");
            return ExitCode::from(2);
        }
    };
    if !options.bench_mode {
        println!("redrive bench: skipped (not run under `cargo bench`)");
        return ExitCode::SUCCESS;
    }
    // SAFETY: no other thread exists yet (the runtime and LocalStack start below).
    unsafe { std::env::set_var("SQS_DISABLE_CLOUDWATCH_METRICS", "1") };
    let runtime = tokio::runtime::Builder::new_multi_thread()
        .enable_all()
        .build()
        .expect("a tokio runtime");
    run(&runtime, &options);
    ExitCode::SUCCESS
}

/// One timed move.
struct Timing {
    /// Until the N-th message was deleted from the DLQ.
    moved: Duration,
    /// Until the engine's run ended (the engine only).
    drained: Option<Duration>,
    count: u64,
}

impl Timing {
    fn per_second(&self, n: usize) -> f64 {
        n as f64 / self.moved.as_secs_f64()
    }

    /// From the N-th message moved to the run's end.
    fn end_after(&self) -> Option<f64> {
        self.drained
            .map(|d| d.saturating_sub(self.moved).as_secs_f64())
    }
}

/// One repetition's figures for one latency and size.
#[derive(Default)]
struct Repetition {
    /// The faster baseline's msg/s.
    baseline: f64,
    /// Per concurrency: msg/s and the end's delay after the N-th message.
    engine: Vec<(usize, f64, f64)>,
}

fn run(runtime: &Runtime, options: &Options) {
    let localstack = support::localstack();
    let upstream: SocketAddr = ([127, 0, 0, 1], localstack.port()).into();
    let python = options.boto3.then(baseline::boto3_python).flatten();
    println!(
        "redrive bench: LocalStack at {}; sizes {:?}, latencies {:?} ms, engine concurrency \
         {:?}, {} repetitions; boto3 baseline: {}",
        localstack.endpoint(),
        options.sizes,
        options.latencies_ms,
        options.concurrency,
        options.repeat,
        python
            .as_ref()
            .map_or("none".to_string(), |p| p.display().to_string())
    );
    println!(
        "{:>6} {:>6} {:>3} {:>12} {:>9} {:>9} {:>7} {:>7}",
        "lat ms", "N", "rep", "who", "moved s", "msg/s", "end s", "ratio"
    );
    let mut summaries = Vec::new();
    for &latency_ms in &options.latencies_ms {
        let proxy = (latency_ms > 0).then(|| {
            runtime.block_on(FaultProxy::start(
                upstream,
                Faults {
                    latency: Duration::from_millis(latency_ms),
                    ..Faults::default()
                },
            ))
        });
        let endpoint = proxy
            .as_ref()
            .map(FaultProxy::endpoint)
            .unwrap_or_else(|| localstack.endpoint());
        for &n in &options.sizes {
            let repetitions: Vec<Repetition> = (1..=options.repeat.max(1))
                .map(|rep| {
                    let line = Line { latency_ms, n, rep };
                    repetition(runtime, &endpoint, python.as_ref(), &line, options)
                })
                .collect();
            summaries.push(summary(latency_ms, n, &repetitions));
        }
        if let Some(proxy) = proxy {
            let stats = runtime.block_on(proxy.shutdown());
            println!(
                "  {latency_ms} ms proxy: {} requests on {} connections",
                stats.requests, stats.connections
            );
        }
    }
    println!("summary (min-max over the repetitions; ratio: squall over the faster baseline):");
    for line in summaries {
        println!("  {line}");
    }
    if options.rate_check > 0 {
        rate_check(runtime, options.rate_check);
    }
}

/// Where a row belongs.
struct Line {
    latency_ms: u64,
    n: usize,
    rep: usize,
}

/// Each baseline, then the engine at each concurrency, on freshly seeded queues.
fn repetition(
    runtime: &Runtime,
    endpoint: &str,
    python: Option<&std::path::PathBuf>,
    line: &Line,
    options: &Options,
) -> Repetition {
    let n = line.n;
    let mut figures = Repetition::default();
    let rust = runtime.block_on(async {
        let (dlq, source) = seed(n).await;
        let moved = baseline::rust_loop(endpoint, &dlq, &source, n).await;
        let timing = Timing {
            moved: moved.took,
            drained: None,
            count: moved.count,
        };
        check(&source, n, &timing, "sequential (Rust)").await;
        timing
    });
    row(line, "seq Rust", &rust, None);
    figures.baseline = rust.per_second(n);
    if let Some(python) = python {
        let boto3 = runtime.block_on(async {
            let (dlq, source) = seed(n).await;
            let moved = baseline::boto3_loop(python.clone(), endpoint, &dlq, &source, n).await;
            let timing = Timing {
                moved: moved.took,
                drained: None,
                count: moved.count,
            };
            check(&source, n, &timing, "sequential (boto3)").await;
            timing
        });
        row(line, "seq boto3", &boto3, None);
        figures.baseline = figures.baseline.max(boto3.per_second(n));
    }
    for &concurrency in &options.concurrency {
        let timing = runtime.block_on(async {
            let (dlq, source) = seed(n).await;
            let timing = engine_move(endpoint, &dlq, &source, concurrency, None, n).await;
            check(&source, n, &timing, "engine").await;
            timing
        });
        let ratio = timing.per_second(n) / figures.baseline;
        row(
            line,
            &format!("squall c={concurrency}"),
            &timing,
            Some(ratio),
        );
        figures.engine.push((
            concurrency,
            timing.per_second(n),
            timing.end_after().unwrap_or_default(),
        ));
    }
    figures
}

fn row(line: &Line, who: &str, timing: &Timing, ratio: Option<f64>) {
    let end = timing
        .end_after()
        .map(|d| format!("{d:.2}"))
        .unwrap_or_else(|| "-".into());
    let ratio = ratio
        .map(|r| format!("{r:.2}x"))
        .unwrap_or_else(|| "-".into());
    println!(
        "{:>6} {:>6} {:>3} {who:>12} {:>9.2} {:>9.1} {end:>7} {ratio:>7}",
        line.latency_ms,
        line.n,
        line.rep,
        timing.moved.as_secs_f64(),
        timing.per_second(line.n),
    );
}

/// The spread of one latency and size over its repetitions.
fn summary(latency_ms: u64, n: usize, repetitions: &[Repetition]) -> String {
    fn spread(values: impl Iterator<Item = f64>, digits: usize) -> String {
        let values: Vec<f64> = values.collect();
        let min = values.iter().copied().fold(f64::INFINITY, f64::min);
        let max = values.iter().copied().fold(f64::NEG_INFINITY, f64::max);
        format!("{min:.digits$}-{max:.digits$}")
    }
    let mut text = format!(
        "{latency_ms} ms, N {n}: baseline {} msg/s",
        spread(repetitions.iter().map(|r| r.baseline), 0)
    );
    let concurrencies = repetitions.first().map(|r| r.engine.len()).unwrap_or(0);
    for i in 0..concurrencies {
        let of = |f: fn(&Repetition, usize) -> f64| repetitions.iter().map(move |r| f(r, i));
        text.push_str(&format!(
            "; squall c={} {} msg/s, x{}, ends {} s after its last message",
            repetitions[0].engine[i].0,
            spread(of(|r, i| r.engine[i].1), 0),
            spread(of(|r, i| r.engine[i].1 / r.baseline), 2),
            spread(of(|r, i| r.engine[i].2), 2),
        ));
    }
    text
}

fn rate_check(runtime: &Runtime, n: usize) {
    let timing = runtime.block_on(async {
        let (dlq, source) = seed(n).await;
        let endpoint = support::localstack().endpoint();
        let timing = engine_move(&endpoint, &dlq, &source, 4, Some(50), n).await;
        check(&source, n, &timing, "rate").await;
        timing
    });
    let rate = timing.per_second(n);
    println!(
        "rate check: --rate 50, {n} messages on loopback in {:.2} s: {rate:.1}/s, {:+.1}% from 50",
        timing.moved.as_secs_f64(),
        (rate - 50.0) / 50.0 * 100.0
    );
}

/// A fresh DLQ with `n` messages and an empty source queue; returns their URLs.
async fn seed(n: usize) -> (String, String) {
    let sqs = support::localstack().sqs().await;
    let name = unique_name("bench");
    let (dlq, _) = create_queue(&sqs, &format!("{name}-dlq"), &[]).await;
    let (source, _) = create_queue(&sqs, &name, &[]).await;
    let batches: Vec<_> = (0..n)
        .step_by(10)
        .map(|start| {
            let sqs = sqs.clone();
            let dlq = dlq.clone();
            async move {
                let mut request = sqs.send_message_batch().queue_url(&dlq);
                for i in start..(start + 10).min(n) {
                    request = request.entries(
                        SendMessageBatchRequestEntry::builder()
                            .id(format!("m{i}"))
                            .message_body(format!("message-{i} {}", "x".repeat(200)))
                            .build()
                            .expect("an entry"),
                    );
                }
                request.send().await.expect("seeding the DLQ");
            }
        })
        .collect();
    // Eight at a time.
    let mut pending = batches.into_iter();
    loop {
        let chunk: Vec<_> = pending.by_ref().take(8).collect();
        if chunk.is_empty() {
            break;
        }
        futures::future::join_all(chunk).await;
    }
    (dlq, source)
}

/// The source holds exactly `n` messages after a move.
async fn check(source: &str, n: usize, timing: &Timing, who: &str) {
    let sqs = support::localstack().sqs().await;
    let visible = support::queue_attribute(
        &sqs,
        source,
        aws_sdk_sqs::types::QueueAttributeName::ApproximateNumberOfMessages,
    )
    .await
    .and_then(|v| v.parse::<usize>().ok());
    assert_eq!(visible, Some(n), "{who}: the source holds every message");
    assert_eq!(timing.count, n as u64, "{who}: moved exactly N");
}

async fn sdk_backend(endpoint: &str) -> Backend {
    let config = support::emulator::emulator_sdk_config(endpoint.to_string()).await;
    squall::aws::sdk_backend(
        &config,
        ConnectionInfo {
            region: REGION.to_string(),
            endpoint: Some(endpoint.to_string()),
            ..Default::default()
        },
    )
}

/// squall's engine: plan (manual, to `source`), then execute; timed until the N-th
/// message is moved and until it ends.
async fn engine_move(
    endpoint: &str,
    dlq: &str,
    source: &str,
    concurrency: usize,
    rate: Option<u32>,
    n: usize,
) -> Timing {
    let backend = sdk_backend(endpoint).await;
    let dlq_queue = backend.queues.describe_queue(dlq).await.expect("the DLQ");
    let source_queue = backend
        .queues
        .describe_queue(source)
        .await
        .expect("the source");
    let plan = squall::redrive::plan(
        &backend,
        &dlq_queue,
        PlanRequest {
            to: Some(&source_queue),
            mode: ModeChoice::Manual,
            selective: false,
            filtered: false,
            subscriptions: None,
            functions: None,
            rate,
        },
    )
    .await
    .expect("a plan");
    let journal_dir = tempfile::tempdir().expect("tempdir");
    let options = RunOptions {
        moves: MoveOptions {
            concurrency,
            rate,
            ..MoveOptions::default()
        },
        journal_dir: journal_dir.path().to_path_buf(),
        resume: None,
    };
    let progress = RunProgress::default();
    let cancel = CancellationToken::new();
    let started = Instant::now();
    let mut moved_at = None;
    let run = squall::redrive::execute(&backend, &plan, &options, &progress, &cancel);
    tokio::pin!(run);
    let summary = loop {
        tokio::select! {
            summary = &mut run => break summary.expect("the run"),
            () = tokio::time::sleep(Duration::from_millis(5)) => {
                if moved_at.is_none() && progress.manual.moved.load(Ordering::Relaxed) >= n as u64 {
                    moved_at = Some(started.elapsed());
                }
            }
        }
    };
    let drained = started.elapsed();
    assert_eq!(summary.end, "drained", "{summary:?}");
    Timing {
        moved: moved_at.unwrap_or(drained),
        drained: Some(drained),
        count: summary.moved,
    }
}
