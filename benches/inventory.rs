//! Queue inventory at scale: `squall ls queues --json` against a plain sequential listing.
//!
//! Seeds a private LocalStack (loopback) with N queues for each N in `--sizes` (default
//! 1000,5000; the queues are reused between sizes, so 5,000 means 4,000 more), then times, `--runs`
//! times each (default 3, interleaved):
//!
//! * **squall**: the binary cargo built for this benchmark (`target/release/squall`), run as
//!   `squall --endpoint-url … --region us-east-1 ls queues --json` — process start, connection,
//!   listing, describing with squall's default concurrency, sorting and JSON output included.
//!   The JSON array must hold exactly as many queues as LocalStack has.
//! * **sequential**: in this process, with the same aws-sdk-sqs: build a client, ListQueues
//!   (MaxResults=1000, following NextToken), then GetQueueAttributes(All) for each URL strictly
//!   one at a time.
//!
//! and prints medians, minimums, the ratio sequential/squall and queues per second. It prints
//! figures only: nothing here asserts on a duration.
//!
//! Run it with `scripts/bench-inventory [--sizes 1000,5000] [--runs 3]` (installs LocalStack,
//! builds the release binary) or `cargo bench --bench inventory -- [OPTIONS]`. Under
//! `cargo test --all-targets` (no `--bench` argument) it does nothing.

#[allow(dead_code, unused_imports)]
#[path = "../tests/support/localstack.rs"]
mod localstack;

use std::path::{Path, PathBuf};
use std::process::{Command, ExitCode, Stdio};
use std::sync::atomic::{AtomicUsize, Ordering};
use std::time::{Duration, Instant};

use aws_sdk_sqs::error::DisplayErrorContext;
use aws_sdk_sqs::types::QueueAttributeName;
use futures::StreamExt;

use localstack::{ACCOUNT_ID, LocalStack, REGION};

const USAGE: &str = "\
usage: cargo bench --bench inventory -- [--sizes N[,N...]] [--runs K] [--seed-concurrency C]

  --sizes            queue counts to measure, ascending; queues are reused (default 1000,5000)
  --runs             timed runs of each side per size, interleaved (default 3)
  --seed-concurrency CreateQueue calls in flight while seeding (default 32)";

/// Every 10th queue (i % 10 == 3) gets a RedrivePolicy to queue i - 3 (i % 10 == 0).
const REDRIVE_EVERY: usize = 10;
const REDRIVE_SOURCE: usize = 3;
/// Every 20th queue (i % 20 == 7) is FIFO (never a redrive source or target).
const FIFO_EVERY: usize = 20;
const FIFO_AT: usize = 7;
/// Every 7th queue gets a few messages.
const MESSAGES_EVERY: usize = 7;
const MESSAGES_PER_QUEUE: usize = 3;

struct Options {
    sizes: Vec<usize>,
    runs: usize,
    seed_concurrency: usize,
    /// `cargo bench` passes `--bench`; `cargo test --all-targets` does not.
    bench_mode: bool,
}

fn parse_args(args: impl IntoIterator<Item = String>) -> Result<Options, String> {
    let mut options = Options {
        sizes: vec![1000, 5000],
        runs: 3,
        seed_concurrency: 32,
        bench_mode: false,
    };
    let mut args = args.into_iter();
    while let Some(arg) = args.next() {
        let (flag, inline) = match arg.split_once('=') {
            Some((flag, value)) if flag.starts_with("--") => (flag.to_string(), Some(value.into())),
            _ => (arg.clone(), None),
        };
        let mut value = |name: &str| -> Result<String, String> {
            inline
                .clone()
                .or_else(|| args.next())
                .ok_or_else(|| format!("{name} needs a value"))
        };
        match flag.as_str() {
            "--bench" => options.bench_mode = true,
            "--sizes" => {
                let text = value("--sizes")?;
                let mut sizes = text
                    .split(',')
                    .map(|s| s.trim().replace('_', ""))
                    .map(|s| match s.parse::<usize>() {
                        Ok(n) if n > 0 => Ok(n),
                        _ => Err(format!("--sizes: not a positive number: {s:?}")),
                    })
                    .collect::<Result<Vec<_>, _>>()?;
                sizes.sort_unstable();
                sizes.dedup();
                options.sizes = sizes;
            }
            "--runs" => options.runs = positive("--runs", &value("--runs")?)?,
            "--seed-concurrency" => {
                options.seed_concurrency =
                    positive("--seed-concurrency", &value("--seed-concurrency")?)?;
            }
            "-h" | "--help" => return Err(String::new()),
            other => return Err(format!("unknown argument {other:?}")),
        }
    }
    Ok(options)
}

