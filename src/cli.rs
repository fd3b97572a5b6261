//! Command-line interface: global flags and the non-interactive subcommands.

use std::path::PathBuf;

use clap::{ArgGroup, Args, Parser, Subcommand, ValueEnum};

/// How squall exits, for scripts (listed in `--help` and the README).
const EXIT_CODES: &str = "\
Exit codes:
  0  ok
  1  failed (bad input, no credentials or region, the listing itself failed)
  2  usage error (unknown flag or value)
  3  refused: squall is read-only here and the command would change something
  4  incomplete: printed what could be read; something could not be read even after
     retries, and stderr names each missing item (JSON lines with --json)
With several contexts (--profiles, --regions, [fleet]): the worst of the contexts, a
context that could not be read counting as 4.";

#[derive(Debug, Parser)]
#[command(
    name = "squall",
    version,
    about = "Terminal operations console for AWS fan-out: SNS topics, SQS queues, DLQs, Lambda consumers",
    long_about = "Terminal operations console for AWS fan-out systems: SNS topics → subscriptions → \
SQS queues → dead-letter queues → Lambda consumers.\n\nWith no subcommand, squall opens the \
interactive console. Credentials and region come from the AWS default chain (environment, \
profiles, SSO, instance roles).",
    after_help = EXIT_CODES, next_help_heading = "Global options"
)]
pub struct Cli {
    /// AWS profile from ~/.aws/config (default: AWS_PROFILE, then "default")
    #[arg(long, global = true, env = "AWS_PROFILE", value_name = "NAME")]
    pub profile: Option<String>,

    /// AWS region (default: AWS_REGION, then the profile's region)
    #[arg(long, global = true, value_name = "REGION")]
    pub region: Option<String>,

    /// Several profiles at once (comma-separated): each with every region of --regions, or
    /// with --region / its own region (the fleet)
    #[arg(long, global = true, value_name = "P1,P2", value_delimiter = ',')]
    pub profiles: Vec<String>,

    /// Several regions at once (comma-separated): each with every profile of --profiles,
    /// or with --profile / the default profile (the fleet)
    #[arg(long, global = true, value_name = "R1,R2", value_delimiter = ',')]
    pub regions: Vec<String>,

    /// Send every AWS call to this endpoint (LocalStack, moto, a VPC endpoint)
    // Its value stays out of --help: it can carry a password.
    #[arg(long, global = true, env = "AWS_ENDPOINT_URL", hide_env_values = true)]
    pub endpoint_url: Option<String>,

    /// Disable every action that changes anything (redrive, purge, send, delete)
    #[arg(long, global = true)]
    pub read_only: bool,

    /// Run on a simulated fleet: no AWS account or network needed
    #[arg(long, global = true)]
    pub demo: bool,

    /// With --demo: the simulated world's seed (the same seed gives the same world; without
    /// it, the demo's own)
    #[arg(long, global = true, value_name = "N")]
    pub seed: Option<u64>,

