//! The fan-out tree against LocalStack: a real SNS → SQS → DLQ → Lambda fleet seeded with the
//! SDK, loaded by `collect_inventory` over the SDK directories, built by `topology::build`,
//! and printed by the `squall ls topology [--json]` binary.
//!
//! LocalStack facts these tests rely on (LocalStack 2026.3.0, no Docker): functions end in
//! State `Failed` but are listed and can be mapped to queues; subscribing a queue ARN that was
//! never created succeeds; SNS delivers to SQS asynchronously.

mod support;

use std::collections::BTreeSet;
use std::time::Duration;

use serde_json::Value;
use squall::inventory::topology::{self, DlqNode, QueueNode};
use squall::inventory::{Collected, Source, collect_inventory};
use support::{
    ACCOUNT_ID, LEG_FILTER, Leg, REGION, create_function, create_queue, create_topic, localstack,
    map_queue, run_squall, sdk_backend, send_messages, set_redrive, settled_state, subscribe_legs,
    subscribe_queue, unique_name, wait_until,
};

mod topology_tree;
use topology_tree::{present, subscription_node, topic_node};

const CONCURRENCY: usize = 8;
const BATCH_SIZE: i32 = 7;

/// Loads every source through the SDK directories, as `squall ls topology` does.
async fn collect() -> Collected {
    let backend = sdk_backend(localstack()).await;
    collect_inventory(&backend, CONCURRENCY, &Source::ALL).await
}

fn assert_loaded(collected: &Collected) {
    assert!(
        collected.failed_sources.is_empty(),
        "failed sources: {:?}",
        collected.failed_sources
    );
}

fn json(text: &str) -> Value {
    serde_json::from_str(text).unwrap_or_else(|e| panic!("not JSON ({e}): {text}"))
}

/// A standard topic feeding three queues, each with its own DLQ (maxReceiveCount 3, 4, 5).
/// Leg 0's subscription has a filter policy and raw delivery; leg 1 has a Lambda consumer.
struct FanOut {
    topic_name: String,
    topic_arn: String,
    legs: Vec<Leg>,
    function: String,
    function_arn: String,
}

