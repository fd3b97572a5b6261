//! What these credentials can do here: the caller (STS, which needs no permission), where
//! squall is connected, and for each capability whether it works, tried with harmless
//! probes only (list and describe; never a receive, a send or anything that changes state).
//! The capability names and the action a refusal names come from the permission lists
//! (src/aws/permissions.rs). Used by `squall whoami` and the TUI's `:whoami`.

use std::collections::BTreeMap;

use crate::aws::cloudwatch::{MetricQuery, QueryKind, StatSpec};
use crate::aws::identity::CallerIdentity;
use crate::aws::permissions::{Access, Capability, for_operation};
use crate::aws::{ApiError, Backend, ErrorKind};

/// Whether one capability works here.
#[derive(Debug, Clone, PartialEq, Eq, serde::Serialize)]
#[serde(tag = "status", rename_all = "snake_case")]
pub enum Status {
    Works,
    /// AWS refused `action` (AccessDenied): a policy is missing it.
    NoPermission {
        action: String,
    },
    /// The endpoint does not implement the call (moto's move tasks): not a permission
    /// problem.
    Unavailable {
        action: String,
    },
    /// The probe failed otherwise (network, throttling): nothing is known.
    Failed {
        action: String,
        error: String,
    },
    /// Not probed, and why (it would change state or hide messages, or squall is read-only).
    NotTried {
        why: String,
    },
}

impl Status {
    /// "no permission (lambda:ListFunctions)".
    pub fn describe(&self) -> String {
        match self {
            Status::Works => "works".to_string(),
            Status::NoPermission { action } => format!("no permission ({action})"),
            Status::Unavailable { action } => {
                format!("unavailable on this endpoint ({action})")
            }
            Status::Failed { action, error } => format!("unknown: {action} failed: {error}"),
            Status::NotTried { why } => format!("not tried ({why})"),
        }
    }
}

#[derive(Debug, Clone, PartialEq, Eq, serde::Serialize)]
pub struct CapabilityStatus {
    pub capability: Capability,
    pub label: &'static str,
    #[serde(flatten)]
    pub status: Status,
}

/// The whole answer.
#[derive(Debug, Clone, PartialEq, Eq, serde::Serialize)]
pub struct Whoami {
    /// `None` with `identity_error` when STS did not answer.
    pub identity: Option<CallerIdentity>,
    pub identity_error: Option<String>,
    pub profile: Option<String>,
    pub region: String,
    pub endpoint: Option<String>,
    pub read_only: bool,
    pub capabilities: Vec<CapabilityStatus>,
}

impl Whoami {
    /// The capabilities a policy is missing, as the status bar names them:
    /// "Lambda consumers (lambda:ListFunctions)".
    pub fn missing(&self) -> Vec<String> {
        self.capabilities
            .iter()
            .filter_map(|c| match &c.status {
                Status::NoPermission { action } => Some(format!("{} ({action})", c.label)),
                _ => None,
            })
            .collect()
    }
}

/// Asks STS who the caller is and probes every capability that a harmless call can test.
pub async fn probe(backend: &Backend) -> Whoami {
    let (identity, identity_error) = match backend.identity.caller_identity().await {
        Ok(identity) => (Some(identity), None),
        Err(error) => (None, Some(error.to_string())),
    };
    let mut outcomes: BTreeMap<Capability, Status> = BTreeMap::new();
    let queue = probe_queues(backend).await;
    outcomes.insert(Capability::Queues, queue.status);
    outcomes.insert(Capability::Topics, probe_topics(backend).await);
    outcomes.insert(Capability::LambdaConsumers, probe_lambdas(backend).await);
    outcomes.insert(Capability::Metrics, probe_metrics(backend).await);
    // A listing by prefix: harmless, and what every logs search asks first.
    outcomes.insert(
        Capability::Logs,
        status_of(
            backend
                .logs
                .describe_log_group("/aws/lambda/")
                .await
                .map(drop),
        ),
    );
    outcomes.insert(
        Capability::Alarms,
        status_of(backend.alarms.alarms_in_alarm().await.map(drop)),
    );
    outcomes.insert(
        Capability::MoveTasks,
        match &queue.arn {
            Some(arn) => status_of(backend.messages.list_move_tasks(arn).await.map(drop)),
            None => not_tried("no queue to list move tasks of"),
        },
    );
    let capabilities = Capability::ALL
        .into_iter()
        .map(|capability| CapabilityStatus {
            capability,
            label: capability.label(),
            status: outcomes
                .remove(&capability)
                .unwrap_or_else(|| untested(capability, backend.is_read_only())),
        })
        .collect();
    Whoami {
        identity,
        identity_error,
        profile: backend.info.profile.clone(),
        region: backend.info.region.clone(),
        endpoint: backend.info.endpoint.clone(),
        read_only: backend.is_read_only(),
        capabilities,
    }
}