fn positive(name: &str, text: &str) -> Result<usize, String> {
    match text.trim().parse::<usize>() {
        Ok(n) if n > 0 => Ok(n),
        _ => Err(format!("{name}: not a positive number: {text:?}")),
    }
}

fn main() -> ExitCode {
    let options = match parse_args(std::env::args().skip(1)) {
        Ok(options) => options,
        Err(message) => {
            if message.is_empty() {
                println!("{USAGE}");
                return ExitCode::SUCCESS;
            }
            eprintln!("inventory bench: {message}\n{USAGE}");
            return ExitCode::from(2);
        }
    };
    if !options.bench_mode {
        println!(
            "inventory bench: skipped (not run under `cargo bench`); \
             use scripts/bench-inventory or `cargo bench --bench inventory`"
        );
        return ExitCode::SUCCESS;
    }
    // LocalStack publishes AWS/SQS metrics for every queue once a minute; with thousands of
    // queues that background work lands in the middle of the timings. The harness does not set
    // this variable, so the emulator inherits it from here.
    // SAFETY: no other thread exists yet (the runtime and LocalStack start below).
    unsafe { std::env::set_var("SQS_DISABLE_CLOUDWATCH_METRICS", "1") };
    run(&options);
    ExitCode::SUCCESS
}

struct Row {
    n: usize,
    squall: Vec<Duration>,
    sequential: Vec<Duration>,
}

fn run(options: &Options) {
    let total = Instant::now();
    let squall_bin = PathBuf::from(env!("CARGO_BIN_EXE_squall"));
    assert!(
        squall_bin.is_file(),
        "squall binary not found at {}: run `cargo build --release` (scripts/bench-inventory does)",
        squall_bin.display()
    );
    // An empty home for squall's settings and the SDK's profile files, so the user's
    // ~/.config/squall/config.toml and ~/.aws/config do not change what is measured.
    let scratch = tempfile::Builder::new()
        .prefix("squall-bench-inventory-")
        .tempdir()
        .expect("creating a scratch dir");
    let squall_concurrency = squall::config::Config::defaults()
        .expect("squall's default settings")
        .concurrency;

    let started = Instant::now();
    let ls = LocalStack::start();
    let ls_start = started.elapsed();
    let runtime = tokio::runtime::Builder::new_multi_thread()
        .enable_all()
        .build()
        .expect("starting the tokio runtime");
    let seeder = runtime.block_on(ls.sqs());

    let mut rows = Vec::new();
    let mut seeded = 0usize;
    for &n in &options.sizes {
        let started = Instant::now();
        runtime.block_on(seed(&seeder, seeded, n, options.seed_concurrency));
        let took = started.elapsed();
        println!(
            "seeded queues {seeded}..{n} ({} new) in {:.1} s ({:.0} queues/s incl. redrive \
             policies and messages, {} in flight)",
            n - seeded,
            took.as_secs_f64(),
            (n - seeded) as f64 / took.as_secs_f64(),
            options.seed_concurrency
        );
        seeded = n;
        let expected = runtime.block_on(count_queues(&seeder));
        assert_eq!(
            expected, n,
            "LocalStack lists {expected} queues, seeded {n}"
        );

        let mut row = Row {
            n,
            squall: Vec::new(),
            sequential: Vec::new(),
        };
        for run in 1..=options.runs {
            let (took, listed) = run_squall(&squall_bin, &ls.endpoint(), scratch.path());
            assert_eq!(
                listed, expected,
                "squall ls queues --json printed {listed} queues, LocalStack has {expected}"
            );
            row.squall.push(took);
            let (took_seq, described) = runtime.block_on(sequential(&ls));
            assert_eq!(
                described, expected,
                "the sequential listing described {described} queues, LocalStack has {expected}"
            );
            row.sequential.push(took_seq);
            println!(
                "N={n} run {run}/{}: squall {:.3} s, sequential {:.3} s",
                options.runs,
                took.as_secs_f64(),
                took_seq.as_secs_f64()
            );
        }
        rows.push(row);
    }
    drop(seeder);
    drop(runtime);

    println!();
    println!(
        "Queue inventory: `squall ls queues --json` (subprocess, squall's default concurrency \
         {squall_concurrency}) vs a sequential aws-sdk-sqs listing (in process: ListQueues \
         MaxResults=1000 + NextToken, then GetQueueAttributes(All) one queue at a time)"
    );
    println!(
        "Against LocalStack {} on loopback ({}), started in {:.1} s; AWS/SQS metric publishing \
         off; {} timed runs per side, interleaved.",
        localstack_version(),
        ls.endpoint(),
        ls_start.as_secs_f64(),
        options.runs
    );
    println!("Machine: {}", machine_facts());
    println!();
    print_table(&rows);

    ls.stop();
    println!();
    println!(
        "LocalStack stopped. Total benchmark time: {:.1} s",
        total.elapsed().as_secs_f64()
    );
}