    /// With --demo: seconds from the start until the shipping incident begins (hidden: for
    /// screenshots and tests)
    #[arg(
        long,
        global = true,
        hide = true,
        value_name = "S",
        env = "SQUALL_DEMO_INCIDENT_AFTER_S"
    )]
    pub demo_incident_after_s: Option<u64>,

    /// With --demo: open this many seconds (at most 600) into the demo's story, simulated at
    /// start (hidden: for screenshots and tests)
    #[arg(
        long,
        global = true,
        hide = true,
        value_name = "S",
        env = "SQUALL_DEMO_SKIP_S",
        default_value_t = 0
    )]
    pub demo_skip_s: u64,

    /// Settings file laid over the defaults (default: ~/.config/squall/config.toml)
    #[arg(long, global = true, value_name = "FILE")]
    pub config: Option<PathBuf>,

    /// Draw charts and borders in ASCII (terminals that show braille as boxes)
    #[arg(long, global = true)]
    pub ascii: bool,

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
    /// Peek at a queue's messages: a sample, never a listing; nothing is deleted
    #[command(after_help = PEEK_HELP)]
    Peek(PeekArgs),
    /// Export a queue's messages as NDJSON (a sweep: nothing is deleted)
    #[command(after_help = EXPORT_HELP)]
    Export(ExportArgs),
    /// Send messages to a queue, from arguments or an exported NDJSON file
    #[command(after_help = SEND_HELP)]
    Send(SendArgs),
    /// Publish a message to an SNS topic
    #[command(after_help = PUBLISH_HELP)]
    Publish(PublishArgs),
    /// Delete every message in a queue (needs --yes)
    #[command(after_help = PURGE_HELP)]
    Purge(PurgeArgs),
    /// Move a DLQ's messages back to their source queues (or --to a queue); needs --yes
    #[command(after_help = crate::cli_help::REDRIVE_HELP)]
    Redrive(RedriveArgs),
    /// The Lambda consumers' CloudWatch Logs of a function, queue, DLQ or topic: lines, a
    /// message's invocations (--message-id), error signatures (--errors)
    #[command(after_help = crate::commands::logs::LOGS_HELP)]
    Logs(crate::commands::logs::LogsArgs),
    /// Chart a queue (with its DLQ and consumers), a topic or a function from CloudWatch
    #[command(after_help = METRICS_HELP)]
    Metrics(MetricsArgs),
    /// Print a shell completion script (bash, zsh, fish, elvish, powershell) to stdout
    #[command(after_help = COMPLETIONS_HELP)]
    Completions {
        #[arg(value_enum)]
        shell: clap_complete::Shell,
    },
    /// The live problems of the health board (what is burning now), worst first
    #[command(after_help = HEALTH_HELP)]
    Health(HealthArgs),
    /// Check the fan-out's configuration against what AWS documents (exit 0 clean, 1
    /// warnings, 2 errors)
    #[command(after_help = DOCTOR_HELP)]
    Doctor(DoctorArgs),
    /// Print the IAM policy squall needs (read-only, or --operator), to paste into IAM
    IamPolicy(crate::commands::iam_policy::IamPolicyArgs),
    /// Who these credentials are, and what squall can do with them here
    Whoami(crate::commands::whoami::WhoamiArgs),
}

const DOCTOR_HELP: &str = "\
Findings are computed from one discovery (queues with all attributes, topics, subscriptions,
event source mappings, functions); no other call is made. Each has a rule id, a severity,
the resources (ARNs), what goes wrong in an incident, the fix, and the AWS page it comes from.

Exit codes:
  0  no finding at or above --severity
  1  warnings (and no error)
  2  errors
  4  no finding, but part of the inventory could not be read (stderr names it)";

#[derive(Debug, Args)]
pub struct DoctorArgs {
    /// Print a JSON array of {rule, severity, resources, message, fix, docs}
    #[arg(long)]
    pub json: bool,
    /// Show only findings at least this severe
    #[arg(long, value_enum, default_value_t = SeverityArg::Info, value_name = "LEVEL")]
    pub severity: SeverityArg,
}

/// `--severity` of `squall doctor` (`min()` is in src/commands/doctor.rs).
#[derive(Debug, Clone, Copy, PartialEq, Eq, ValueEnum)]
pub enum SeverityArg {
    Info,
    Warning,
    Error,
}

const COMPLETIONS_HELP: &str = "\
Install, for example:
  bash:  squall completions bash > ~/.local/share/bash-completion/completions/squall
  zsh:   squall completions zsh > \"${fpath[1]}/_squall\"
  fish:  squall completions fish > ~/.config/fish/completions/squall.fish";

const PEEK_HELP: &str = "\
SQS has no true peek: every receive raises the message's receive count toward the queue's
maxReceiveCount and hides it from consumers until squall makes it visible again. Up to 10
messages is a sample (visible again right after reading); more is a sweep (held until the
end, then all made visible again, also on Ctrl-C or an error), up to messages.sweep_cap.
On a queue with a redrive policy a peek needs --yes.

