//! Queue inventory at scale: `squall ls queues --json` against a plain sequential listing,
//! and `squall ls queues --json` with a share of its SQS calls throttled against none.
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
//! and prints medians, minimums, the ratio sequential/squall and queues per second.
//!
//! Each size is measured at every latency in `--latency-ms` (default 0,20). Latency 0 talks to
//! LocalStack directly. On loopback LocalStack is CPU-bound (about 2 ms of Python per call,
//! under one interpreter lock), so calls in flight at once gain little there. Real AWS is tens of
//! milliseconds of network away, which is what concurrent calls hide. So for a latency L > 0 both
//! sides go through the loopback fault proxy of the tests (`tests/support/fault_proxy.rs`, in
//! this process), which holds every HTTP request L ms before forwarding it to LocalStack, like a
//! round trip of L ms; responses go back without delay, and there is no TLS. The proxy counts
//! the requests it sees, and the table shows requests per call (per run: N GetQueueAttributes
//! plus the ListQueues pages on each side, and squall's one SNS ListSubscriptions): 1.000 means
//! nothing was retried.
//!
//! **Throttling** (`--throttle-pct P`, default 30; 0 skips it): for each size and latency,
//! squall runs `--runs` times through a proxy without faults and through one that answers P% of
//! the SQS requests with SQS's throttling error (seeded), interleaved. The table shows both
//! medians, their ratio, how many queues each throttled run listed, its exit code (4 means
//! something was missing) and the throttling answers per run.
//!
//! It prints figures only: nothing here asserts on a duration.
//!
//! Run it with `scripts/bench-inventory [--sizes 1000,5000] [--runs 3] [--latency-ms 0,20]
//! [--throttle-pct 30]` (installs LocalStack, builds the release binary) or `cargo bench --bench
//! inventory -- [OPTIONS]`. Under `cargo test --all-targets` (no `--bench` argument) it does
//! nothing.

/// The integration tests' emulator harness and loopback fault proxy.
#[path = "../tests/support/mod.rs"]
mod support;

// A crate root looks for modules beside it, so the benchmark's own files say where they are.
#[path = "inventory/options.rs"]
mod options;
#[path = "inventory/report.rs"]
mod report;
#[path = "inventory/seed.rs"]
mod seed;

use std::net::SocketAddr;
use std::path::{Path, PathBuf};
use std::process::{Command, ExitCode, Stdio};
use std::time::{Duration, Instant};

use aws_sdk_sqs::error::DisplayErrorContext;
use aws_sdk_sqs::types::QueueAttributeName;
use tokio::runtime::Runtime;

use options::{Options, USAGE, parse_args};
use report::{
    Row, ThrottleRow, localstack_version, machine_facts, print_table, print_throttle_table,
};
use support::fault_proxy::{FaultProxy, Faults};
use support::{LocalStack, REGION};

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

/// The proxies of one latency: the latency one (for L > 0) and, when throttling is measured,
/// one without faults and one throttling, so each sees only its own runs.
struct Paths {
    latency_ms: u64,
    latency: Option<FaultProxy>,
    clean: Option<FaultProxy>,
    throttling: Option<FaultProxy>,
}

impl Paths {
    fn start(runtime: &Runtime, upstream: SocketAddr, latency_ms: u64, throttle_pct: u32) -> Paths {
        let latency = Duration::from_millis(latency_ms);
        let proxy = |faults: Faults| runtime.block_on(FaultProxy::start(upstream, faults));
        let base = Faults {
            latency,
            ..Faults::default()
        };
        Paths {
            latency_ms,
            latency: (latency_ms > 0).then(|| proxy(base.clone())),
            clean: (throttle_pct > 0).then(|| proxy(base.clone())),
            throttling: (throttle_pct > 0).then(|| {
                proxy(Faults {
                    seed: 30,
                    throttle: f64::from(throttle_pct) / 100.0,
                    ..base.clone()
                })
            }),
        }
    }

    fn shutdown(self, runtime: &Runtime) -> Vec<String> {
        let mut said = Vec::new();
        let ms = self.latency_ms;
        for (what, proxy) in [
            ("latency", self.latency),
            ("no faults", self.clean),
            ("throttling", self.throttling),
        ] {
            if let Some(proxy) = proxy {
                let stats = runtime.block_on(proxy.shutdown());
                said.push(format!(
                    "{ms} ms {what}: {} connections, {} requests, {} throttled",
                    stats.connections, stats.requests, stats.throttled
                ));
            }
        }
        said
    }
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
    let squall_defaults = squall::config::Config::defaults().expect("squall's default settings");

