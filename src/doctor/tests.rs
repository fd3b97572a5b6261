//! Each rule against a correctly wired fan-out with one thing broken; the fan-out as it
//! should be produces no finding at all.

use std::collections::BTreeMap;

use super::*;
use crate::domain::{EventSourceMapping, LambdaFunction, Queue, Subscription, Topic};

const REGION: &str = "us-east-1";
const TOPIC: &str = "arn:aws:sns:us-east-1:111:orders";
const FIFO_TOPIC: &str = "arn:aws:sns:us-east-1:111:payments.fifo";
const SUB: &str = "arn:aws:sns:us-east-1:111:orders:s1";
const FUNCTION: &str = "arn:aws:lambda:us-east-1:111:function:worker";

fn arn(name: &str) -> String {
    format!("arn:aws:sqs:{REGION}:111:{name}")
}

fn sns_policy(queue: &str, topic: &str) -> String {
    format!(
        r#"{{"Version":"2012-10-17","Statement":[{{"Effect":"Allow","Principal":{{"Service":"sns.amazonaws.com"}},"Action":"sqs:SendMessage","Resource":"{}","Condition":{{"ArnEquals":{{"aws:SourceArn":"{topic}"}}}}}}]}}"#,
        arn(queue)
    )
}

/// The pieces of a small fan-out, each editable before `build`.
struct World {
    queues: Vec<BTreeMap<String, String>>,
    subscriptions: Vec<Subscription>,
    mapping: EventSourceMapping,
    timeout: i32,
}

fn attrs(name: &str, pairs: &[(&str, String)]) -> BTreeMap<String, String> {
    let mut map: BTreeMap<String, String> = pairs
        .iter()
        .map(|(k, v)| (k.to_string(), v.clone()))
        .collect();
    map.insert("QueueArn".into(), arn(name));
    map
}

/// orders topic → orders queue (DLQ orders-dlq, consumed by `worker` with partial batch
/// responses, visibility 6× its timeout) with a subscription DLQ `orders-sub-dlq`.
fn wired() -> World {
    World {
        queues: vec![
            attrs(
                "orders",
                &[
                    ("VisibilityTimeout", "180".into()),
                    ("MessageRetentionPeriod", "345600".into()),
                    (
                        "RedrivePolicy",
                        format!(
                            r#"{{"deadLetterTargetArn":"{}","maxReceiveCount":5}}"#,
                            arn("orders-dlq")
                        ),
                    ),
                    ("Policy", sns_policy("orders", TOPIC)),
                    ("KmsMasterKeyId", "alias/orders-key".into()),
                ],
            ),
            attrs(
                "orders-dlq",
                &[
                    ("MessageRetentionPeriod", "1209600".into()),
                    (
                        "RedriveAllowPolicy",
                        format!(
                            r#"{{"redrivePermission":"byQueue","sourceQueueArns":["{}"]}}"#,
                            arn("orders")
                        ),
                    ),
                ],
            ),
            attrs(
                "orders-sub-dlq",
                &[
                    ("MessageRetentionPeriod", "1209600".into()),
                    ("Policy", sns_policy("orders-sub-dlq", TOPIC)),
                ],
            ),
        ],
        subscriptions: vec![
            Subscription::listed(SUB, TOPIC, "sqs", &arn("orders"), None).with_attributes(
                [(
                    "RedrivePolicy".to_string(),
                    format!(r#"{{"deadLetterTargetArn":"{}"}}"#, arn("orders-sub-dlq")),
                )]
                .into_iter()
                .collect(),
            ),
        ],
        mapping: EventSourceMapping {
            uuid: "m1".into(),
            function_arn: FUNCTION.into(),
            event_source_arn: arn("orders"),
            state: "Enabled".into(),
            batch_size: Some(10),
            function_response_types: vec!["ReportBatchItemFailures".into()],
        },
        timeout: 30,
    }
}

impl World {
    fn queue(&mut self, name: &str) -> &mut BTreeMap<String, String> {
        let arn = arn(name);
        self.queues
            .iter_mut()
            .find(|q| q.get("QueueArn") == Some(&arn))
            .expect("queue in the world")
    }

    fn set(&mut self, queue: &str, key: &str, value: &str) -> &mut World {
        self.queue(queue).insert(key.into(), value.into());
        self
    }

    fn add_queue(&mut self, name: &str, pairs: &[(&str, String)]) -> &mut World {
        self.queues.push(attrs(name, pairs));
        self
    }

    fn build(&self) -> Inventory {
        let mut inventory = Inventory::default();
        let queues: Vec<Queue> = self
            .queues
            .iter()
            .map(|a| {
                let name = a["QueueArn"].rsplit(':').next().unwrap_or_default();
                Queue::from_attributes(&format!("https://sqs/111/{name}"), a.clone(), REGION)
            })
            .collect();
        inventory.upsert_queues(queues, 1);
        inventory.finish_queues(1);
        inventory.set_topics(vec![
            Topic::from_attributes(TOPIC, BTreeMap::new()),
            Topic::from_attributes(FIFO_TOPIC, BTreeMap::new()),
        ]);
        inventory.set_subscriptions(self.subscriptions.clone());
        inventory.set_mappings(vec![self.mapping.clone()]);
        inventory.set_functions(vec![LambdaFunction {
            role: None,
            role_policies: Default::default(),
            name: "worker".into(),
            arn: FUNCTION.into(),
            runtime: None,
            memory_mb: None,
            timeout_seconds: Some(self.timeout),
            last_modified: None,
            dlq_arn: None,
            logging: Default::default(),
            invoke_config: Default::default(),
        }]);
        inventory
    }

    fn rules(&self) -> Vec<&'static str> {
        diagnose(&self.build()).iter().map(|f| f.rule).collect()
    }
}

