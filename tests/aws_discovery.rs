//! Topic, subscription, Lambda and dead-letter-source discovery against LocalStack: every call
//! of `SdkTopics`, `SdkLambdas` and `SdkQueues::list_dead_letter_source_queues`, pagination
//! past each API's page size included.
//!
//! LocalStack facts these tests rely on (LocalStack 2026.3.0, no Docker):
//! * ListTopics and ListSubscriptions page at 100; the NextToken is the base64 of the ARN that
//!   starts the next page, so deleting that resource between two calls restarts the listing
//!   from the beginning (these tests never delete topics or subscriptions).
//! * GetTopicAttributes reports `SubscriptionsConfirmed` as a constant "0".
//! * Subscribing a queue ARN that was never created succeeds and is listed, not pending.
//! * CreateFunction succeeds but the function ends in State `Failed` ("Installation of
//!   lambda-runtime … failed": no Docker, no download); ListFunctions and event source mappings
//!   (CreateEventSourceMapping validates that the queue exists) still work.
//! * ListDeadLetterSourceQueues ignores MaxResults and never returns a NextToken.

mod support;

use std::collections::{BTreeMap, HashMap, HashSet};

use aws_sdk_lambda::types::State;
use futures::StreamExt;
use squall::aws::lambda::SdkLambdas;
use squall::aws::sns::SdkTopics;
use squall::aws::sqs::SdkQueues;
use squall::aws::{ApiError, ErrorKind, LambdaDirectory, QueueDirectory, TopicDirectory};
use squall::domain::{EventSourceMapping, LambdaFunction, Subscription};
use support::{
    ACCOUNT_ID, REGION, create_function, create_queue, create_topic, localstack, map_queue,
    set_redrive, settled_state, subscribe_queue, unique_name, unreachable_sdk_config,
};

/// Upper bound on pages walked, so that a token that never ends fails instead of hanging.
const MAX_PAGES: usize = 500;

async fn topics() -> SdkTopics {
    SdkTopics::new(localstack().sns().await)
}

async fn lambdas() -> SdkLambdas {
    SdkLambdas::new(localstack().lambda().await)
}

async fn queues() -> SdkQueues {
    SdkQueues::new(localstack().sqs().await, REGION.to_string())
}

/// Walks every page of a listing; returns the items and the size of each page. Fails on a
/// repeated token (a listing that would loop) and after `MAX_PAGES` pages.
async fn walk<T, F, Fut>(what: &str, mut page: F) -> (Vec<T>, Vec<usize>)
where
    F: FnMut(Option<String>) -> Fut,
    Fut: std::future::Future<Output = Result<squall::aws::Page<T>, ApiError>>,
{
    let mut items = Vec::new();
    let mut sizes = Vec::new();
    let mut seen_tokens = HashSet::new();
    let mut token = None;
    for _ in 0..MAX_PAGES {
        let got = page(token.clone())
            .await
            .unwrap_or_else(|e| panic!("{what} (token {token:?}): {e}"));
        sizes.push(got.items.len());
        items.extend(got.items);
        match got.next_token {
            Some(next) => {
                assert!(
                    seen_tokens.insert(next.clone()),
                    "{what}: token {next} came back twice"
                );
                token = Some(next);
            }
            None => return (items, sizes),
        }
    }
    panic!("{what}: more than {MAX_PAGES} pages");
}

async fn all_topic_arns(directory: &SdkTopics) -> (Vec<String>, Vec<usize>) {
    walk("ListTopics", |t| directory.list_topics(t)).await
}

async fn all_subscriptions(directory: &SdkTopics) -> (Vec<Subscription>, Vec<usize>) {
    walk("ListSubscriptions", |t| directory.list_subscriptions(t)).await
}

async fn all_functions(directory: &SdkLambdas) -> (Vec<LambdaFunction>, Vec<usize>) {
    walk("ListFunctions", |m| directory.list_functions(m)).await
}

async fn all_mappings(directory: &SdkLambdas) -> (Vec<EventSourceMapping>, Vec<usize>) {
    walk("ListEventSourceMappings", |m| {
        directory.list_event_source_mappings(m)
    })
    .await
}