    let started = Instant::now();
    let ls = LocalStack::start();
    let ls_start = started.elapsed();
    let runtime = tokio::runtime::Builder::new_multi_thread()
        .enable_all()
        .build()
        .expect("starting the tokio runtime");
    let seeder = runtime.block_on(ls.sqs());
    let upstream: SocketAddr = ([127, 0, 0, 1], ls.port()).into();
    // The proxies of each latency, for the whole benchmark.
    let paths: Vec<Paths> = options
        .latencies_ms
        .iter()
        .map(|&ms| Paths::start(&runtime, upstream, ms, options.throttle_pct))
        .collect();

    let mut rows = Vec::new();
    let mut throttle_rows = Vec::new();
    let mut seeded = 0usize;
    for &n in &options.sizes {
        let started = Instant::now();
        runtime.block_on(seed::seed(&seeder, seeded, n, options.seed_concurrency));
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
        for path in &paths {
            rows.push(measure_against_sequential(
                options,
                &runtime,
                &ls,
                path,
                n,
                &squall_bin,
                scratch.path(),
            ));
            if let (Some(clean), Some(throttling)) = (&path.clean, &path.throttling) {
                throttle_rows.push(measure_throttling(
                    options,
                    path.latency_ms,
                    (clean, throttling),
                    n,
                    &squall_bin,
                    scratch.path(),
                ));
            }
        }
    }
    drop(seeder);
    let proxied: Vec<String> = paths
        .into_iter()
        .flat_map(|path| path.shutdown(&runtime))
        .collect();
    drop(runtime);