#[test]
fn a_correctly_wired_fan_out_has_no_finding() {
    assert_eq!(diagnose(&wired().build()), Vec::<Finding>::new());
}

#[test]
fn visibility_under_six_times_the_function_timeout() {
    let mut world = wired();
    world.timeout = 31;
    assert_eq!(world.rules(), ["lambda-visibility-timeout"]);
    let findings = diagnose(&world.build());
    assert_eq!(findings[0].resources, [arn("orders"), FUNCTION.to_string()]);
    assert!(findings[0].fix.contains("186 s"));
}

#[test]
fn lambda_queue_without_redrive_or_with_few_receives() {
    let mut world = wired();
    world.queue("orders").remove("RedrivePolicy");
    assert_eq!(world.rules(), ["lambda-queue-no-redrive"]);
    let mut world = wired();
    world.set(
        "orders",
        "RedrivePolicy",
        &format!(
            r#"{{"deadLetterTargetArn":"{}","maxReceiveCount":"4"}}"#,
            arn("orders-dlq")
        ),
    );
    assert_eq!(world.rules(), ["lambda-low-max-receive-count"]);
}

#[test]
fn dlq_retention_not_longer_than_a_standard_source() {
    let mut world = wired();
    world.set("orders-dlq", "MessageRetentionPeriod", "345600");
    assert_eq!(world.rules(), ["dlq-retention"]);
}

#[test]
fn queue_policy_that_does_not_let_the_topic_send() {
    let mut world = wired();
    world.set(
        "orders",
        "Policy",
        &sns_policy("orders", "arn:aws:sns:us-east-1:111:other"),
    );
    assert_eq!(world.rules(), ["sns-queue-policy"]);
    let mut world = wired();
    world.queue("orders").remove("Policy");
    assert_eq!(world.rules(), ["sns-queue-policy"]);
}

#[test]
fn subscription_dlq_that_sns_may_not_write_to_or_that_is_missing() {
    let mut world = wired();
    world.queue("orders-sub-dlq").remove("Policy");
    assert_eq!(world.rules(), ["sns-dlq-policy"]);
    let mut world = wired();
    world
        .queues
        .retain(|q| q["QueueArn"] != arn("orders-sub-dlq"));
    assert_eq!(world.rules(), ["sns-dlq-missing"]);
}

