//! Command-line interface: global flags and the non-interactive subcommands.

use std::path::PathBuf;

use clap::{Parser, Subcommand, ValueEnum};

/// How squall exits, for scripts (listed in `--help` and the README).
pub mod exit_code {
    /// Everything asked for was done or printed.
    pub const OK: u8 = 0;
    /// It failed: bad input, no credentials, the main listing failed.
    pub const FAILED: u8 = 1;
    /// The command line itself was wrong (clap's own code).
    pub const USAGE: u8 = 2;
    /// A change was refused because squall is read-only here.
    pub const READ_ONLY: u8 = 3;
    /// The output is incomplete: something could not be read even after retries; stderr
    /// says what.
    pub const INCOMPLETE: u8 = 4;
}

const EXIT_CODES: &str = "\
Exit codes:
  0  ok
  1  failed (bad input, no credentials or region, the listing itself failed)
  2  usage error (unknown flag or value)
  3  refused: squall is read-only here and the command would change something
  4  incomplete: printed what could be read; something could not be read even after
     retries, and stderr names each missing item (JSON lines with --json)";

#[derive(Debug, Parser)]
#[command(
    name = "squall",
    version,
    about = "Terminal operations console for AWS fan-out: SNS topics, SQS queues, DLQs, Lambda consumers",
    long_about = "Terminal operations console for AWS fan-out systems: SNS topics → subscriptions → \
SQS queues → dead-letter queues → Lambda consumers.\n\nWith no subcommand, squall opens the \
interactive console. Credentials and region come from the AWS default chain (environment, \
profiles, SSO, instance roles).",
    after_help = EXIT_CODES
)]
pub struct Cli {
    /// AWS profile from ~/.aws/config (default: AWS_PROFILE, then "default")
    #[arg(long, global = true, env = "AWS_PROFILE", value_name = "NAME")]
    pub profile: Option<String>,

    /// AWS region (default: AWS_REGION, then the profile's region)
    #[arg(long, global = true, value_name = "REGION")]
    pub region: Option<String>,

    /// Send every AWS call to this endpoint (LocalStack, moto, a VPC endpoint)
    #[arg(long, global = true, env = "AWS_ENDPOINT_URL", value_name = "URL")]
    pub endpoint_url: Option<String>,

    /// Disable every action that changes anything (redrive, purge, send, delete)
    #[arg(long, global = true)]
    pub read_only: bool,

    /// Run on a simulated fleet: no AWS account or network needed
    #[arg(long, global = true)]
    pub demo: bool,

    /// Settings file laid over the defaults (default: ~/.config/squall/config.toml)
    #[arg(long, global = true, value_name = "FILE")]
    pub config: Option<PathBuf>,

    /// Write a debug log to FILE (never to the terminal)
    #[arg(long, global = true, value_name = "FILE")]
    pub log_file: Option<PathBuf>,

    #[command(subcommand)]
    pub command: Option<Command>,
}

#[derive(Debug, Subcommand)]
pub enum Command {
    /// List resources and exit (a table, or JSON with --json)
    Ls {
        #[arg(value_enum)]
        what: ListKind,
        /// Print a JSON array instead of a table
        #[arg(long)]
        json: bool,
    },
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, ValueEnum)]
pub enum ListKind {
    Queues,
    /// Only dead-letter queues
    Dlq,
    Topics,
    #[value(alias = "subs")]
    Subscriptions,
    #[value(alias = "functions")]
    Lambdas,
    /// Topic → subscription → queue → DLQ and consumers
    Topology,
}