/// The one listed subscription with this ARN (fails when it is missing or listed twice).
fn only<'a>(subscriptions: &'a [Subscription], arn: &str) -> &'a Subscription {
    let found: Vec<&Subscription> = subscriptions.iter().filter(|s| s.arn == arn).collect();
    assert_eq!(found.len(), 1, "{arn} listed {} times", found.len());
    found[0]
}

/// Lists the subscription, reads its attributes and returns the completed subscription.
async fn completed(directory: &SdkTopics, listed: &[Subscription], arn: &str) -> Subscription {
    let attributes = directory
        .subscription_attributes(arn)
        .await
        .unwrap_or_else(|e| panic!("GetSubscriptionAttributes {arn}: {e}"));
    only(listed, arn).clone().with_attributes(attributes)
}

fn json(text: &str) -> serde_json::Value {
    serde_json::from_str(text).unwrap_or_else(|e| panic!("not JSON ({e}): {text}"))
}

// ---------------------------------------------------------------------------------------------
// SNS topics

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn list_topics_walks_every_page_past_100() {
    let sns = localstack().sns().await;
    let prefix = unique_name("tpage");
    let names: Vec<String> = (0..120).map(|i| format!("{prefix}-{i:03}")).collect();
    let created: Vec<String> = futures::stream::iter(names.iter())
        .map(|name| {
            let sns = sns.clone();
            async move { create_topic(&sns, name, &[]).await }
        })
        .buffer_unordered(16)
        .collect()
        .await;

    let directory = topics().await;
    let first = directory.list_topics(None).await.expect("ListTopics");
    assert_eq!(first.items.len(), 100, "ListTopics pages at 100");
    assert!(first.next_token.is_some(), "a NextToken after a full page");

    let (arns, pages) = all_topic_arns(&directory).await;
    assert!(pages.len() >= 2, "pages: {pages:?}");
    assert!(pages.iter().all(|&n| n <= 100), "pages: {pages:?}");
    let mut counts: HashMap<&str, usize> = HashMap::new();
    for arn in &arns {
        *counts.entry(arn.as_str()).or_default() += 1;
    }
    for arn in &created {
        assert_eq!(counts.get(arn.as_str()), Some(&1), "{arn} listed once");
    }
    assert!(counts.values().all(|&n| n == 1), "no topic is listed twice");
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn describe_topic_reads_standard_and_fifo_topics() {
    let sns = localstack().sns().await;
    let base = unique_name("tdesc");
    let standard_arn = create_topic(&sns, &base, &[("DisplayName", "Orders")]).await;
    let fifo_name = format!("{base}.fifo");
    let fifo_arn = create_topic(&sns, &fifo_name, &[("ContentBasedDeduplication", "true")]).await;
    assert_eq!(
        standard_arn,
        format!("arn:aws:sns:{REGION}:{ACCOUNT_ID}:{base}")
    );

    let directory = topics().await;
    let standard = directory
        .describe_topic(&standard_arn)
        .await
        .expect("GetTopicAttributes standard");
    assert_eq!(standard.arn, standard_arn);
    assert_eq!(standard.name, base);
    assert!(!standard.fifo);
    assert_eq!(standard.attributes["TopicArn"], standard_arn);
    assert_eq!(standard.attributes["DisplayName"], "Orders");
    assert_eq!(standard.attributes["Owner"], ACCOUNT_ID);
    assert!(!standard.attributes.contains_key("FifoTopic"));
    // LocalStack reports a constant "0"; it must at least be a count.
    assert!(
        standard.attributes["SubscriptionsConfirmed"]
            .parse::<u64>()
            .is_ok()
    );

    let fifo = directory
        .describe_topic(&fifo_arn)
        .await
        .expect("GetTopicAttributes fifo");
    assert_eq!(fifo.arn, fifo_arn);
    assert_eq!(fifo.name, fifo_name);
    assert!(fifo.fifo);
    assert_eq!(fifo.attributes["FifoTopic"], "true");
    assert_eq!(fifo.attributes["ContentBasedDeduplication"], "true");
    assert_eq!(fifo.attributes["TopicArn"], fifo_arn);
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn missing_topics_and_subscriptions_are_not_found() {
    let directory = topics().await;
    let topic_arn = format!(
        "arn:aws:sns:{REGION}:{ACCOUNT_ID}:{}",
        unique_name("no-topic")
    );
    let error = directory
        .describe_topic(&topic_arn)
        .await
        .expect_err("no such topic");
    assert!(error.kind == ErrorKind::NotFound, "{error:?}");

    let subscription_arn = format!("{topic_arn}:00000000-0000-0000-0000-000000000000");
    let error = directory
        .subscription_attributes(&subscription_arn)
        .await
        .expect_err("no such subscription");
    assert!(error.kind == ErrorKind::NotFound, "{error:?}");
}

// ---------------------------------------------------------------------------------------------
// SNS subscriptions

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn subscriptions_carry_filter_raw_delivery_and_redrive_attributes() {
    let ls = localstack();
    let sns = ls.sns().await;
    let sqs = ls.sqs().await;
    let base = unique_name("subs");

    // FIFO topic → FIFO queue, no extra attributes.
    let fifo_topic = create_topic(&sns, &format!("{base}.fifo"), &[]).await;
    let (_, fifo_queue_arn) = create_queue(&sqs, &format!("{base}-q.fifo"), &[]).await;
    let fifo_sub = subscribe_queue(&sns, &fifo_topic, &fifo_queue_arn, &[]).await;

    // Standard topic → queue, with a body filter, raw delivery and its own DLQ.
    let topic = create_topic(&sns, &base, &[]).await;
    let (_, queue_arn) = create_queue(&sqs, &format!("{base}-q"), &[]).await;
    let (_, sub_dlq_arn) = create_queue(&sqs, &format!("{base}-sub-dlq"), &[]).await;
    let filter = r#"{"type":["order_placed"],"amount":[{"numeric":[">",100]}]}"#;
    let redrive = serde_json::json!({ "deadLetterTargetArn": sub_dlq_arn }).to_string();
    let sub = subscribe_queue(
        &sns,
        &topic,
        &queue_arn,
        &[
            ("FilterPolicy", filter),
            ("FilterPolicyScope", "MessageBody"),
            ("RawMessageDelivery", "true"),
            ("RedrivePolicy", &redrive),
        ],
    )
    .await;

    let directory = topics().await;
    let (listed, _) = all_subscriptions(&directory).await;

    let plain = only(&listed, &sub);
    assert_eq!(plain.topic_arn, topic);
    assert_eq!(plain.protocol, "sqs");
    assert_eq!(plain.endpoint, queue_arn);
    assert_eq!(plain.owner.as_deref(), Some(ACCOUNT_ID));
    assert!(!plain.pending_confirmation);
    assert_eq!(
        plain.filter_policy, None,
        "ListSubscriptions has no attributes"
    );

    let full = completed(&directory, &listed, &sub).await;
    assert_eq!(
        full.filter_policy.as_deref().map(json),
        Some(json(filter)),
        "FilterPolicy"
    );
    assert_eq!(full.filter_policy_scope.as_deref(), Some("MessageBody"));
    assert!(full.raw_message_delivery);
    assert_eq!(full.dlq_arn.as_deref(), Some(sub_dlq_arn.as_str()));
    assert!(!full.pending_confirmation);
    assert_eq!(full.queue_arn(), Some(queue_arn.as_str()));
    assert_eq!(full.topic_name(), base);
    assert_eq!(full.attributes["SubscriptionArn"], sub);
    assert_eq!(full.attributes["PendingConfirmation"], "false");

    let fifo = completed(&directory, &listed, &fifo_sub).await;
    assert_eq!(fifo.topic_arn, fifo_topic);
    assert_eq!(fifo.topic_name(), format!("{base}.fifo"));
    assert_eq!(fifo.queue_arn(), Some(fifo_queue_arn.as_str()));
    assert_eq!(fifo.filter_policy, None);
    assert_eq!(fifo.filter_policy_scope, None);
    assert!(!fifo.raw_message_delivery);
    assert_eq!(fifo.dlq_arn, None);
    assert!(!fifo.pending_confirmation);
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn list_subscriptions_walks_every_page_past_100() {
    let ls = localstack();
    let sns = ls.sns().await;
    let sqs = ls.sqs().await;
    let base = unique_name("spage");
    let topic = create_topic(&sns, &base, &[]).await;
    // SNS subscribes an endpoint to a topic once: one queue per subscription.
    let created: Vec<(String, String)> = futures::stream::iter(0..110)
        .map(|i| {
            let (sns, sqs, topic, base) = (sns.clone(), sqs.clone(), topic.clone(), base.clone());
            async move {
                let (_, queue_arn) = create_queue(&sqs, &format!("{base}-{i:03}"), &[]).await;
                let sub = subscribe_queue(&sns, &topic, &queue_arn, &[]).await;
                (sub, queue_arn)
            }
        })
        .buffer_unordered(16)
        .collect()
        .await;

    let directory = topics().await;
    let first = directory
        .list_subscriptions(None)
        .await
        .expect("ListSubscriptions");
    assert_eq!(first.items.len(), 100, "ListSubscriptions pages at 100");
    assert!(first.next_token.is_some(), "a NextToken after a full page");

    let (listed, pages) = all_subscriptions(&directory).await;
    assert!(pages.len() >= 2, "pages: {pages:?}");
    for (sub, queue_arn) in &created {
        let found = only(&listed, sub);
        assert_eq!(found.topic_arn, topic);
        assert_eq!(found.queue_arn(), Some(queue_arn.as_str()));
    }
    let ours = listed.iter().filter(|s| s.topic_arn == topic).count();
    assert_eq!(ours, 110, "exactly our subscriptions on our topic");
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_subscription_to_a_missing_queue_is_listed_with_its_endpoint() {
    let sns = localstack().sns().await;
    let base = unique_name("subgone");
    let topic = create_topic(&sns, &base, &[]).await;
    let missing_queue = format!("arn:aws:sqs:{REGION}:{ACCOUNT_ID}:{base}-never-created");
    // LocalStack (like AWS) accepts the subscription without checking the queue exists.
    let sub = subscribe_queue(&sns, &topic, &missing_queue, &[]).await;

    let directory = topics().await;
    let (listed, _) = all_subscriptions(&directory).await;
    let full = completed(&directory, &listed, &sub).await;
    assert_eq!(full.topic_arn, topic);
    assert_eq!(full.protocol, "sqs");
    assert_eq!(full.endpoint, missing_queue);
    assert_eq!(full.queue_arn(), Some(missing_queue.as_str()));
    assert!(!full.pending_confirmation);
    assert_eq!(full.dlq_arn, None);
}

// ---------------------------------------------------------------------------------------------
// Lambda

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn lambda_functions_and_queue_mappings_are_listed() {
    let ls = localstack();
    let lambda = ls.lambda().await;
    let sqs = ls.sqs().await;
    let name = unique_name("fn");
    let (_, queue_arn) = create_queue(&sqs, &format!("{name}-in"), &[]).await;
    let (_, fn_dlq_arn) = create_queue(&sqs, &format!("{name}-fn-dlq"), &[]).await;
    let function_arn = create_function(&lambda, &name, 256, 9, Some(&fn_dlq_arn)).await;
    assert_eq!(
        function_arn,
        format!("arn:aws:lambda:{REGION}:{ACCOUNT_ID}:function:{name}")
    );

    // Without Docker the function never becomes Active: LocalStack marks it Failed
    // ("Installation of lambda-runtime … failed"). Listing and mappings do not care.
    let (state, reason) = settled_state(&lambda, &name).await;
    assert!(
        matches!(state, State::Active | State::Failed),
        "{state:?}: {reason}"
    );

    let uuid = map_queue(&lambda, &name, &queue_arn, 7, true).await;

    let directory = lambdas().await;
    let (functions, _) = all_functions(&directory).await;
    let found: Vec<&LambdaFunction> = functions.iter().filter(|f| f.name == name).collect();
    assert_eq!(found.len(), 1, "{name} listed once");
    let function = found[0];
    assert_eq!(function.arn, function_arn);
    assert_eq!(function.runtime.as_deref(), Some("python3.12"));
    assert_eq!(function.memory_mb, Some(256));
    assert_eq!(function.timeout_seconds, Some(9));
    assert!(
        function
            .last_modified
            .as_deref()
            .is_some_and(|t| !t.is_empty()),
        "{function:?}"
    );
    assert_eq!(function.dlq_arn.as_deref(), Some(fn_dlq_arn.as_str()));

    let (mappings, _) = all_mappings(&directory).await;
    let found: Vec<&EventSourceMapping> = mappings.iter().filter(|m| m.uuid == uuid).collect();
    assert_eq!(found.len(), 1, "mapping {uuid} listed once");
    let mapping = found[0];
    assert_eq!(mapping.function_arn, function_arn);
    assert_eq!(mapping.function_name(), name);
    assert_eq!(mapping.event_source_arn, queue_arn);
    assert_eq!(mapping.batch_size, Some(7));
    assert!(
        ["Creating", "Enabling", "Enabled"].contains(&mapping.state.as_str()),
        "state {:?}",
        mapping.state
    );
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn lambda_listings_walk_every_page() {
    let ls = localstack();
    let lambda = ls.lambda().await;
    let sqs = ls.sqs().await;
    let base = unique_name("fnpage");
    let (_, queue_a) = create_queue(&sqs, &format!("{base}-a"), &[]).await;
    let (_, queue_b) = create_queue(&sqs, &format!("{base}-b"), &[]).await;

    // 55 functions (ListFunctions pages at squall's MaxItems of 50) and, disabled so that
    // LocalStack starts no pollers, two mappings each: 110 (pages of 100).
    let created: Vec<(String, Vec<String>)> = futures::stream::iter(0..55)
        .map(|i| {
            let (lambda, base) = (lambda.clone(), base.clone());
            let (queue_a, queue_b) = (queue_a.clone(), queue_b.clone());
            async move {
                let name = format!("{base}-{i:02}");
                let arn = create_function(&lambda, &name, 128, 3, None).await;
                let mut uuids = Vec::new();
                for queue in [&queue_a, &queue_b] {
                    uuids.push(map_queue(&lambda, &name, queue, 10, false).await);
                }
                (arn, uuids)
            }
        })
        .buffer_unordered(8)
        .collect()
        .await;

    let directory = lambdas().await;
    let first = directory.list_functions(None).await.expect("ListFunctions");
    assert_eq!(first.items.len(), 50, "MaxItems 50");
    assert!(first.next_token.is_some(), "a NextMarker after a full page");
    let (functions, pages) = all_functions(&directory).await;
    assert!(pages.len() >= 2, "pages: {pages:?}");
    let mut by_arn: HashMap<&str, usize> = HashMap::new();
    for f in &functions {
        *by_arn.entry(f.arn.as_str()).or_default() += 1;
    }
    for (arn, _) in &created {
        assert_eq!(by_arn.get(arn.as_str()), Some(&1), "{arn} listed once");
    }

    let first = directory
        .list_event_source_mappings(None)
        .await
        .expect("ListEventSourceMappings");
    assert_eq!(first.items.len(), 100, "MaxItems 100");
    assert!(first.next_token.is_some(), "a NextMarker after a full page");
    let (mappings, pages) = all_mappings(&directory).await;
    assert!(pages.len() >= 2, "pages: {pages:?}");
    let listed: BTreeMap<&str, &EventSourceMapping> =
        mappings.iter().map(|m| (m.uuid.as_str(), m)).collect();
    assert_eq!(listed.len(), mappings.len(), "no mapping is listed twice");
    for (arn, uuids) in &created {
        for uuid in uuids {
            let mapping = listed
                .get(uuid.as_str())
                .unwrap_or_else(|| panic!("mapping {uuid} not listed"));
            assert_eq!(&mapping.function_arn, arn);
            assert!([&queue_a, &queue_b].contains(&&mapping.event_source_arn));
            assert_eq!(mapping.batch_size, Some(10));
            assert_eq!(mapping.state, "Disabled");
        }
    }
}

// ---------------------------------------------------------------------------------------------
// Dead-letter source queues

mod aws_discovery_dead_letters;