Exit codes:
  0    done
  1    failed (the queue was not found, AWS refused or could not be reached)
  2    usage error
  4    incomplete: a receive failed after some messages were read (those are printed),
       or a FIFO sweep could not reach the later messages of the groups it held (said)
  5    refused: the queue has a redrive policy and --yes was not given (nothing was read)
  130  cancelled (Ctrl-C): what was read is printed and visible again";

const EXPORT_HELP: &str = "\
One JSON object per line: body (exact), message_attributes (binary as base64), attributes
(system), message_id, md5_of_body, receive_count, sent_at, and an sns object when the body
is an SNS envelope. A sweep like `peek -n N`: receive counts rise by 1, nothing is deleted,
every message read is made visible again at the end. `squall send QUEUE --from FILE` replays
the file.

Exit codes:
  0    done
  1    failed (the queue was not found, AWS refused, the file exists or cannot be written)
  2    usage error
  4    incomplete: a receive failed after some messages were exported, or a FIFO
       sweep could not reach the later messages of the groups it held (stderr says how many)
  5    refused: the queue has a redrive policy and --yes was not given (nothing was read)
  130  cancelled (Ctrl-C): the file holds what was read, all visible again";

const SEND_HELP: &str = "\
--attr NAME=VALUE sends a String attribute; NAME:Number=12, NAME:Binary=<base64> and
NAME:String.label=VALUE set the type. With --from, each line's body, attributes and trace
header are sent; on a FIFO queue each line keeps its message group (--group-id for lines
without one) and gets a deduplication id stable per line, so a second run within five
minutes sends nothing twice. Every line is checked first: a bad line sends nothing.
A batch whose answer was lost is sent again and counted (\"duplicates suspected\" on
stderr); a message no answer ever came back for is listed \"possibly sent\".

Exit codes:
  0    every message was sent
  1    failed: bad input (nothing sent), or some messages were not sent or possibly sent
       (listed on stderr)
  2    usage error
  3    refused: squall is read-only here (--read-only or config); nothing was sent
  130  cancelled (Ctrl-C): stderr says how many were sent";

const PUBLISH_HELP: &str = "\
--attr as for `squall send`. A FIFO topic needs --group-id, and --dedup-id unless it has
content-based deduplication.

Exit codes:
  0  published
  1  failed (topic not found, bad input, AWS refused)
  2  usage error
  3  refused: squall is read-only here (--read-only or config); nothing was published";

const PURGE_HELP: &str = "\
PurgeQueue deletes every message in the queue, in flight and delayed ones too; it cannot be
undone. Without --yes squall only says what would be lost.

Exit codes:
  0  purged
  1  failed (queue not found, AWS refused)
  2  usage error
  3  refused: squall is read-only here (--read-only or config); nothing was deleted
  5  refused: --yes was not given; nothing was deleted";

#[derive(Debug, Args)]
pub struct PeekArgs {
    /// Queue name, URL or ARN
    pub queue: String,
    /// How many messages: up to 10 is a sample, more is a sweep (up to messages.sweep_cap)
    #[arg(short = 'n', long = "count", default_value_t = 10, value_name = "N")]
    pub count: usize,
    /// Print a JSON array (body exact, every attribute, the SNS envelope's fields)
    #[arg(long)]
    pub json: bool,
    /// Peek although the queue has a redrive policy (receives count toward maxReceiveCount)
    #[arg(long)]
    pub yes: bool,
}

#[derive(Debug, Args)]
pub struct ExportArgs {
    /// Queue name, URL or ARN
    pub queue: String,
    /// Where to write the NDJSON: a new file, or - for stdout
    #[arg(long, value_name = "FILE|-")]
    pub out: PathBuf,
    /// Export at most N messages (default and maximum: messages.sweep_cap)
    #[arg(short = 'n', long = "max", value_name = "N")]
    pub max: Option<usize>,
    /// Export although the queue has a redrive policy (receives count toward maxReceiveCount)
    #[arg(long)]
    pub yes: bool,
}

