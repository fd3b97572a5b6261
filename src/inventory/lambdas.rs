//! Loading Lambda functions (with their asynchronous-invoke settings) and every event
//! source mapping (one listing, not one call per queue).

use std::sync::Arc;

use super::topics::all_pages;
use futures::{StreamExt, stream};

use crate::aws::{ApiError, ErrorKind, LambdaDirectory};
use crate::domain::{EventInvokeConfig, EventSourceMapping, InvokeConfigReading, LambdaFunction};

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
/// function; a failed read marks that function only).
pub async fn load_functions(
    directory: Arc<dyn LambdaDirectory>,
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
    Ok(functions)
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
