//! Loading Lambda functions (with their asynchronous-invoke settings) and every event
//! source mapping (one listing, not one call per queue).

use std::sync::Arc;

use super::topics::all_pages;
use futures::{StreamExt, stream};

use crate::aws::roles::RolePolicies;
use crate::aws::{ApiError, ErrorKind, LambdaDirectory};
use crate::domain::{
    EventInvokeConfig, EventSourceMapping, InvokeConfigReading, LambdaFunction,
    RolePoliciesReading, lambda_dead_letter::arn_service,
};

pub async fn load_event_source_mappings(
    directory: Arc<dyn LambdaDirectory>,
) -> Result<Vec<EventSourceMapping>, ApiError> {
    let mut mappings = all_pages(|marker| {
        let directory = Arc::clone(&directory);
        async move { directory.list_event_source_mappings(marker).await }
    })
    .await?;
    mappings.sort_by(|a, b| {
        (&a.event_source_arn, &a.function_arn).cmp(&(&b.event_source_arn, &b.function_arn))
    });
    Ok(mappings)
}

/// How many `GetFunctionEventInvokeConfig` calls run at once: Lambda's control plane
/// throttles reads per account, and the listing is already done.
const INVOKE_CONFIG_CONCURRENCY: usize = 4;

/// Every function, each with its asynchronous-invoke settings read beside it (one call per
/// function; a failed read marks that function only), and, for a function with an SQS or
/// SNS DLQ or destination, its execution role's policies (once per role).
pub async fn load_functions(
    directory: Arc<dyn LambdaDirectory>,
    roles: Arc<dyn RolePolicies>,
) -> Result<Vec<LambdaFunction>, ApiError> {
    let mut functions = all_pages(|marker| {
        let directory = Arc::clone(&directory);
        async move { directory.list_functions(marker).await }
    })
    .await?;
    functions.sort_by(|a, b| a.name.cmp(&b.name));
    let names: Vec<String> = functions.iter().map(|f| f.name.clone()).collect();
    let readings: Vec<InvokeConfigReading> = stream::iter(names)
        .map(|name| {
            let directory = Arc::clone(&directory);
            async move { reading(directory.event_invoke_config(&name).await) }
        })
        .buffered(INVOKE_CONFIG_CONCURRENCY)
        .collect()
        .await;
    for (function, reading) in functions.iter_mut().zip(readings) {
        function.invoke_config = reading;
    }
    read_role_policies(&mut functions, roles).await;
    Ok(functions)
}

/// The roles whose policies a rule reads: those of functions that write failed events to
/// a queue or topic. Each role is read once, however many functions share it.
async fn read_role_policies(functions: &mut [LambdaFunction], roles: Arc<dyn RolePolicies>) {
    let writes_to_queue_or_topic = |f: &LambdaFunction| {
        f.dlq_arn
            .as_deref()
            .into_iter()
            .chain(f.invoke_config.on_failure())
            .any(|t| matches!(arn_service(t), Some("sqs" | "sns")))
    };
    let mut wanted: Vec<String> = functions
        .iter()
        .filter(|f| writes_to_queue_or_topic(f))
        .filter_map(|f| f.role.clone())
        .collect();
    wanted.sort_unstable();
    wanted.dedup();
    let answers: Vec<(String, RolePoliciesReading)> = stream::iter(wanted)
        .map(|role| {
            let roles = Arc::clone(&roles);
            async move {
                let reading = match roles.role_policy_documents(&role).await {
                    Ok(documents) => RolePoliciesReading::Read(documents),
                    Err(error) if error.kind == ErrorKind::Unavailable => {
                        RolePoliciesReading::NotRead
                    }
                    Err(error) => RolePoliciesReading::Failed(error.to_string()),
                };
                (role, reading)
            }
        })
        .buffered(INVOKE_CONFIG_CONCURRENCY)
        .collect()
        .await;
    for function in functions.iter_mut().filter(|f| writes_to_queue_or_topic(f)) {
        if let Some((_, reading)) = answers
            .iter()
            .find(|(r, _)| Some(r) == function.role.as_ref())
        {
            function.role_policies = reading.clone();
        }
    }
}

/// An answer as the inventory keeps it: an endpoint without the call leaves it unread
/// rather than failed, so no rule judges or warns about what nobody could ask.
fn reading(answer: Result<Option<EventInvokeConfig>, ApiError>) -> InvokeConfigReading {
    match answer {
        Ok(Some(config)) => InvokeConfigReading::Set(config),
        Ok(None) => InvokeConfigReading::Absent,
        Err(error) if error.kind == ErrorKind::Unavailable => InvokeConfigReading::NotRead,
        Err(error) => InvokeConfigReading::Failed(error.to_string()),
    }
}