#[derive(Debug, Args)]
#[command(group(ArgGroup::new("source").required(true).args(["body", "body_file", "from"])))]
pub struct SendArgs {
    /// Queue name, URL or ARN
    pub queue: String,
    /// The message body
    #[arg(long, value_name = "TEXT")]
    pub body: Option<String>,
    /// Read the body from a file (- for stdin)
    #[arg(long, value_name = "FILE")]
    pub body_file: Option<PathBuf>,
    /// Replay an NDJSON export (`squall export`), one message per line
    #[arg(long, value_name = "FILE.ndjson")]
    pub from: Option<PathBuf>,
    /// A message attribute: NAME=VALUE or NAME:TYPE=VALUE (repeatable)
    #[arg(long = "attr", value_name = "NAME[:TYPE]=VALUE")]
    pub attributes: Vec<String>,
    /// FIFO message group (with --from: for lines that carry none)
    #[arg(long, value_name = "ID")]
    pub group_id: Option<String>,
    /// FIFO deduplication id (not with --from: each line gets its own)
    #[arg(long, value_name = "ID", conflicts_with = "from")]
    pub dedup_id: Option<String>,
    /// Deliver after this many seconds (0-900; standard queues only)
    #[arg(long, value_name = "SECONDS")]
    pub delay: Option<u32>,
}

#[derive(Debug, Args)]
pub struct PublishArgs {
    /// Topic name or ARN
    pub topic: String,
    /// The message
    #[arg(long, value_name = "TEXT")]
    pub message: String,
    /// A message attribute: NAME=VALUE or NAME:TYPE=VALUE (repeatable)
    #[arg(long = "attr", value_name = "NAME[:TYPE]=VALUE")]
    pub attributes: Vec<String>,
    /// FIFO message group
    #[arg(long, value_name = "ID")]
    pub group_id: Option<String>,
    /// FIFO deduplication id
    #[arg(long, value_name = "ID")]
    pub dedup_id: Option<String>,
    /// Subject (email endpoints show it; SQS gets it in the envelope)
    #[arg(long, value_name = "TEXT")]
    pub subject: Option<String>,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, ValueEnum)]
pub enum RedriveMode {
    Auto,
    Native,
    Manual,
}

