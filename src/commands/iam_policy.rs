//! `squall iam-policy [--operator] [--resource-scoped ARN-PATTERN]…`: prints the IAM policy
//! squall needs, derived from the permission lists beside the SDK calls, to paste into IAM.
//! Needs no AWS settings at all: a platform team reviews it before any credential exists.

use std::process::ExitCode;

use clap::Args;
use color_eyre::eyre::Result;

use super::exit;
use crate::aws::iam_policy::{PolicyKind, policy, to_json};

const IAM_POLICY_HELP: &str = "\
The read-only policy allows listing and describing queues, topics, subscriptions, Lambda
functions and event source mappings, CloudWatch metrics and alarms, listing move tasks, and
(statement SqsPeekReceive) receive and change visibility, which peek and export need:
receiving changes no message, but it counts toward maxReceiveCount. The operator policy adds
send, delete, purge, publish and move tasks.

--resource-scoped limits what IAM can limit to queue, topic or function ARNs (repeat it; each
pattern applies to its own service). Listings, metrics and alarms have no resource in IAM and
stay on \"*\" (statements ending AnyResource).

The same documents ship as config/iam/read-only.json and config/iam/operator.json.";

#[derive(Debug, Args)]
#[command(after_help = IAM_POLICY_HELP)]
pub struct IamPolicyArgs {
    /// The operator policy: read-only plus send, publish, purge, delete and move tasks
    #[arg(long)]
    pub operator: bool,
    /// Limit resource-level actions to this queue, topic or function ARN pattern
    /// (repeatable), e.g. arn:aws:sqs:us-east-1:123456789012:orders-*
    #[arg(long = "resource-scoped", value_name = "ARN-PATTERN")]
    pub resource_scoped: Vec<String>,
}

pub fn run(args: &IamPolicyArgs) -> Result<ExitCode> {
    let kind = if args.operator {
        PolicyKind::Operator
    } else {
        PolicyKind::ReadOnly
    };
    match policy(kind, &args.resource_scoped) {
        Ok(document) => {
            crate::gate::out(&crate::gate::Shown::json_text(to_json(&document)))?;
            Ok(ExitCode::from(exit::OK))
        }
        Err(error) => {
            crate::gate::say(&error.to_string());
            Ok(ExitCode::from(exit::USAGE))
        }
    }
}
