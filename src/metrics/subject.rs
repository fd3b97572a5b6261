//! What is charted together: a queue with its DLQ and its Lambda consumers, a topic, or a
//! function. Built from a `Queue` and the event source mappings (CLI), or from the
//! inventory (views), with the same rule.

use crate::aws::{ApiError, Backend};
use crate::domain::arn;
use crate::domain::{EventSourceMapping, Queue};

use super::catalog::Resource;

/// A queue's resources: itself, its DLQ, then every function consuming it.
pub fn queue_resources<'a>(
    queue: &Queue,
    consumers: impl IntoIterator<Item = &'a str>,
) -> Vec<Resource> {
    let mut resources = vec![if queue.fifo {
        Resource::FifoQueue(queue.name.clone())
    } else {
        Resource::Queue(queue.name.clone())
    }];
    if let Some(dlq) = queue.dlq_arn() {
        resources.push(Resource::Dlq(arn::resource_name(dlq).to_string()));
    }
    for function in consumers {
        let resource = Resource::Function(function.to_string());
        if !resources.contains(&resource) {
            resources.push(resource);
        }
    }
    resources
}

/// The functions whose event source mappings poll `queue_arn` (every page).
pub async fn consumers_of(backend: &Backend, queue_arn: &str) -> Result<Vec<String>, ApiError> {
    let mut names = Vec::new();
    let mut marker = None;
    loop {
        let page = backend.lambdas.list_event_source_mappings(marker).await?;
        names.extend(
            page.items
                .iter()
                .filter(|m: &&EventSourceMapping| m.event_source_arn == queue_arn)
                .map(|m| m.function_name().to_string()),
        );
        match page.next_token {
            Some(next) => marker = Some(next),
            None => return Ok(names),
        }
    }
}

/// Whether a function called `name` exists (every page of ListFunctions).
pub async fn function_exists(backend: &Backend, name: &str) -> Result<bool, ApiError> {
    let mut marker = None;
    loop {
        let page = backend.lambdas.list_functions(marker).await?;
        if page.items.iter().any(|f| f.name == name) {
            return Ok(true);
        }
        match page.next_token {
            Some(next) => marker = Some(next),
            None => return Ok(false),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[tokio::test]
    async fn a_queue_comes_with_its_dlq_and_consumers() {
        let backend = crate::sim::backend(crate::sim::SimFleet::demo().frozen());
        let url = backend
            .queues
            .list_queue_urls(Some("orders"), None)
            .await
            .expect("list")
            .items
            .into_iter()
            .find(|u| u.ends_with("/orders"))
            .expect("orders");
        let queue = backend.queues.describe_queue(&url).await.expect("describe");
        let consumers = consumers_of(&backend, &queue.arn).await.expect("mappings");
        let resources = queue_resources(&queue, consumers.iter().map(String::as_str));
        assert_eq!(
            resources,
            vec![
                Resource::Queue("orders".into()),
                Resource::Dlq("orders-dlq".into()),
                Resource::Function("orders-worker".into()),
            ]
        );
        assert!(
            function_exists(&backend, "orders-worker")
                .await
                .expect("list")
        );
        assert!(!function_exists(&backend, "orders").await.expect("list"));
    }
}
