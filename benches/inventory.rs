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
//! Each size is measured at every latency in `--latency-ms` (default 0,20). Latency 0 talks to
//! LocalStack directly. On loopback LocalStack is CPU-bound (about 2 ms of Python per call,
//! under one interpreter lock), so calls in flight at once gain little there. Real AWS is tens of
//! milliseconds of network away, which is what concurrent calls hide. So for a latency L > 0 both
//! sides go through an in-process TCP proxy (127.0.0.1, an ephemeral port) that holds every chunk
//! it reads from a client for L ms before writing it to LocalStack. An HTTP/1.1 request is small
//! and written at once, so one chunk is about one request: each call gets about L ms more, like
//! a round trip of L ms. Responses go back without delay, and there is no TLS. The proxy counts
//! the chunks it delays, and the table shows chunks per call (per run: N GetQueueAttributes plus
//! the ListQueues pages on each side, and squall's one SNS ListSubscriptions), so it shows how
//! close "one chunk per request" holds.
//!
//! Run it with `scripts/bench-inventory [--sizes 1000,5000] [--runs 3] [--latency-ms 0,20]`
//! (installs LocalStack, builds the release binary) or `cargo bench --bench inventory --
//! [OPTIONS]`. Under `cargo test --all-targets` (no `--bench` argument) it does nothing.

/// The integration tests' emulator harness.
#[path = "../tests/support/mod.rs"]
mod support;

use std::net::SocketAddr;
use std::path::{Path, PathBuf};
use std::process::{Command, ExitCode, Stdio};
use std::sync::Arc;
use std::sync::atomic::{AtomicU64, AtomicUsize, Ordering};
use std::time::{Duration, Instant};

use aws_sdk_sqs::error::DisplayErrorContext;
use aws_sdk_sqs::types::QueueAttributeName;
use futures::StreamExt;
use tokio::io::{AsyncReadExt, AsyncWriteExt};
use tokio::net::{TcpListener, TcpStream};
use tokio::sync::oneshot;
use tokio::task::{JoinHandle, JoinSet};

use support::{ACCOUNT_ID, LocalStack, REGION};

const USAGE: &str = "\
usage: cargo bench --bench inventory -- [--sizes N[,N...]] [--runs K] [--latency-ms L[,L...]]
                                         [--seed-concurrency C]

  --sizes            queue counts to measure, ascending; queues are reused (default 1000,5000)
  --runs             timed runs of each side per size and latency, interleaved (default 3)
  --latency-ms       added latency per request in ms, simulating the network distance to AWS;
                     0 talks to LocalStack directly, L > 0 goes through a local proxy that
                     delays each request by L ms (default 0,20)
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
    /// Added per-request latency, ascending; 0 means no proxy.
    latencies_ms: Vec<u64>,
    seed_concurrency: usize,
    /// `cargo bench` passes `--bench`; `cargo test --all-targets` does not.
    bench_mode: bool,
}

