//! What a table row or a tree line points at: the resource `Enter`, `d`, `y` and the
//! actions on a row act on.

use crate::domain::arn;
use crate::domain::untrusted::escape_owned;

#[derive(Debug, Clone, PartialEq, Eq, Hash)]
pub enum Target {
    /// A queue, by URL.
    Queue(String),
    /// A queue ARN that names no queue (a missing DLQ or subscription target).
    MissingQueue(String),
    Topic(String),
    Subscription(String),
    Function(String),
}

impl Target {
    /// What `y` copies: a queue's URL (what the CLI and SDKs take), otherwise the ARN.
    pub fn copy_text(&self) -> &str {
        match self {
            Target::Queue(url) => url,
            Target::MissingQueue(arn)
            | Target::Topic(arn)
            | Target::Subscription(arn)
            | Target::Function(arn) => arn,
        }
    }

    /// A short name for the breadcrumb and titles, escaped (names come from AWS).
    pub fn label(&self) -> String {
        escape_owned(match self {
            Target::Queue(url) => arn::queue_name_from_url(url).to_string(),
            Target::MissingQueue(a) | Target::Topic(a) | Target::Function(a) => {
                arn::resource_name(a).to_string()
            }
            Target::Subscription(a) => {
                let tail = a.rsplit(':').next().unwrap_or(a);
                format!("subscription {}", tail.chars().take(8).collect::<String>())
            }
        })
    }

    pub fn kind(&self) -> &'static str {
        match self {
            Target::Queue(_) => "Queue",
            Target::MissingQueue(_) => "Missing queue",
            Target::Topic(_) => "Topic",
            Target::Subscription(_) => "Subscription",
            Target::Function(_) => "Function",
        }
    }
}