async fn seed_fan_out(prefix: &str) -> FanOut {
    let ls = localstack();
    let (sqs, sns, lambda) = (ls.sqs().await, ls.sns().await, ls.lambda().await);
    let base = unique_name(prefix);
    let topic_arn = create_topic(&sns, &base, &[]).await;
    let legs = subscribe_legs(&sqs, &sns, &topic_arn, &base, &[3, 4, 5]).await;
    let function = format!("{base}-fn");
    let function_arn = create_function(&lambda, &function, 128, 3, None).await;
    settled_state(&lambda, &function).await;
    map_queue(&lambda, &function, &legs[1].arn, BATCH_SIZE, true).await;
    FanOut {
        topic_name: base,
        topic_arn,
        legs,
        function,
        function_arn,
    }
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn seeded_fan_out_reads_correctly() {
    let seeded = seed_fan_out("fan").await;
    let collected = collect().await;
    assert_loaded(&collected);
    let tree = topology::build(&collected.inventory);

    let topic = topic_node(&tree.topics, &seeded.topic_arn);
    assert_eq!(topic.name, seeded.topic_name);
    assert!(!topic.fifo);
    assert_eq!(topic.subscriptions.len(), 3, "{topic:#?}");

    for (i, leg) in seeded.legs.iter().enumerate() {
        let sub = subscription_node(topic, &leg.subscription_arn);
        assert_eq!(sub.protocol, "sqs");
        assert_eq!(sub.endpoint, leg.arn);
        assert!(!sub.queue_missing);
        assert!(!sub.pending_confirmation);
        assert_eq!(sub.dlq_arn, None);
        assert_eq!(sub.dlq, None);
        assert_eq!(sub.warning, None);
        if i == 0 {
            assert_eq!(sub.filter_policy, Some(json(LEG_FILTER)));
            assert!(sub.raw_message_delivery);
        } else {
            assert_eq!(sub.filter_policy, None);
            assert!(!sub.raw_message_delivery);
        }

        let queue = sub
            .queue
            .as_ref()
            .unwrap_or_else(|| panic!("{}: no queue node", leg.name));
        assert_eq!(queue.queue.name, leg.name);
        assert_eq!(queue.queue.arn, leg.arn);
        assert!(!queue.queue.fifo);
        assert!(!queue.queue.is_dlq, "{} is no DLQ", leg.name);
        assert_eq!(queue.queue.dlq_arn.as_deref(), Some(leg.dlq_arn.as_str()));
        assert_eq!(queue.queue.max_receive_count, Some(leg.max_receive_count));
        assert_eq!(queue.consumers_error, None);

        let dlq = present(queue.dlq.as_ref(), &leg.name);
        assert_eq!(dlq.queue.name, leg.dlq_name);
        assert_eq!(dlq.queue.arn, leg.dlq_arn);
        assert!(dlq.queue.is_dlq, "{} is a DLQ", leg.dlq_name);
        assert_eq!(dlq.dlq, None);
        assert!(dlq.consumers.is_empty());

        if i == 1 {
            assert_eq!(queue.consumers.len(), 1, "{:?}", queue.consumers);
            let consumer = &queue.consumers[0];
            assert_eq!(consumer.function_name, seeded.function);
            assert_eq!(consumer.function_arn, seeded.function_arn);
            assert_eq!(consumer.batch_size, Some(BATCH_SIZE));
            assert!(!consumer.state.is_empty());
        } else {
            assert!(queue.consumers.is_empty(), "{:?}", queue.consumers);
        }
    }

    // Neither the subscribed queues nor their DLQs are "unsubscribed" roots.
    let ours: BTreeSet<&str> = seeded
        .legs
        .iter()
        .flat_map(|l| [l.name.as_str(), l.dlq_name.as_str()])
        .collect();
    let stray: Vec<&str> = tree
        .unsubscribed
        .iter()
        .map(|q| q.queue.name.as_str())
        .filter(|n| ours.contains(n))
        .collect();
    assert!(stray.is_empty(), "listed as unsubscribed: {stray:?}");
}

/// Runs the built binary against the shared LocalStack; returns its stdout.
async fn squall(args: &[&str]) -> String {
    let (stdout, stderr) = run_squall(localstack(), args).await;
    // Nothing missing: a queue other tests delete meanwhile is gone, not missing.
    assert!(
        stderr.is_empty(),
        "squall {args:?} said:
{stderr}"
    );
    stdout
}

fn assert_keys(value: &Value, keys: &[&str], what: &str) {
    let object = value
        .as_object()
        .unwrap_or_else(|| panic!("{what}: not an object: {value}"));
    for key in keys {
        assert!(object.contains_key(*key), "{what}: no `{key}` in {value:#}");
    }
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn ls_topology_json_end_to_end() {
    let seeded = seed_fan_out("lsfan").await;
    let stdout = squall(&["ls", "topology", "--json"]).await;
    let topics = json(&stdout);
    let found: Vec<&Value> = topics
        .as_array()
        .expect("an array of topics")
        .iter()
        .filter(|t| t["name"] == seeded.topic_name.as_str())
        .collect();
    assert_eq!(
        found.len(),
        1,
        "{} listed {} times",
        seeded.topic_name,
        found.len()
    );
    let topic = found[0];
    assert_keys(topic, &["name", "arn", "fifo", "subscriptions"], "topic");
    assert_eq!(topic["arn"], seeded.topic_arn.as_str());
    assert_eq!(topic["fifo"], false);
    let subscriptions = topic["subscriptions"]
        .as_array()
        .expect("subscriptions array");
    assert_eq!(subscriptions.len(), 3, "{topic:#}");

    for (i, leg) in seeded.legs.iter().enumerate() {
        let sub = subscriptions
            .iter()
            .find(|s| s["arn"] == leg.subscription_arn.as_str())
            .unwrap_or_else(|| panic!("{} not listed: {topic:#}", leg.subscription_arn));
        assert_keys(
            sub,
            &[
                "arn",
                "protocol",
                "endpoint",
                "raw_message_delivery",
                "filter_policy",
                "dlq_arn",
                "queue",
            ],
            "subscription",
        );
        assert_eq!(sub["protocol"], "sqs");
        assert_eq!(sub["endpoint"], leg.arn.as_str());
        assert_eq!(sub["raw_message_delivery"], i == 0);
        assert_eq!(sub["dlq_arn"], Value::Null);
        if i == 0 {
            assert_eq!(sub["filter_policy"], json(LEG_FILTER));
        } else {
            assert_eq!(sub["filter_policy"], Value::Null);
        }

        let queue = &sub["queue"];
        let queue_keys = [
            "name",
            "arn",
            "url",
            "fifo",
            "visible",
            "in_flight",
            "delayed",
            "dlq_arn",
            "max_receive_count",
            "dlq",
            "consumers",
        ];
        assert_keys(queue, &queue_keys, "queue");
        assert_eq!(queue["name"], leg.name.as_str());
        assert_eq!(queue["arn"], leg.arn.as_str());
        let url = queue["url"].as_str().expect("url is a string");
        assert!(
            url.ends_with(&format!("/{ACCOUNT_ID}/{}", leg.name)),
            "{url}"
        );
        assert_eq!(queue["fifo"], false);
        for count in ["visible", "in_flight", "delayed"] {
            assert_eq!(queue[count], 0, "{count} of {}", leg.name);
        }
        assert_eq!(queue["dlq_arn"], leg.dlq_arn.as_str());
        assert_eq!(queue["max_receive_count"], leg.max_receive_count);

        let dlq = &queue["dlq"];
        assert!(dlq.is_object(), "dlq of {}: {dlq}", leg.name);
        assert_eq!(dlq["name"], leg.dlq_name.as_str());
        assert_eq!(dlq["arn"], leg.dlq_arn.as_str());

        let consumers = queue["consumers"].as_array().expect("consumers array");
        for consumer in consumers {
            assert_keys(
                consumer,
                &["function_name", "state", "batch_size"],
                "consumer",
            );
        }
        if i == 1 {
            assert_eq!(consumers.len(), 1, "{queue:#}");
            assert_eq!(consumers[0]["function_name"], seeded.function.as_str());
            assert_eq!(consumers[0]["batch_size"], BATCH_SIZE);
            assert!(consumers[0]["state"].is_string());
        } else {
            assert!(consumers.is_empty(), "{queue:#}");
        }
    }

    let text = squall(&["ls", "topology"]).await;
    assert!(text.contains(&seeded.topic_name), "{text}");
    for leg in &seeded.legs {
        assert!(
            text.contains(&format!("queue {}", leg.name)),
            "{}:\n{text}",
            leg.name
        );
        assert!(
            text.contains(&format!("DLQ {}", leg.dlq_name)),
            "{}:\n{text}",
            leg.dlq_name
        );
    }
    assert!(text.contains(&format!("λ {}", seeded.function)), "{text}");
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn fifo_topic_to_fifo_queue() {
    let ls = localstack();
    let (sqs, sns) = (ls.sqs().await, ls.sns().await);
    let base = unique_name("fifo");
    let topic_name = format!("{base}.fifo");
    let queue_name = format!("{base}-q.fifo");
    let topic_arn = create_topic(&sns, &topic_name, &[]).await;
    let (_, queue_arn) = create_queue(&sqs, &queue_name, &[]).await;
    let sub_arn = subscribe_queue(&sns, &topic_arn, &queue_arn, &[]).await;

    let collected = collect().await;
    assert_loaded(&collected);
    let tree = topology::build(&collected.inventory);
    let topic = topic_node(&tree.topics, &topic_arn);
    assert_eq!(topic.name, topic_name);
    assert!(topic.fifo, "{topic:#?}");
    assert_eq!(topic.subscriptions.len(), 1);
    let sub = subscription_node(topic, &sub_arn);
    assert_eq!(sub.endpoint, queue_arn);
    let queue = sub.queue.as_ref().expect("the FIFO queue node");
    assert_eq!(queue.queue.name, queue_name);
    assert!(queue.queue.fifo, "{queue:#?}");
    assert_eq!(queue.dlq, None);
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn subscription_with_its_own_dlq_and_a_missing_target() {
    let ls = localstack();
    let (sqs, sns) = (ls.sqs().await, ls.sns().await);
    let base = unique_name("gaps");
    let topic_arn = create_topic(&sns, &base, &[]).await;

    // A subscription dead-lettering into an existing queue.
    let (_, queue_arn) = create_queue(&sqs, &format!("{base}-q"), &[]).await;
    let sub_dlq_name = format!("{base}-sub-dlq");
    let (_, sub_dlq_arn) = create_queue(&sqs, &sub_dlq_name, &[]).await;
    let redrive = serde_json::json!({ "deadLetterTargetArn": sub_dlq_arn }).to_string();
    let with_dlq =
        subscribe_queue(&sns, &topic_arn, &queue_arn, &[("RedrivePolicy", &redrive)]).await;

    // A subscription to a queue that was never created.
    let missing_queue = format!("arn:aws:sqs:{REGION}:{ACCOUNT_ID}:{base}-never-created");
    let to_missing = subscribe_queue(&sns, &topic_arn, &missing_queue, &[]).await;

    // A queue whose redrive policy targets a DLQ that no longer exists.
    let orphan_name = format!("{base}-orphan");
    let (orphan_url, orphan_arn) = create_queue(&sqs, &orphan_name, &[]).await;
    let (gone_url, gone_arn) = create_queue(&sqs, &format!("{base}-gone-dlq"), &[]).await;
    set_redrive(&sqs, &orphan_url, &gone_arn, 2).await;
    sqs.delete_queue()
        .queue_url(&gone_url)
        .send()
        .await
        .expect("DeleteQueue");
    let orphan_sub = subscribe_queue(&sns, &topic_arn, &orphan_arn, &[]).await;

    // And one, fed by no topic, whose DLQ never existed (LocalStack accepts that policy).
    let stray_name = format!("{base}-stray");
    let (stray_url, _) = create_queue(&sqs, &stray_name, &[]).await;
    let never_arn = format!("arn:aws:sqs:{REGION}:{ACCOUNT_ID}:{base}-never-dlq");
    set_redrive(&sqs, &stray_url, &never_arn, 4).await;

    let collected = collect().await;
    assert_loaded(&collected);
    let inventory = &collected.inventory;
    assert!(
        inventory.queue_by_arn(&gone_arn).is_none(),
        "the deleted DLQ is still listed"
    );
    assert!(
        inventory.is_dlq(&sub_dlq_arn),
        "a subscription DLQ is a DLQ"
    );
    assert!(!inventory.is_dlq(&queue_arn));
    let tree = topology::build(inventory);
    let topic = topic_node(&tree.topics, &topic_arn);
    assert_eq!(topic.subscriptions.len(), 3, "{topic:#?}");

    let sub = subscription_node(topic, &with_dlq);
    assert_eq!(sub.dlq_arn.as_deref(), Some(sub_dlq_arn.as_str()));
    let sub_dlq = present(sub.dlq.as_ref(), "subscription DLQ");
    assert_eq!(sub_dlq.queue.name, sub_dlq_name);
    assert!(sub_dlq.queue.is_dlq);
    let queue = sub.queue.as_ref().expect("the subscribed queue");
    assert_eq!(queue.queue.arn, queue_arn);
    assert_eq!(queue.dlq, None);
    assert!(!sub.queue_missing);

    let missing = subscription_node(topic, &to_missing);
    assert_eq!(missing.endpoint, missing_queue);
    assert!(missing.queue.is_none(), "{missing:#?}");
    assert!(missing.queue_missing);
    assert_eq!(missing.dlq, None);

    let orphan = subscription_node(topic, &orphan_sub);
    let orphan_queue = orphan.queue.as_ref().expect("the orphan queue");
    assert_eq!(orphan_queue.queue.name, orphan_name);
    assert_eq!(
        orphan_queue.queue.dlq_arn.as_deref(),
        Some(gone_arn.as_str())
    );
    assert_eq!(
        orphan_queue.dlq,
        Some(DlqNode::Missing {
            arn: gone_arn.clone()
        })
    );

    let stray: Vec<&QueueNode> = tree
        .unsubscribed
        .iter()
        .filter(|q| q.queue.name == stray_name)
        .collect();
    assert_eq!(stray.len(), 1, "{stray_name} is an unsubscribed root once");
    assert_eq!(stray[0].queue.max_receive_count, Some(4));
    assert_eq!(stray[0].dlq, Some(DlqNode::Missing { arn: never_arn }));

    // The subscription DLQ hangs under its subscription, not under "(no topic)".
    assert!(
        tree.unsubscribed.iter().all(|q| q.queue.arn != sub_dlq_arn),
        "the subscription DLQ is listed as unsubscribed"
    );
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn counts_are_live() {
    let ls = localstack();
    let (sqs, sns) = (ls.sqs().await, ls.sns().await);
    let base = unique_name("live");
    let topic_arn = create_topic(&sns, &base, &[]).await;
    let (url, queue_arn) = create_queue(&sqs, &format!("{base}-q"), &[]).await;
    let sub_arn = subscribe_queue(&sns, &topic_arn, &queue_arn, &[]).await;

    send_messages(&sqs, &url, 3).await;
    for i in 0..2 {
        sns.publish()
            .topic_arn(&topic_arn)
            .message(format!("published-{i}"))
            .send()
            .await
            .expect("Publish");
    }

    let visible = || async {
        let collected = collect().await;
        assert_loaded(&collected);
        let tree = topology::build(&collected.inventory);
        let topic = topic_node(&tree.topics, &topic_arn);
        let sub = subscription_node(topic, &sub_arn);
        sub.queue
            .as_ref()
            .expect("the subscribed queue")
            .queue
            .visible
    };
    let reached = wait_until(Duration::from_secs(20), || async { visible().await >= 5 }).await;
    let last = visible().await;
    assert!(reached, "visible stayed at {last}, expected 5");
    assert_eq!(last, 5, "3 sent + 2 published");
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_numeric_filter_policy_reads_with_its_operator() {
    let seeded = seed_fan_out("lsfilter").await;
    // LEG_FILTER: {"type":["order_placed"],"amount":[{"numeric":[">",100]}]}
    let table = squall(&["ls", "subscriptions"]).await;
    let ours: Vec<&str> = table
        .lines()
        .filter(|line| line.contains(seeded.topic_name.as_str()))
        .collect();
    assert!(
        ours.iter()
            .any(|line| line.contains("amount>100 type=order_placed")),
        "{table}"
    );
    assert!(!table.contains("amount=…"), "{table}");
    let tree = squall(&["ls", "topology"]).await;
    assert!(
        tree.contains("filter amount>100 type=order_placed"),
        "{tree}"
    );
}
