//! Command-line interface: global flags and the non-interactive subcommands.

use std::path::PathBuf;

use clap::{Parser, Subcommand, ValueEnum};

#[derive(Debug, Parser)]
#[command(
    name = "squall",
    version,
    about = "Terminal operations console for AWS fan-out: SNS topics, SQS queues, DLQs, Lambda consumers",
    long_about = "Terminal operations console for AWS fan-out systems: SNS topics → subscriptions → \
SQS queues → dead-letter queues → Lambda consumers.\n\nWith no subcommand, squall opens the \
interactive console. Credentials and region come from the AWS default chain (environment, \
profiles, SSO, instance roles)."
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

    /// With --demo: the simulated world's seed (the same seed gives the same world)
    #[arg(long, global = true, value_name = "N", default_value_t = crate::sim::DEFAULT_SEED)]
    pub seed: u64,

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