fn parse_args(args: impl IntoIterator<Item = String>) -> Result<Options, String> {
    let mut options = Options {
        sizes: vec![1000, 5000],
        runs: 3,
        latencies_ms: vec![0, 20],
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
            "--latency-ms" => {
                let text = value("--latency-ms")?;
                let mut latencies = text
                    .split(',')
                    .map(|s| s.trim().replace('_', ""))
                    .map(|s| {
                        s.parse::<u64>()
                            .map_err(|_| format!("--latency-ms: not a whole number: {s:?}"))
                    })
                    .collect::<Result<Vec<_>, _>>()?;
                latencies.sort_unstable();
                latencies.dedup();
                options.latencies_ms = latencies;
            }
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
    latency_ms: u64,
    squall: Vec<Duration>,
    sequential: Vec<Duration>,
    /// For L > 0: chunks the proxy delayed during this row / calls both sides made.
    chunks_per_call: Option<f64>,
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
    let upstream: SocketAddr = ([127, 0, 0, 1], ls.port()).into();
    // One proxy per latency > 0, for the whole benchmark; `None` is the direct path.
    let paths: Vec<(u64, Option<Proxy>)> = options
        .latencies_ms
        .iter()
        .map(|&ms| {
            let proxy = (ms > 0)
                .then(|| runtime.block_on(Proxy::start(upstream, Duration::from_millis(ms))));
            (ms, proxy)
        })
        .collect();

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

        for (latency_ms, proxy) in &paths {
            let endpoint = proxy
                .as_ref()
                .map_or_else(|| ls.endpoint(), Proxy::endpoint);
            let chunks_before = proxy.as_ref().map(Proxy::chunks);
            let mut row = Row {
                n,
                latency_ms: *latency_ms,
                squall: Vec::new(),
                sequential: Vec::new(),
                chunks_per_call: None,
            };
            for run in 1..=options.runs {
                let (took, listed) = run_squall(&squall_bin, &endpoint, scratch.path());
                assert_eq!(
                    listed, expected,
                    "squall ls queues --json via {endpoint} printed {listed} queues, \
                     LocalStack has {expected}"
                );
                row.squall.push(took);
                let (took_seq, described) = runtime.block_on(sequential(&ls, &endpoint));
                assert_eq!(
                    described, expected,
                    "the sequential listing via {endpoint} described {described} queues, \
                     LocalStack has {expected}"
                );
                row.sequential.push(took_seq);
                println!(
                    "N={n} latency {latency_ms} ms run {run}/{}: squall {:.3} s, \
                     sequential {:.3} s",
                    options.runs,
                    took.as_secs_f64(),
                    took_seq.as_secs_f64()
                );
            }
            if let (Some(proxy), Some(before)) = (proxy, chunks_before) {
                // Per run and side: every ListQueues page, then one GetQueueAttributes per queue;
                // squall also loads subscriptions (`ls queues` counts subscription DLQs), one
                // SNS ListSubscriptions page here since the benchmark creates none.
                let calls = options.runs * (2 * (n + n.div_ceil(1000)) + 1);
                row.chunks_per_call = Some((proxy.chunks() - before) as f64 / calls as f64);
            }
            rows.push(row);
        }
    }
    drop(seeder);
    let mut proxied = Vec::new();
    for (ms, proxy) in paths {
        if let Some(proxy) = proxy {
            let (connections, chunks) = runtime.block_on(proxy.shutdown());
            proxied.push(format!(
                "{ms} ms: {connections} connections, {chunks} chunks delayed"
            ));
        }
    }
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
    println!(
        "Latency simulates the network distance to real AWS: on loopback LocalStack is \
         CPU-bound (~2 ms of Python per call, one interpreter lock), so concurrency barely helps \
         at 0 ms; at L > 0 both sides go through an in-process TCP proxy that holds each request \
         (each client->server read chunk) L ms before forwarding it to LocalStack, responses \
         undelayed and no TLS, i.e. about one L ms round trip per call."
    );
    if !proxied.is_empty() {
        println!("Proxies (shut down): {}", proxied.join("; "));
    }
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
        support::set_redrive(sqs, url, &dlq_arn, 5).await;
    })
    .await;

    futures::stream::iter(
        urls.iter()
            .filter(|(i, _)| i.is_multiple_of(MESSAGES_EVERY)),
    )
    .for_each_concurrent(concurrency, |(_, url)| async move {
        support::send_messages(sqs, url, MESSAGES_PER_QUEUE).await;
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

// ---------------------------------------------------------------------------------------------
// Latency proxy

/// A TCP proxy on 127.0.0.1 (ephemeral port) in front of `upstream`: for every accepted
/// connection it opens one to `upstream` and runs one task per direction. Client to server, each
/// chunk read is held `delay` before it is written on; server to client is a plain copy.
struct Proxy {
    addr: SocketAddr,
    chunks: Arc<AtomicU64>,
    stop: oneshot::Sender<()>,
    /// The accept loop; returns how many connections it accepted.
    accept: JoinHandle<u64>,
}

impl Proxy {
    async fn start(upstream: SocketAddr, delay: Duration) -> Proxy {
        let listener = TcpListener::bind(("127.0.0.1", 0))
            .await
            .expect("binding the latency proxy");
        let addr = listener.local_addr().expect("the latency proxy's address");
        let chunks = Arc::new(AtomicU64::new(0));
        let (stop, stopped) = oneshot::channel();
        let accept = tokio::spawn(accept_loop(
            listener,
            upstream,
            delay,
            Arc::clone(&chunks),
            stopped,
        ));
        Proxy {
            addr,
            chunks,
            stop,
            accept,
        }
    }

    fn endpoint(&self) -> String {
        format!("http://{}", self.addr)
    }

    /// Client->server chunks delayed so far.
    fn chunks(&self) -> u64 {
        self.chunks.load(Ordering::Relaxed)
    }

    /// Stops accepting, aborts the connections still open and waits for all of it; returns the
    /// connections accepted and the chunks delayed.
    async fn shutdown(self) -> (u64, u64) {
        // The accept loop only ends on this signal, so the receiver is still there.
        let _ = self.stop.send(());
        let connections = self.accept.await.expect("the latency proxy's accept loop");
        (connections, self.chunks.load(Ordering::Relaxed))
    }
}

async fn accept_loop(
    listener: TcpListener,
    upstream: SocketAddr,
    delay: Duration,
    chunks: Arc<AtomicU64>,
    mut stopped: oneshot::Receiver<()>,
) -> u64 {
    let mut tasks = JoinSet::new();
    let mut connections = 0u64;
    loop {
        tokio::select! {
            _ = &mut stopped => break,
            // Reap finished copies so the set stays small.
            Some(_) = tasks.join_next(), if !tasks.is_empty() => {}
            accepted = listener.accept() => {
                let client = match accepted {
                    Ok((client, _)) => client,
                    Err(e) => {
                        eprintln!("latency proxy: accept: {e}");
                        continue;
                    }
                };
                let server = match TcpStream::connect(upstream).await {
                    Ok(server) => server,
                    Err(e) => {
                        eprintln!("latency proxy: connecting to {upstream}: {e}");
                        continue;
                    }
                };
                connections += 1;
                // Small requests and responses: no Nagle on either leg.
                let _ = client.set_nodelay(true);
                let _ = server.set_nodelay(true);
                let (client_read, client_write) = client.into_split();
                let (server_read, server_write) = server.into_split();
                tasks.spawn(forward_delayed(client_read, server_write, delay, Arc::clone(&chunks)));
                tasks.spawn(forward(server_read, client_write));
            }
        }
    }
    drop(listener);
    // Aborts whatever is still open (idle keep-alive connections) and waits for it.
    tasks.shutdown().await;
    connections
}

/// Client to server: read a chunk, wait `delay`, write it, until EOF; then half-close upstream.
async fn forward_delayed(
    mut from: tokio::net::tcp::OwnedReadHalf,
    mut to: tokio::net::tcp::OwnedWriteHalf,
    delay: Duration,
    chunks: Arc<AtomicU64>,
) {
    let mut buf = vec![0u8; 64 * 1024];
    loop {
        let n = match from.read(&mut buf).await {
            Ok(0) | Err(_) => break,
            Ok(n) => n,
        };
        tokio::time::sleep(delay).await;
        if to.write_all(&buf[..n]).await.is_err() {
            return;
        }
        chunks.fetch_add(1, Ordering::Relaxed);
    }
    let _ = to.shutdown().await;
}

/// Server to client, undelayed; then half-close towards the client.
async fn forward(
    mut from: tokio::net::tcp::OwnedReadHalf,
    mut to: tokio::net::tcp::OwnedWriteHalf,
) {
    if tokio::io::copy(&mut from, &mut to).await.is_ok() {
        let _ = to.shutdown().await;
    }
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
        "latency",
        "squall median",
        "squall min",
        "sequential median",
        "sequential min",
        "ratio seq/squall",
        "squall queues/s",
        "sequential queues/s",
        "proxy chunks/call",
    ];
    let mut lines = vec![header.map(str::to_string).to_vec()];
    for row in rows {
        let (sq_med, seq_med) = (median(&row.squall), median(&row.sequential));
        let per_sec = |d: Duration| format!("{:.0}", row.n as f64 / d.as_secs_f64());
        lines.push(vec![
            row.n.to_string(),
            format!("{} ms", row.latency_ms),
            secs(sq_med),
            secs(min(&row.squall)),
            secs(seq_med),
            secs(min(&row.sequential)),
            format!("{:.2}x", seq_med.as_secs_f64() / sq_med.as_secs_f64()),
            per_sec(sq_med),
            per_sec(seq_med),
            row.chunks_per_call
                .map_or_else(|| "-".to_string(), |c| format!("{c:.3}")),
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
    println!(
        "(ratio and queues/s from the medians; latency = added per request by the proxy, 0 = \
         direct to LocalStack; proxy chunks/call = client->server chunks delayed / calls made, \
         1.000 = exactly one delay per request)"
    );
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