#[test]
fn subscribed_queue_encrypted_with_the_aws_managed_key() {
    let mut world = wired();
    world.set("orders", "KmsMasterKeyId", "alias/aws/sqs");
    assert_eq!(world.rules(), ["sns-kms-aws-managed-key"]);
}

#[test]
fn subscription_without_dlq_and_pending_subscription() {
    let mut world = wired();
    world.subscriptions[0] = Subscription::listed(SUB, TOPIC, "sqs", &arn("orders"), None)
        .with_attributes(BTreeMap::new());
    assert_eq!(world.rules(), ["sns-no-subscription-dlq"]);
    let mut world = wired();
    world.subscriptions.push(Subscription::listed(
        "PendingConfirmation",
        TOPIC,
        "email",
        "oncall@example.com",
        None,
    ));
    assert_eq!(world.rules(), ["sns-pending-confirmation"]);
}

#[test]
fn fifo_topic_with_standard_queue_and_the_reverse() {
    let mut world = wired();
    world.set("orders", "Policy", &sns_policy("orders", FIFO_TOPIC));
    world.set(
        "orders-sub-dlq",
        "Policy",
        &sns_policy("orders-sub-dlq", FIFO_TOPIC),
    );
    world.subscriptions[0].topic_arn = FIFO_TOPIC.into();
    assert_eq!(world.rules(), ["sns-fifo-mismatch"]);
    let mut world = wired();
    world.add_queue(
        "audit.fifo",
        &[
            ("FifoQueue", "true".into()),
            ("Policy", sns_policy("audit.fifo", TOPIC)),
        ],
    );
    world.subscriptions.push(
        Subscription::listed(
            "arn:aws:sns:us-east-1:111:orders:s2",
            TOPIC,
            "sqs",
            &arn("audit.fifo"),
            None,
        )
        .with_attributes(
            [(
                "RedrivePolicy".to_string(),
                format!(r#"{{"deadLetterTargetArn":"{}"}}"#, arn("orders-sub-dlq")),
            )]
            .into_iter()
            .collect(),
        ),
    );
    assert_eq!(world.rules(), ["sns-fifo-mismatch"]);
}

#[test]
fn mapping_without_report_batch_item_failures() {
    let mut world = wired();
    world.mapping.function_response_types.clear();
    assert_eq!(world.rules(), ["lambda-no-batch-item-failures"]);
}

#[test]
fn redrive_to_a_missing_queue() {
    let mut world = wired();
    world.queues.retain(|q| q["QueueArn"] != arn("orders-dlq"));
    assert_eq!(world.rules(), ["dlq-missing"]);
}

#[test]
fn a_dlq_cycle_is_reported_once() {
    let mut world = wired();
    world.set(
        "orders-dlq",
        "RedrivePolicy",
        &format!(
            r#"{{"deadLetterTargetArn":"{}","maxReceiveCount":5}}"#,
            arn("orders")
        ),
    );
    // orders is then also a DLQ (of orders-dlq), consumed by a Lambda, keeping messages
    // shorter than orders-dlq does.
    assert_eq!(
        world.rules(),
        ["dlq-cycle", "dlq-consumed-by-lambda", "dlq-retention"]
    );
    let findings = diagnose(&world.build());
    assert_eq!(findings[0].resources, [arn("orders"), arn("orders-dlq")]);
    assert_eq!(findings[0].severity, Severity::Error);
}

#[test]
fn redrive_allow_policy_that_denies_its_source() {
    let mut world = wired();
    world.set(
        "orders-dlq",
        "RedriveAllowPolicy",
        r#"{"redrivePermission":"denyAll"}"#,
    );
    assert_eq!(world.rules(), ["dlq-redrive-denied"]);
    let mut world = wired();
    world.set(
        "orders-dlq",
        "RedriveAllowPolicy",
        &format!(
            r#"{{"redrivePermission":"byQueue","sourceQueueArns":["{}"]}}"#,
            arn("x")
        ),
    );
    assert_eq!(world.rules(), ["dlq-redrive-denied"]);
}

#[test]
fn a_dlq_consumed_by_a_lambda() {
    let mut world = wired();
    world.mapping.event_source_arn = arn("orders-dlq");
    // The DLQ is now a consumed queue too: it has no redrive of its own (its visibility
    // timeout is unknown here, so that rule stays quiet).
    assert_eq!(
        world.rules(),
        ["dlq-consumed-by-lambda", "lambda-queue-no-redrive"]
    );
}

#[test]
fn subscription_to_a_deleted_queue() {
    let mut world = wired();
    world.subscriptions.push(Subscription::listed(
        "arn:aws:sns:us-east-1:111:orders:s3",
        TOPIC,
        "sqs",
        &arn("gone"),
        None,
    ));
    assert_eq!(world.rules(), ["sns-queue-missing"]);
}

#[test]
fn mapping_of_a_deleted_queue() {
    let mut world = wired();
    world.mapping.event_source_arn = arn("gone");
    assert_eq!(world.rules(), ["lambda-queue-missing"]);
    let findings = diagnose(&world.build());
    assert_eq!(findings[0].resources, [arn("gone"), FUNCTION.to_string()]);
    assert!(
        findings[0].message.contains("polls queue gone"),
        "{}",
        findings[0].message
    );
    // Another account's queue, a stream, or an unfinished queue listing: not known missing.
    world.mapping.event_source_arn = "arn:aws:sqs:us-east-1:222:gone".into();
    assert!(world.rules().is_empty());
    world.mapping.event_source_arn = "arn:aws:kinesis:us-east-1:111:stream/s".into();
    assert!(world.rules().is_empty());
    world.mapping.event_source_arn = arn("gone");
    let mut inventory = world.build();
    let error = crate::aws::ApiError::throttled("ListQueues", "slow down");
    inventory.set_error(crate::inventory::Source::Queues, error);
    assert!(diagnose(&inventory).is_empty());
}

#[test]
fn findings_are_worst_first_and_filtered_by_resource() {
    let mut world = wired();
    world.timeout = 31;
    world.set(
        "orders",
        "KmsMasterKeyId",
        "arn:aws:kms:us-east-1:111:alias/aws/sqs",
    );
    let findings = diagnose(&world.build());
    assert_eq!(worst(&findings), Some(Severity::Error));
    assert_eq!(findings[0].rule, "sns-kms-aws-managed-key");
    assert_eq!(findings_for(&findings, FUNCTION).count(), 1);
    let json = serde_json::to_value(&findings[0]).expect("json");
    assert_eq!(json["severity"], "error");
}

#[tokio::test]
async fn the_demo_world_shows_its_planted_misconfigurations_and_only_those() {
    let backend = crate::sim::demo_backend(crate::sim::DEFAULT_SEED);
    let collected =
        crate::inventory::collect_inventory(&backend, 4, &crate::inventory::Source::ALL).await;
    let findings = diagnose(&collected.inventory);
    let on = |rule: &str| -> Vec<String> {
        findings
            .iter()
            .filter(|f| f.rule == rule)
            .map(|f| crate::domain::arn::resource_name(&f.resources[0]).to_string())
            .collect()
    };
    assert_eq!(on("lambda-visibility-timeout"), ["search-indexer"]);
    assert_eq!(on("dlq-retention"), ["webhooks-outbound-dlq"]);
    assert_eq!(on("dlq-missing"), ["reports-adhoc"]);
    assert_eq!(on("sns-queue-missing").len(), 1);
    assert_eq!(on("sns-pending-confirmation").len(), 1);
    // The simulated queues carry the documented SNS policy, except the story's miswired
    // subscription DLQ, which was never given one.
    assert!(on("sns-queue-policy").is_empty());
    assert_eq!(on("sns-dlq-policy"), ["customer-notify-sub-dlq"]);
    // search-indexer-fn and three of the story's consumers report batch item failures; the
    // other nine mappings do not, the failing shipping consumer among them.
    let no_item_failures = on("lambda-no-batch-item-failures");
    assert_eq!(no_item_failures.len(), 9);
    assert!(!no_item_failures.contains(&"search-indexer".to_string()));
    assert!(no_item_failures.contains(&crate::sim::SHIPPING_QUEUE.to_string()));
}