#[derive(Debug, Args)]
#[command(group(ArgGroup::new("act").args(["dry_run", "show_journal", "cancel", "prune_journals"]).multiple(false)))]
pub struct RedriveArgs {
    /// The dead-letter queue: name, URL or ARN (not needed with --journal or --resume)
    #[arg(required_unless_present_any = ["show_journal", "resume", "prune_journals"])]
    pub dlq: Option<String>,
    /// Send every message to this queue instead of back to its source
    #[arg(long, value_name = "QUEUE")]
    pub to: Option<String>,
    #[arg(long, value_enum, default_value_t = RedriveMode::Auto)]
    pub mode: RedriveMode,
    /// Messages per second (native: at most 500)
    #[arg(long, value_name = "N", value_parser = clap::value_parser!(u32).range(1..))]
    pub rate: Option<u32>,
    /// Move at most N messages (manual mode)
    #[arg(long, value_name = "N", value_parser = clap::value_parser!(u64).range(1..))]
    pub limit: Option<u64>,
    /// Move only matching messages (manual mode): /REGEX/, attr.NAME == "V", .a.b == V, text
    #[arg(long, value_name = "EXPR")]
    pub filter: Option<String>,
    /// Only messages first sent longer ago than this (e.g. 2h, 30m)
    #[arg(long, value_name = "DURATION")]
    pub older_than: Option<String>,
    /// Only messages first sent less long ago than this
    #[arg(long, value_name = "DURATION")]
    pub newer_than: Option<String>,
    /// Move N messages, then stop, watch them for a verdict (exit 0 safe, 6 not safe, 7
    /// unknown) and print the command that moves the rest
    #[arg(long, value_name = "N", value_parser = clap::value_parser!(u64).range(1..))]
    pub canary: Option<u64>,
    /// After the canary: watch this long for its verdict (default: maxReceiveCount
    /// receives at the destination's visibility timeout, 2 to 15 minutes)
    #[arg(
        long,
        value_name = "DURATION",
        requires = "canary",
        conflicts_with = "no_watch",
        value_parser = crate::commands::redrive_canary::watch_text
    )]
    pub watch: Option<String>,
    /// After the canary: stop at once, without watching for a verdict
    #[arg(long, requires = "canary")]
    pub no_watch: bool,
    /// Print the plan and move nothing (with --filter: how many of a sample of up to 10
    /// match; their receive counts rise by one)
    #[arg(long)]
    pub dry_run: bool,
    /// Really move the messages
    #[arg(long)]
    pub yes: bool,
    /// Print the plan or the summary as JSON
    #[arg(long)]
    pub json: bool,
    /// Finish the run this journal records (appends to it)
    #[arg(long, value_name = "JOURNAL", conflicts_with_all = ["to", "canary"])]
    pub resume: Option<PathBuf>,
    /// Show what the run recorded in this journal did (no JOURNAL: list the journals)
    #[arg(long = "journal", value_name = "JOURNAL", num_args = 0..=1)]
    pub show_journal: Option<Option<PathBuf>>,
    /// Remove the journals of runs that ended and left nothing to finish (with --yes)
    #[arg(long)]
    pub prune_journals: bool,
    /// Cancel the move task running on the DLQ (what moved stays moved)
    #[arg(long)]
    pub cancel: bool,
    /// Manual mode: batches worked at once (each a receive, a send and a delete in turn)
    #[arg(long, value_name = "N", default_value_t = 16, value_parser = clap::value_parser!(u16).range(1..=64))]
    pub concurrency: u16,
    /// Manual mode: seconds a received message stays hidden while it is sent and deleted
    #[arg(long, value_name = "SECONDS", default_value_t = 120, value_parser = clap::value_parser!(u32).range(10..=43200))]
    pub visibility_timeout: u32,
}

#[derive(Debug, Args)]
pub struct PurgeArgs {
    /// Queue name, URL or ARN
    pub queue: String,
    /// Really delete every message
    #[arg(long)]
    pub yes: bool,
}

const METRICS_HELP: &str = "\
One GetMetricData call (billed per metric requested, about $0.01 per 1,000) for everything:
a queue's SQS metrics, its DLQ's depth and arrivals, and its Lambda consumers' invocations,
errors, error rate (metric math), throttles, duration and concurrency. A queue's depth also
gets a live point from GetQueueAttributes. JSON: {\"series\": [{namespace, metric,
dimensions, stat, period, points: [{t, v}]}], \"unavailable\": [...]}.

Exit codes:
  0  printed
  1  failed (no such queue, topic or function; bad --since or --period)
  2  usage error
  4  incomplete: CloudWatch did not answer (stderr says why); live counts are printed";

const HEALTH_HELP: &str = "\
Problems: DLQs holding messages, old oldest messages, queues not draining, consumer
Lambdas erring or throttled, disabled event source mappings while their queue holds
messages, SNS delivery failures. Thresholds: [health] in the config file.

Exit codes:
  0  no live problems
  1  live problems (printed, worst first)
  4  incomplete: nothing found, but a listing or CloudWatch did not answer";

#[derive(Debug, Args)]
pub struct HealthArgs {
    /// Print a JSON array (severity, kind, resource, arn, problem, since, value)
    #[arg(long)]
    pub json: bool,
}

#[derive(Debug, Args)]
pub struct MetricsArgs {
    /// Queue, topic or function: name, URL or ARN
    pub name: String,
    /// The window: 15m, 1h, 3h, 12h, 1d or 3d
    #[arg(long, default_value = "1h", value_name = "WINDOW")]
    pub since: String,
    /// Seconds per point (a multiple of 60; default: 60 up to 3h, then 300 or 900)
    #[arg(long, value_name = "SECONDS")]
    pub period: Option<u32>,
    /// Print JSON instead of a table
    #[arg(long)]
    pub json: bool,
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
