//! The benchmark's command line.

pub const USAGE: &str = "\
usage: cargo bench --bench inventory -- [--sizes N[,N...]] [--runs K] [--latency-ms L[,L...]]
                                         [--throttle-pct P] [--seed-concurrency C]

  --sizes            queue counts to measure, ascending; queues are reused (default 1000,5000)
  --runs             timed runs of each side per size and latency, interleaved (default 3)
  --latency-ms       added latency per request in ms, simulating the network distance to AWS;
                     0 talks to LocalStack directly, L > 0 goes through a local proxy that
                     delays each request by L ms (default 0,20)
  --throttle-pct     share of SQS requests the fault proxy answers with a throttling error,
                     for the `ls` under throttling table (default 30; 0 skips that table)
  --seed-concurrency CreateQueue calls in flight while seeding (default 32)";

pub struct Options {
    pub sizes: Vec<usize>,
    pub runs: usize,
    /// Added per-request latency, ascending; 0 means no proxy.
    pub latencies_ms: Vec<u64>,
    /// Percentage of SQS requests throttled in the throttling comparison; 0 skips it.
    pub throttle_pct: u32,
    pub seed_concurrency: usize,
    /// `cargo bench` passes `--bench`; `cargo test --all-targets` does not.
    pub bench_mode: bool,
}

pub fn parse_args(args: impl IntoIterator<Item = String>) -> Result<Options, String> {
    let mut options = Options {
        sizes: vec![1000, 5000],
        runs: 3,
        latencies_ms: vec![0, 20],
        throttle_pct: 30,
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
            "--throttle-pct" => {
                let text = value("--throttle-pct")?;
                options.throttle_pct = match text.trim().parse::<u32>() {
                    Ok(p) if p < 100 => p,
                    _ => {
                        return Err(format!(
                            "--throttle-pct: not a percentage below 100: {text:?}"
                        ));
                    }
                };
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
