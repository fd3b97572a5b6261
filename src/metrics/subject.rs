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

/// The function called `name` (every page of ListFunctions), if it exists.
async fn find_function(
    backend: &Backend,
    name: &str,
) -> Result<Option<crate::domain::LambdaFunction>, ApiError> {
    let mut marker = None;
    loop {
        let page = backend.lambdas.list_functions(marker).await?;
        if let Some(function) = page.items.into_iter().find(|f| f.name == name) {
            return Ok(Some(function));
        }
        match page.next_token {
            Some(next) => marker = Some(next),
            None => return Ok(None),
        }
    }
}

/// Whether a function called `name` exists (every page of ListFunctions).
pub async fn function_exists(backend: &Backend, name: &str) -> Result<bool, ApiError> {
    Ok(find_function(backend, name).await?.is_some())
}

/// A function's resources: itself, and the delivery of its failed events when it has a DLQ
/// or an on-failure destination (one `GetFunctionEventInvokeConfig` to know; unreadable
/// settings leave only a DLQ to tell). `None` when no function has that name.
pub async fn function_resources(
    backend: &Backend,
    name: &str,
) -> Result<Option<Vec<Resource>>, ApiError> {
    let Some(function) = find_function(backend, name).await? else {
        return Ok(None);
    };
    let on_failure = match backend.lambdas.event_invoke_config(name).await {
        Ok(config) => config.and_then(|c| c.on_failure).is_some(),
        Err(_) => false,
    };
    let mut resources = vec![Resource::Function(name.to_string())];
    if function.dlq_arn.is_some() || on_failure {
        resources.push(Resource::AsyncDelivery(name.to_string()));
    }
    Ok(Some(resources))
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
        assert_eq!(
            function_resources(&backend, "shipping-notifier")
                .await
                .expect("read"),
            Some(vec![
                Resource::Function("shipping-notifier".into()),
                Resource::AsyncDelivery("shipping-notifier".into()),
            ]),
            "a function with a DLQ or destination: its failed events' delivery too"
        );
        assert_eq!(
            function_resources(&backend, "orders-worker")
                .await
                .expect("read"),
            Some(vec![Resource::Function("orders-worker".into())])
        );
        assert_eq!(
            function_resources(&backend, "nope").await.expect("read"),
            None
        );
    }
}