// ---------------------------------------------------------------------------------------------
// Seeding

fn queue_name(i: usize) -> String {
    if i % FIFO_EVERY == FIFO_AT {
        format!("inv-{i:05}.fifo")
    } else {
        format!("inv-{i:05}")
    }
}

fn queue_arn(name: &str) -> String {
    format!("arn:aws:sqs:{REGION}:{ACCOUNT_ID}:{name}")
}

/// Creates queues `from..to`, then sets the redrive policies and sends the messages of the new
/// ones, each step with at most `concurrency` calls in flight.
async fn seed(sqs: &aws_sdk_sqs::Client, from: usize, to: usize, concurrency: usize) {
    let created = AtomicUsize::new(0);
    let total = to - from;
    let started = Instant::now();
    let mut urls: Vec<(usize, String)> = futures::stream::iter(from..to)
        .map(|i| {
            let created = &created;
            async move {
                let name = queue_name(i);
                let mut req = sqs.create_queue().queue_name(&name);
                if name.ends_with(".fifo") {
                    req = req.attributes(QueueAttributeName::FifoQueue, "true");
                }
                let url = req
                    .send()
                    .await
                    .unwrap_or_else(|e| panic!("CreateQueue {name}: {}", DisplayErrorContext(&e)))
                    .queue_url
                    .unwrap_or_else(|| panic!("CreateQueue {name}: no QueueUrl"));
                let done = created.fetch_add(1, Ordering::Relaxed) + 1;
                if done.is_multiple_of(1000) || done == total {
                    eprintln!(
                        "  created {done}/{total} queues ({:.1} s)",
                        started.elapsed().as_secs_f64()
                    );
                }
                (i, url)
            }
        })
        .buffer_unordered(concurrency)
        .collect()
        .await;
    urls.sort_unstable();

    futures::stream::iter(
        urls.iter()
            .filter(|(i, _)| i % REDRIVE_EVERY == REDRIVE_SOURCE),
    )
    .for_each_concurrent(concurrency, |(i, url)| async move {
        let dlq_arn = queue_arn(&queue_name(i - REDRIVE_SOURCE));
        localstack::set_redrive(sqs, url, &dlq_arn, 5).await;
    })
    .await;

    futures::stream::iter(
        urls.iter()
            .filter(|(i, _)| i.is_multiple_of(MESSAGES_EVERY)),
    )
    .for_each_concurrent(concurrency, |(_, url)| async move {
        localstack::send_messages(sqs, url, MESSAGES_PER_QUEUE).await;
    })
    .await;
}

/// How many queues LocalStack has (ListQueues pages).
async fn count_queues(sqs: &aws_sdk_sqs::Client) -> usize {
    list_all(sqs).await.len()
}

async fn list_all(sqs: &aws_sdk_sqs::Client) -> Vec<String> {
    let mut urls = Vec::new();
    let mut token = None;
    loop {
        let page = sqs
            .list_queues()
            .max_results(1000)
            .set_next_token(token)
            .send()
            .await
            .unwrap_or_else(|e| panic!("ListQueues: {}", DisplayErrorContext(&e)));
        urls.extend(page.queue_urls.unwrap_or_default());
        match page.next_token.filter(|t| !t.is_empty()) {
            Some(next) => token = Some(next),
            None => return urls,
        }
    }
}

// ---------------------------------------------------------------------------------------------
// The two sides

/// Runs `squall ls queues --json` once; returns its wall time and the length of the JSON array.
fn run_squall(bin: &Path, endpoint: &str, scratch: &Path) -> (Duration, usize) {
    let mut cmd = Command::new(bin);
    cmd.args([
        "--endpoint-url",
        endpoint,
        "--region",
        REGION,
        "ls",
        "queues",
        "--json",
    ])
    .env("AWS_ACCESS_KEY_ID", "test")
    .env("AWS_SECRET_ACCESS_KEY", "test")
    .env("AWS_EC2_METADATA_DISABLED", "true")
    .env("XDG_CONFIG_HOME", scratch)
    .env("AWS_CONFIG_FILE", scratch.join("aws-config"))
    .env(
        "AWS_SHARED_CREDENTIALS_FILE",
        scratch.join("aws-credentials"),
    )
    .env_remove("AWS_PROFILE")
    .env_remove("AWS_SESSION_TOKEN")
    .env_remove("AWS_ENDPOINT_URL")
    .env_remove("AWS_ENDPOINT_URL_SQS")
    .stdin(Stdio::null())
    .stdout(Stdio::piped())
    .stderr(Stdio::piped());
    let started = Instant::now();
    let output = cmd
        .output()
        .unwrap_or_else(|e| panic!("running {}: {e}", bin.display()));
    let took = started.elapsed();
    let stderr = String::from_utf8_lossy(&output.stderr);
    assert!(
        output.status.success(),
        "squall ls queues --json failed ({}):\n{stderr}",
        output.status
    );
    if !stderr.trim().is_empty() {
        eprintln!("squall stderr:\n{}", stderr.trim_end());
    }
    let rows: Vec<serde_json::Value> = serde_json::from_slice(&output.stdout)
        .expect("squall ls queues --json prints a JSON array");
    (took, rows.len())
}