/// Why a capability that no harmless call can test was not tried.
fn untested(capability: Capability, read_only: bool) -> Status {
    let writes = capability.permissions().any(|p| p.access == Access::Write);
    if writes && read_only {
        return not_tried("squall is read-only here");
    }
    if capability == Capability::Peek {
        return not_tried("a receive counts toward maxReceiveCount");
    }
    not_tried("it changes state; only harmless calls are probed")
}

fn not_tried(why: &str) -> Status {
    Status::NotTried {
        why: why.to_string(),
    }
}

/// The status a probe's outcome gives. A request refused as invalid or naming something
/// missing was still authorised: the permission is there.
pub fn status_of(outcome: Result<(), ApiError>) -> Status {
    let Err(error) = outcome else {
        return Status::Works;
    };
    let action = for_operation(&error.operation)
        .map(|p| p.action.to_string())
        .unwrap_or_else(|| error.operation.clone());
    match error.kind {
        ErrorKind::AccessDenied => Status::NoPermission { action },
        ErrorKind::Unavailable => Status::Unavailable { action },
        ErrorKind::NotFound | ErrorKind::Client => Status::Works,
        _ => Status::Failed {
            action,
            error: error.to_string(),
        },
    }
}

struct QueueProbe {
    status: Status,
    /// A queue's ARN, for the move-task listing.
    arn: Option<String>,
}

async fn probe_queues(backend: &Backend) -> QueueProbe {
    let page = match backend.queues.list_queue_urls(None, None).await {
        Ok(page) => page,
        Err(error) => {
            return QueueProbe {
                status: status_of(Err(error)),
                arn: None,
            };
        }
    };
    let Some(url) = page.items.first() else {
        return QueueProbe {
            status: Status::Works,
            arn: None,
        };
    };
    match backend.queues.describe_queue(url).await {
        Ok(queue) => QueueProbe {
            status: Status::Works,
            arn: Some(queue.arn),
        },
        Err(error) => QueueProbe {
            status: status_of(Err(error)),
            arn: None,
        },
    }
}

async fn probe_topics(backend: &Backend) -> Status {
    if let Err(error) = backend.topics.list_topics(None).await {
        return status_of(Err(error));
    }
    status_of(backend.topics.list_subscriptions(None).await.map(drop))
}

async fn probe_lambdas(backend: &Backend) -> Status {
    if let Err(error) = backend.lambdas.list_functions(None).await {
        return status_of(Err(error));
    }
    status_of(
        backend
            .lambdas
            .list_event_source_mappings(None)
            .await
            .map(drop),
    )
}

/// One statistic of a queue that need not exist, over the last five minutes.
async fn probe_metrics(backend: &Backend) -> Status {
    let query = MetricQuery {
        id: "probe".to_string(),
        kind: QueryKind::Stat(StatSpec {
            namespace: "AWS/SQS".to_string(),
            metric: "NumberOfMessagesSent".to_string(),
            dimensions: BTreeMap::from([(
                "QueueName".to_string(),
                "squall-whoami-probe".to_string(),
            )]),
            stat: "Sum".to_string(),
            period_s: 300,
        }),
        return_data: true,
    };
    let now_ms = std::time::SystemTime::now()
        .duration_since(std::time::UNIX_EPOCH)
        .map(|d| d.as_millis() as i64)
        .unwrap_or_default();
    let start_ms = (now_ms - 300_000) / 300_000 * 300_000;
    status_of(
        backend
            .metrics
            .get_metric_data(&[query], start_ms, start_ms + 300_000)
            .await
            .map(drop),
    )
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_probe_outcome_reads_as_the_capability_status_naming_the_iam_action() {
        assert_eq!(status_of(Ok(())), Status::Works);
        assert_eq!(
            status_of(Err(ApiError::access_denied("ListFunctions", "no"))),
            Status::NoPermission {
                action: "lambda:ListFunctions".to_string()
            }
        );
        // moto has no move tasks: not a permission problem.
        assert_eq!(
            status_of(Err(ApiError::unavailable("ListMessageMoveTasks", ""))),
            Status::Unavailable {
                action: "sqs:ListMessageMoveTasks".to_string()
            }
        );
        // Refused as invalid: the call was authorised.
        assert_eq!(
            status_of(Err(ApiError::client("ListMessageMoveTasks", "not a DLQ"))),
            Status::Works
        );
        assert!(matches!(
            status_of(Err(ApiError::throttled("ListQueues", ""))),
            Status::Failed { .. }
        ));
        assert_eq!(
            Status::NoPermission {
                action: "lambda:ListFunctions".to_string()
            }
            .describe(),
            "no permission (lambda:ListFunctions)"
        );
    }
}
