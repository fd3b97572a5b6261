//! The benchmark's tables, and the facts printed with them.

use std::path::Path;
use std::time::Duration;

/// One size at one latency: squall and the sequential listing.
pub struct Row {
    pub n: usize,
    pub latency_ms: u64,
    pub squall: Vec<Duration>,
    pub sequential: Vec<Duration>,
    /// For L > 0: requests the proxy saw during this row / calls both sides made.
    pub requests_per_call: Option<f64>,
}

/// One size at one latency: `squall ls queues --json` through the fault proxy, without
/// faults and with a share of SQS requests throttled.
pub struct ThrottleRow {
    pub n: usize,
    pub latency_ms: u64,
    pub throttle_pct: u32,
    pub clean: Vec<Duration>,
    pub throttled: Vec<Duration>,
    /// Queues listed by each throttled run (all of them is the target).
    pub throttled_listed: Vec<usize>,
    /// Exit codes of the throttled runs (0, or 4 when something was missing).
    pub throttled_exit: Vec<i32>,
    /// Throttling errors the proxy answered, per throttled run.
    pub throttled_responses: Vec<u64>,
}

pub fn median(values: &[Duration]) -> Duration {
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

pub fn print_table(rows: &[Row]) {
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
        "proxy requests/call",
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
            row.requests_per_call
                .map_or_else(|| "-".to_string(), |c| format!("{c:.3}")),
        ]);
    }
    print_aligned(&lines);
    println!(
        "(ratio and queues/s from the medians; latency = added per request by the proxy, 0 = \
         direct to LocalStack; proxy requests/call = HTTP requests the proxy saw / calls both \
         sides make, 1.000 = no retries)"
    );
}

pub fn localstack_version() -> String {
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

pub fn machine_facts() -> String {
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

pub fn print_throttle_table(rows: &[ThrottleRow]) {
    let header = [
        "N",
        "latency",
        "throttled",
        "no faults median",
        "throttled median",
        "throttled max",
        "ratio",
        "queues listed (throttled)",
        "exit codes",
        "throttle answers/run",
    ];
    let mut lines = vec![header.map(str::to_string).to_vec()];
    for row in rows {
        let (clean, throttled) = (median(&row.clean), median(&row.throttled));
        let max = row.throttled.iter().copied().max().unwrap_or_default();
        let listed = row
            .throttled_listed
            .iter()
            .map(|l| format!("{l}/{}", row.n))
            .collect::<Vec<_>>()
            .join(" ");
        let exits = row
            .throttled_exit
            .iter()
            .map(i32::to_string)
            .collect::<Vec<_>>()
            .join(" ");
        let answers = row.throttled_responses.iter().sum::<u64>() as f64
            / row.throttled_responses.len().max(1) as f64;
        lines.push(vec![
            row.n.to_string(),
            format!("{} ms", row.latency_ms),
            format!("{}%", row.throttle_pct),
            secs(clean),
            secs(throttled),
            secs(max),
            format!("{:.2}x", throttled.as_secs_f64() / clean.as_secs_f64()),
            listed,
            exits,
            format!("{answers:.0}"),
        ]);
    }
    print_aligned(&lines);
    println!(
        "(both sides through the fault proxy at the same latency; ratio = throttled median / \
         no-faults median; the target is every queue listed, exit 0, ratio under 3x)"
    );
}

fn print_aligned(lines: &[Vec<String>]) {
    let columns = lines.first().map_or(0, Vec::len);
    let widths: Vec<usize> = (0..columns)
        .map(|c| lines.iter().map(|l| l[c].len()).max().unwrap_or(0))
        .collect();
    for line in lines {
        let cells: Vec<String> = line
            .iter()
            .zip(&widths)
            .map(|(cell, w)| format!("{cell:>w$}"))
            .collect();
        println!("{}", cells.join("  "));
    }
}