/// The plain way: one client, all ListQueues pages, then GetQueueAttributes(All) strictly one
/// queue at a time. Returns the wall time (client construction included) and how many queues
/// were described.
async fn sequential(ls: &LocalStack) -> (Duration, usize) {
    let started = Instant::now();
    let sqs = ls.sqs().await;
    let urls = list_all(&sqs).await;
    let mut described = 0usize;
    for url in &urls {
        let out = sqs
            .get_queue_attributes()
            .queue_url(url)
            .attribute_names(QueueAttributeName::All)
            .send()
            .await
            .unwrap_or_else(|e| panic!("GetQueueAttributes {url}: {}", DisplayErrorContext(&e)));
        if out.attributes.is_some_and(|a| !a.is_empty()) {
            described += 1;
        }
    }
    (started.elapsed(), described)
}

// ---------------------------------------------------------------------------------------------
// Report

fn median(values: &[Duration]) -> Duration {
    let mut sorted = values.to_vec();
    sorted.sort_unstable();
    let mid = sorted.len() / 2;
    if sorted.len().is_multiple_of(2) {
        (sorted[mid - 1] + sorted[mid]) / 2
    } else {
        sorted[mid]
    }
}

fn min(values: &[Duration]) -> Duration {
    values.iter().copied().min().unwrap_or_default()
}

fn secs(d: Duration) -> String {
    format!("{:.3} s", d.as_secs_f64())
}

fn print_table(rows: &[Row]) {
    let header = [
        "N",
        "squall median",
        "squall min",
        "sequential median",
        "sequential min",
        "ratio seq/squall",
        "squall queues/s",
        "sequential queues/s",
    ];
    let mut lines = vec![header.map(str::to_string).to_vec()];
    for row in rows {
        let (sq_med, seq_med) = (median(&row.squall), median(&row.sequential));
        let per_sec = |d: Duration| format!("{:.0}", row.n as f64 / d.as_secs_f64());
        lines.push(vec![
            row.n.to_string(),
            secs(sq_med),
            secs(min(&row.squall)),
            secs(seq_med),
            secs(min(&row.sequential)),
            format!("{:.2}x", seq_med.as_secs_f64() / sq_med.as_secs_f64()),
            per_sec(sq_med),
            per_sec(seq_med),
        ]);
    }
    let widths: Vec<usize> = (0..header.len())
        .map(|c| lines.iter().map(|l| l[c].len()).max().unwrap_or(0))
        .collect();
    for line in &lines {
        let cells: Vec<String> = line
            .iter()
            .zip(&widths)
            .map(|(cell, w)| format!("{cell:>w$}"))
            .collect();
        println!("{}", cells.join("  "));
    }
    println!("(ratio and queues/s from the medians)");
}

fn localstack_version() -> String {
    let reqs =
        Path::new(env!("CARGO_MANIFEST_DIR")).join("scripts/emulators/localstack-requirements.txt");
    std::fs::read_to_string(reqs)
        .ok()
        .and_then(|text| {
            text.lines().find_map(|l| {
                l.trim()
                    .strip_prefix("localstack-core==")
                    .map(str::to_string)
            })
        })
        .unwrap_or_else(|| "(version unknown)".to_string())
}

fn machine_facts() -> String {
    let nproc = std::thread::available_parallelism().map_or(0, usize::from);
    let cpu = std::fs::read_to_string("/proc/cpuinfo")
        .ok()
        .and_then(|text| {
            text.lines()
                .find_map(|l| l.strip_prefix("model name"))
                .and_then(|l| l.split_once(':'))
                .map(|(_, v)| v.trim().to_string())
        })
        .unwrap_or_else(|| "unknown CPU".to_string());
    let mem = std::fs::read_to_string("/proc/meminfo")
        .ok()
        .and_then(|text| {
            text.lines()
                .find_map(|l| l.strip_prefix("MemTotal:"))
                .and_then(|v| v.trim().trim_end_matches("kB").trim().parse::<u64>().ok())
        })
        .map(|kb| format!(", {:.1} GiB RAM", kb as f64 / 1024.0 / 1024.0))
        .unwrap_or_default();
    format!(
        "nproc={nproc}, {cpu}{mem}, {} {}",
        std::env::consts::OS,
        std::env::consts::ARCH
    )
}
