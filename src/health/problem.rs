//! One live problem: how bad, on what, what is wrong, since when, and which series to
//! draw beside it.

use serde::Serialize;

use crate::metrics::Resource;

/// How bad a problem is; ordered so that the worst sorts last (`max`).
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize)]
#[serde(rename_all = "snake_case")]
pub enum Severity {
    /// Not wrong, worth knowing while it lasts (a redrive running).
    Info,
    Warning,
    Critical,
}

impl Severity {
    pub fn label(self) -> &'static str {
        match self {
            Severity::Info => "info",
            Severity::Warning => "warning",
            Severity::Critical => "critical",
        }
    }

    pub fn parse(text: &str) -> Option<Severity> {
        [Severity::Info, Severity::Warning, Severity::Critical]
            .into_iter()
            .find(|s| s.label() == text)
    }
}

/// The kind of resource a problem is on.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize)]
#[serde(rename_all = "snake_case")]
pub enum Kind {
    Queue,
    Dlq,
    Function,
    Topic,
    EventSourceMapping,
    /// A whole fleet context (a profile in a region) that could not be read.
    Context,
}

impl Kind {
    pub fn label(self) -> &'static str {
        match self {
            Kind::Queue => "queue",
            Kind::Dlq => "dlq",
            Kind::Function => "function",
            Kind::Topic => "topic",
            Kind::EventSourceMapping => "mapping",
            Kind::Context => "context",
        }
    }
}

/// The resource a problem is on: its kind, its name, and its ARN (or URL when the ARN is
/// not known).
#[derive(Debug, Clone, PartialEq, Eq, Hash, Serialize)]
pub struct Affected {
    pub kind: Kind,
    pub name: String,
    pub address: String,
}

#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct Problem {
    pub severity: Severity,
    pub resource: Affected,
    /// What is wrong, in one line (untrusted names are escaped when drawn).
    pub what: String,
    /// When it started (ms since the epoch), when the series says so.
    pub since_ms: Option<i64>,
    /// `since_ms` is only a lower bound: the condition held from the first point the
    /// series has, and may have begun before it.
    pub since_lower_bound: bool,
    /// The number the rule judged (messages, seconds, percent, …), for sorting and JSON.
    pub value: f64,
    /// The series drawn as the row's sparkline: a metrics resource and a series key.
    #[serde(skip)]
    pub sparkline: Option<(Resource, &'static str)>,
}

/// Worst first: severity, then DLQs before queues before consumers, then the larger value,
/// then by name so that the order is stable between refreshes.
pub fn worst_first(problems: &mut [Problem]) {
    problems.sort_by(worse_first);
}

/// The order of `worst_first` for two problems, for lists that hold more than problems
/// (a fleet's, each with its context).
pub fn worse_first(a: &Problem, b: &Problem) -> std::cmp::Ordering {
    b.severity
        .cmp(&a.severity)
        .then_with(|| kind_rank(a.resource.kind).cmp(&kind_rank(b.resource.kind)))
        .then_with(|| b.value.total_cmp(&a.value))
        .then_with(|| a.resource.name.cmp(&b.resource.name))
        .then_with(|| a.what.cmp(&b.what))
}

/// Within a severity, messages already lost to a DLQ come before their causes; a context
/// that could not be read at all hides all of its problems, so it comes first.
fn kind_rank(kind: Kind) -> u8 {
    match kind {
        Kind::Context => 0,
        Kind::Dlq => 1,
        Kind::Queue => 2,
        Kind::EventSourceMapping => 3,
        Kind::Function => 4,
        Kind::Topic => 5,
    }
}