    println!();
    println!(
        "Queue inventory: `squall ls queues --json` (subprocess, squall's default concurrency \
         {}, {} attempts per call) vs a sequential aws-sdk-sqs listing (in process: ListQueues \
         MaxResults=1000 + NextToken, then GetQueueAttributes(All) one queue at a time)",
        squall_defaults.concurrency, squall_defaults.max_attempts
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
    println!(
        "Latency simulates the network distance to real AWS: on loopback LocalStack is \
         CPU-bound (~2 ms of Python per call, one interpreter lock), so concurrency barely helps \
         at 0 ms; at L > 0 both sides go through an in-process HTTP proxy that holds each \
         request L ms before forwarding it to LocalStack, responses undelayed and no TLS, i.e. \
         about one L ms round trip per call."
    );
    if !proxied.is_empty() {
        println!("Proxies (shut down): {}", proxied.join("; "));
    }
    println!();
    print_table(&rows);
    if !throttle_rows.is_empty() {
        println!();
        println!(
            "`squall ls queues --json` with {}% of SQS requests throttled (SQS's \
             RequestThrottled, seeded) vs none, through the same proxy:",
            options.throttle_pct
        );
        print_throttle_table(&throttle_rows);
    }

    ls.stop();
    println!();
    println!(
        "LocalStack stopped. Total benchmark time: {:.1} s",
        total.elapsed().as_secs_f64()
    );
}

/// squall against the sequential listing, `runs` times each, interleaved, at one latency.
fn measure_against_sequential(
    options: &Options,
    runtime: &Runtime,
    ls: &LocalStack,
    path: &Paths,
    n: usize,
    squall_bin: &Path,
    scratch: &Path,
) -> Row {
    let proxy = path.latency.as_ref();
    let endpoint = proxy.map_or_else(|| ls.endpoint(), FaultProxy::endpoint);
    let requests_before = proxy.map(|p| p.stats().requests);
    let latency_ms = path.latency_ms;
    let mut row = Row {
        n,
        latency_ms,
        squall: Vec::new(),
        sequential: Vec::new(),
        requests_per_call: None,
    };
    for run in 1..=options.runs {
        let squall = run_squall(squall_bin, &endpoint, scratch);
        assert!(
            squall.exit == 0 && squall.listed == n,
            "squall ls queues --json via {endpoint} printed {} queues (exit {}), LocalStack has {n}",
            squall.listed,
            squall.exit
        );
        row.squall.push(squall.took);
        let (took_seq, described) = runtime.block_on(sequential(ls, &endpoint));
        assert_eq!(
            described, n,
            "the sequential listing via {endpoint} described {described} queues, LocalStack has {n}"
        );
        row.sequential.push(took_seq);
        println!(
            "N={n} latency {latency_ms} ms run {run}/{}: squall {:.3} s, sequential {:.3} s",
            options.runs,
            squall.took.as_secs_f64(),
            took_seq.as_secs_f64()
        );
    }
    if let (Some(proxy), Some(before)) = (proxy, requests_before) {
        // Per run and side: every ListQueues page, then one GetQueueAttributes per queue;
        // squall also loads subscriptions (`ls queues` counts subscription DLQs), one SNS
        // ListSubscriptions page here since the benchmark creates none.
        let calls = options.runs * (2 * (n + n.div_ceil(1000)) + 1);
        row.requests_per_call = Some((proxy.stats().requests - before) as f64 / calls as f64);
    }
    row
}

/// squall without faults and with throttling, `runs` times each, interleaved.
fn measure_throttling(
    options: &Options,
    latency_ms: u64,
    (clean, throttling): (&FaultProxy, &FaultProxy),
    n: usize,
    squall_bin: &Path,
    scratch: &Path,
) -> ThrottleRow {
    let mut row = ThrottleRow {
        n,
        latency_ms,
        throttle_pct: options.throttle_pct,
        clean: Vec::new(),
        throttled: Vec::new(),
        throttled_listed: Vec::new(),
        throttled_exit: Vec::new(),
        throttled_responses: Vec::new(),
    };
    for run in 1..=options.runs {
        let no_faults = run_squall(squall_bin, &clean.endpoint(), scratch);
        assert!(
            no_faults.exit == 0 && no_faults.listed == n,
            "squall without faults printed {} of {n} queues (exit {})",
            no_faults.listed,
            no_faults.exit
        );
        row.clean.push(no_faults.took);
        let before = throttling.stats().throttled;
        let throttled = run_squall(squall_bin, &throttling.endpoint(), scratch);
        let answers = throttling.stats().throttled - before;
        println!(
            "N={n} latency {latency_ms} ms run {run}/{}: no faults {:.3} s; {}% throttled {:.3} s \
             ({answers} throttling answers, {} of {n} queues, exit {})",
            options.runs,
            no_faults.took.as_secs_f64(),
            options.throttle_pct,
            throttled.took.as_secs_f64(),
            throttled.listed,
            throttled.exit
        );
        row.throttled.push(throttled.took);
        row.throttled_listed.push(throttled.listed);
        row.throttled_exit.push(throttled.exit);
        row.throttled_responses.push(answers);
    }
    row
}

// ---------------------------------------------------------------------------------------------
// Listing

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

/// One `squall ls queues --json` run.
struct SquallRun {
    took: Duration,
    /// Length of the JSON array on stdout.
    listed: usize,
    /// 0, or 4 when something was missing (named on stderr).
    exit: i32,
}

/// Runs `squall ls queues --json` once. Exit 0 and 4 (incomplete) still print a JSON array;
/// anything else fails the benchmark.
fn run_squall(bin: &Path, endpoint: &str, scratch: &Path) -> SquallRun {
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
    let exit = output.status.code().unwrap_or(-1);
    assert!(
        exit == 0 || exit == 4,
        "squall ls queues --json failed ({}):\n{stderr}",
        output.status
    );
    if !stderr.trim().is_empty() {
        let lines: Vec<&str> = stderr.lines().collect();
        eprintln!(
            "squall stderr ({} lines): {}",
            lines.len(),
            lines
                .iter()
                .take(5)
                .copied()
                .collect::<Vec<_>>()
                .join("\n  ")
        );
    }
    let rows: Vec<serde_json::Value> = serde_json::from_slice(&output.stdout)
        .expect("squall ls queues --json prints a JSON array");
    SquallRun {
        took,
        listed: rows.len(),
        exit,
    }
}

/// The plain way: one client (talking to `endpoint`, LocalStack or the proxy in front of it),
/// all ListQueues pages, then GetQueueAttributes(All) strictly one queue at a time. Returns the
/// wall time (client construction included) and how many queues were described.
async fn sequential(ls: &LocalStack, endpoint: &str) -> (Duration, usize) {
    let started = Instant::now();
    let sdk_config = ls.sdk_config().await;
    let sqs = aws_sdk_sqs::Client::from_conf(
        aws_sdk_sqs::config::Builder::from(&sdk_config)
            .endpoint_url(endpoint)
            .build(),
    );
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
