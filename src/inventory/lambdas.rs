//! Loading Lambda functions and every event source mapping (one listing, not one call
//! per queue).

use std::sync::Arc;

use super::topics::all_pages;
use crate::aws::{ApiError, LambdaDirectory};
use crate::domain::{EventSourceMapping, LambdaFunction};

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

pub async fn load_functions(
    directory: Arc<dyn LambdaDirectory>,
) -> Result<Vec<LambdaFunction>, ApiError> {
    let mut functions = all_pages(|marker| {
        let directory = Arc::clone(&directory);
        async move { directory.list_functions(marker).await }
    })
    .await?;
    functions.sort_by(|a, b| a.name.cmp(&b.name));
    Ok(functions)
}
