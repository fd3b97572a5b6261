//! Which log groups a target leads to: a function → its own; a queue → the functions
//! consuming it (event source mappings); a DLQ → the consumers of its source queues; a
//! topic → the functions subscribed to it, directly or through a queue. A function's group
//! is its `LoggingConfig.LogGroup`, else `/aws/lambda/NAME`.

use crate::aws::{ApiError, Backend};
use crate::domain::arn;
use crate::domain::lambda::default_log_group;
use crate::domain::{EventSourceMapping, LambdaFunction};

use super::GroupTarget;

/// The functions and event source mappings of the account and region, read once.
#[derive(Debug, Clone, Default)]
pub struct Consumers {
    functions: Vec<LambdaFunction>,
    mappings: Vec<EventSourceMapping>,
}

impl Consumers {
    /// Every page of ListFunctions and ListEventSourceMappings.
    pub async fn load(backend: &Backend) -> Result<Consumers, ApiError> {
        let mut consumers = Consumers::default();
        let mut marker = None;
        loop {
            let page = backend.lambdas.list_functions(marker).await?;
            consumers.functions.extend(page.items);
            match page.next_token {
                Some(next) => marker = Some(next),
                None => break,
            }
        }
        let mut marker = None;
        loop {
            let page = backend.lambdas.list_event_source_mappings(marker).await?;
            consumers.mappings.extend(page.items);
            match page.next_token {
                Some(next) => marker = Some(next),
                None => return Ok(consumers),
            }
        }
    }

    pub fn new(functions: Vec<LambdaFunction>, mappings: Vec<EventSourceMapping>) -> Consumers {
        Consumers {
            functions,
            mappings,
        }
    }

    /// Every function listed.
    pub fn functions(&self) -> &[LambdaFunction] {
        &self.functions
    }

    /// A function by name or ARN (qualified or not), if it exists.
    pub fn function(&self, given: &str) -> Option<GroupTarget> {
        let name = arn::resource_name(given);
        self.functions
            .iter()
            .find(|f| f.name == name)
            .map(|f| GroupTarget {
                function: f.name.clone(),
                log_group: f.log_group(),
            })
    }

    /// The group of a function named by a mapping or a subscription; a function the listing
    /// did not show logs to Lambda's default group.
    pub fn target(&self, function: &str) -> GroupTarget {
        self.function(function).unwrap_or_else(|| {
            let name = arn::resource_name(function);
            GroupTarget {
                function: name.to_string(),
                log_group: default_log_group(name),
            }
        })
    }

    /// The functions whose event source mappings poll `queue_arn`.
    pub fn of_queue(&self, queue_arn: &str) -> Vec<GroupTarget> {
        let mut targets: Vec<GroupTarget> = self
            .mappings
            .iter()
            .filter(|m| m.event_source_arn == queue_arn)
            .map(|m| self.target(&m.function_arn))
            .collect();
        targets.sort();
        targets.dedup();
        targets
    }

    /// The consumers of each of `queue_arns`, together.
    pub fn of_queues<'a>(&self, queue_arns: impl IntoIterator<Item = &'a str>) -> Vec<GroupTarget> {
        let mut targets: Vec<GroupTarget> = queue_arns
            .into_iter()
            .flat_map(|q| self.of_queue(q))
            .collect();
        targets.sort();
        targets.dedup();
        targets
    }
}

impl Consumers {
    /// "f is Disabled" for each mapping of `queue_arns` that is not Enabled (it does not poll).
    pub fn not_polling<'a>(&self, queue_arns: impl IntoIterator<Item = &'a str>) -> Vec<String> {
        let arns: Vec<&str> = queue_arns.into_iter().collect();
        let mut found: Vec<String> = self
            .mappings
            .iter()
            .filter(|m| arns.contains(&m.event_source_arn.as_str()) && m.state != "Enabled")
            .map(|m| format!("{} is {}", m.function_name(), m.state))
            .collect();
        found.sort();
        found.dedup();
        found
    }
}

/// The ARNs of the queues whose redrive policy targets the DLQ at `dlq_url`.
pub async fn dlq_source_arns(backend: &Backend, dlq_url: &str) -> Result<Vec<String>, ApiError> {
    let mut urls = Vec::new();
    let mut token = None;
    loop {
        let page = backend
            .queues
            .list_dead_letter_source_queues(dlq_url, token)
            .await?;
        urls.extend(page.items);
        match page.next_token {
            Some(next) => token = Some(next),
            None => break,
        }
    }
    Ok(urls
        .iter()
        .filter_map(|url| arn::queue_arn_from_url(url, &backend.info.region))
        .collect())
}

/// The functions a topic reaches: Lambda subscriptions, and the consumers of its SQS
/// subscriptions' queues.
pub async fn of_topic(
    backend: &Backend,
    consumers: &Consumers,
    topic_arn: &str,
) -> Result<Vec<GroupTarget>, ApiError> {
    let mut targets = Vec::new();
    let mut token = None;
    loop {
        let page = backend.topics.list_subscriptions(token).await?;
        for subscription in page.items.iter().filter(|s| s.topic_arn == topic_arn) {
            match subscription.protocol.as_str() {
                "lambda" => targets.push(consumers.target(&subscription.endpoint)),
                "sqs" => targets.extend(consumers.of_queue(&subscription.endpoint)),
                _ => {}
            }
        }
        match page.next_token {
            Some(next) => token = Some(next),
            None => break,
        }
    }
    targets.sort();
    targets.dedup();
    Ok(targets)
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::sim::{SHIPPING_DLQ, SHIPPING_FUNCTION, SHIPPING_QUEUE, SimFleet};

    const ACCOUNT_URL: &str = "https://sqs.us-east-1.amazonaws.com/123456789012";

    #[tokio::test]
    async fn a_function_queue_dlq_and_topic_lead_to_their_consumers_groups() {
        let backend = crate::sim::backend(SimFleet::demo().frozen());
        let consumers = Consumers::load(&backend).await.expect("load");
        let shipping = GroupTarget {
            function: SHIPPING_FUNCTION.into(),
            log_group: format!("/aws/lambda/{SHIPPING_FUNCTION}"),
        };
        assert_eq!(
            consumers.function(SHIPPING_FUNCTION),
            Some(shipping.clone())
        );
        let queue_arn = format!("arn:aws:sqs:us-east-1:123456789012:{SHIPPING_QUEUE}");
        assert_eq!(consumers.of_queue(&queue_arn), vec![shipping.clone()]);
        let dlq_url = format!("{ACCOUNT_URL}/{SHIPPING_DLQ}");
        let sources = dlq_source_arns(&backend, &dlq_url).await.expect("sources");
        assert_eq!(sources, vec![queue_arn.clone()]);
        assert_eq!(
            consumers.of_queues(sources.iter().map(String::as_str)),
            vec![shipping.clone()]
        );
        let topic = "arn:aws:sns:us-east-1:123456789012:payment-complete";
        let reached = of_topic(&backend, &consumers, topic).await.expect("topic");
        assert!(reached.contains(&shipping), "{reached:?}");
        let notifier = reached
            .iter()
            .find(|t| t.function == "customer-notifier")
            .expect("notifier");
        assert_eq!(
            notifier.log_group, "/shop/notifications",
            "LoggingConfig.LogGroup"
        );
        assert!(consumers.function("nothing").is_none());
    }
}
