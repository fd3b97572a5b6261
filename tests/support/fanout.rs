//! SNS → SQS → DLQ → Lambda fixtures: topics, subscriptions, functions and event source
//! mappings on an emulator, and a squall [`Backend`] talking to it.
//!
//! LocalStack facts (2026.3.0, no Docker): CreateFunction succeeds but the function ends in
//! State `Failed`; ListFunctions and event source mappings still work. Subscribing a queue ARN
//! that was never created succeeds.

use std::time::Duration;

use aws_sdk_lambda::primitives::Blob;
use aws_sdk_lambda::types::{DeadLetterConfig, FunctionCode, Runtime, State};
use aws_sdk_sns::error::DisplayErrorContext;
use squall::aws::{Backend, ConnectionInfo};

use super::emulator::{Emulator, REGION};
use super::sqs::{create_queue, set_redrive};

/// The execution role [`create_function`] gives (LocalStack does not check it; moto does, see
/// `Moto::create_role`).
pub const LAMBDA_ROLE: &str = "arn:aws:iam::000000000000:role/lambda-role";

/// A squall backend with the real SDK directories (as `squall --endpoint-url` builds them),
/// pointing at `emulator`.
pub async fn sdk_backend<S>(emulator: &Emulator<S>) -> Backend {
    let config = emulator.sdk_config().await;
    squall::aws::sdk_backend(
        &config,
        ConnectionInfo {
            profile: None,
            region: REGION.to_string(),
            endpoint: Some(emulator.endpoint()),
            demo: false,
        },
    )
}

/// Creates a topic (FIFO when `name` ends in `.fifo`) and returns its ARN.
pub async fn create_topic(sns: &aws_sdk_sns::Client, name: &str, attrs: &[(&str, &str)]) -> String {
    let mut req = sns.create_topic().name(name);
    if name.ends_with(".fifo") {
        req = req.attributes("FifoTopic", "true");
    }
    for (k, v) in attrs {
        req = req.attributes(*k, *v);
    }
    req.send()
        .await
        .unwrap_or_else(|e| panic!("CreateTopic {name}: {}", DisplayErrorContext(&e)))
        .topic_arn
        .unwrap_or_else(|| panic!("CreateTopic {name}: no TopicArn"))
}

/// Subscribes an SQS queue ARN to a topic with the given subscription attributes
/// (`FilterPolicy`, `RawMessageDelivery`, `RedrivePolicy`, …) and returns the subscription ARN.
pub async fn subscribe_queue(
    sns: &aws_sdk_sns::Client,
    topic_arn: &str,
    queue_arn: &str,
    attrs: &[(&str, &str)],
) -> String {
    let mut req = sns
        .subscribe()
        .topic_arn(topic_arn)
        .protocol("sqs")
        .endpoint(queue_arn)
        .return_subscription_arn(true);
    for (k, v) in attrs {
        req = req.attributes(*k, *v);
    }
    req.send()
        .await
        .unwrap_or_else(|e| {
            panic!(
                "Subscribe {queue_arn} to {topic_arn}: {}",
                DisplayErrorContext(&e)
            )
        })
        .subscription_arn
        .unwrap_or_else(|| panic!("Subscribe {queue_arn}: no SubscriptionArn"))
}

/// The filter policy of leg 0 in [`subscribe_legs`].
pub const LEG_FILTER: &str = r#"{"type":["order_placed"],"amount":[{"numeric":[">",100]}]}"#;

/// One subscribed queue of a seeded fan-out and its own DLQ.
pub struct Leg {
    pub name: String,
    pub arn: String,
    pub dlq_name: String,
    pub dlq_arn: String,
    pub max_receive_count: u32,
    pub subscription_arn: String,
}

/// Subscribes one queue per entry of `max_receive_counts` to `topic_arn`, each with its own DLQ
/// after that many receives: queue `{base}-q{i}`, DLQ `{base}-q{i}-dlq`. Leg 0's subscription
/// has [`LEG_FILTER`] and raw delivery; the others neither.
pub async fn subscribe_legs(
    sqs: &aws_sdk_sqs::Client,
    sns: &aws_sdk_sns::Client,
    topic_arn: &str,
    base: &str,
    max_receive_counts: &[u32],
) -> Vec<Leg> {
    let mut legs = Vec::new();
    for (i, &max_receive_count) in max_receive_counts.iter().enumerate() {
        let name = format!("{base}-q{i}");
        let dlq_name = format!("{base}-q{i}-dlq");
        let (_, dlq_arn) = create_queue(sqs, &dlq_name, &[]).await;
        let (url, arn) = create_queue(sqs, &name, &[]).await;
        set_redrive(sqs, &url, &dlq_arn, max_receive_count).await;
        let attrs: &[(&str, &str)] = if i == 0 {
            &[("FilterPolicy", LEG_FILTER), ("RawMessageDelivery", "true")]
        } else {
            &[]
        };
        let subscription_arn = subscribe_queue(sns, topic_arn, &arn, attrs).await;
        legs.push(Leg {
            name,
            arn,
            dlq_name,
            dlq_arn,
            max_receive_count,
            subscription_arn,
        });
    }
    legs
}

/// A zip archive with one stored (uncompressed) file.
pub fn stored_zip(name: &str, data: &[u8]) -> Vec<u8> {
    fn crc32(data: &[u8]) -> u32 {
        let mut crc = !0u32;
        for &byte in data {
            crc ^= u32::from(byte);
            for _ in 0..8 {
                crc = if crc & 1 != 0 {
                    (crc >> 1) ^ 0xEDB8_8320
                } else {
                    crc >> 1
                };
            }
        }
        !crc
    }
    let crc = crc32(data);
    let size = u32::try_from(data.len()).expect("small file");
    let name_len = u16::try_from(name.len()).expect("short name");
    // DOS date 1980-01-01, time 00:00.
    let (time, date) = (0u16, 0x0021u16);

    let mut zip = Vec::new();
    zip.extend_from_slice(&0x0403_4b50u32.to_le_bytes());
    for v in [20u16, 0, 0, time, date] {
        zip.extend_from_slice(&v.to_le_bytes());
    }
    for v in [crc, size, size] {
        zip.extend_from_slice(&v.to_le_bytes());
    }
    zip.extend_from_slice(&name_len.to_le_bytes());
    zip.extend_from_slice(&0u16.to_le_bytes());
    zip.extend_from_slice(name.as_bytes());
    zip.extend_from_slice(data);

    let central_offset = u32::try_from(zip.len()).expect("small zip");
    zip.extend_from_slice(&0x0201_4b50u32.to_le_bytes());
    for v in [20u16, 20, 0, 0, time, date] {
        zip.extend_from_slice(&v.to_le_bytes());
    }
    for v in [crc, size, size] {
        zip.extend_from_slice(&v.to_le_bytes());
    }
    // name length, extra, comment, disk, internal attributes; external attributes; offset
    for v in [name_len, 0, 0, 0, 0] {
        zip.extend_from_slice(&v.to_le_bytes());
    }
    zip.extend_from_slice(&0u32.to_le_bytes());
    zip.extend_from_slice(&0u32.to_le_bytes());
    zip.extend_from_slice(name.as_bytes());
    let central_size = u32::try_from(zip.len()).expect("small zip") - central_offset;

    zip.extend_from_slice(&0x0605_4b50u32.to_le_bytes());
    for v in [0u16, 0, 1, 1] {
        zip.extend_from_slice(&v.to_le_bytes());
    }
    zip.extend_from_slice(&central_size.to_le_bytes());
    zip.extend_from_slice(&central_offset.to_le_bytes());
    zip.extend_from_slice(&0u16.to_le_bytes());
    zip
}

/// A python handler that returns `{"ok": true}`, zipped as `handler.py`.
pub fn handler_zip() -> Blob {
    Blob::new(stored_zip(
        "handler.py",
        b"def handler(event, context):\n    return {\"ok\": True}\n",
    ))
}

/// Creates a python3.12 function with [`LAMBDA_ROLE`] and returns its ARN.
pub async fn create_function(
    lambda: &aws_sdk_lambda::Client,
    name: &str,
    memory_mb: i32,
    timeout_seconds: i32,
    dlq_arn: Option<&str>,
) -> String {
    create_function_with_role(
        lambda,
        name,
        LAMBDA_ROLE,
        memory_mb,
        timeout_seconds,
        dlq_arn,
    )
    .await
}

/// Creates a python3.12 function running as `role` and returns its ARN.
pub async fn create_function_with_role(
    lambda: &aws_sdk_lambda::Client,
    name: &str,
    role: &str,
    memory_mb: i32,
    timeout_seconds: i32,
    dlq_arn: Option<&str>,
) -> String {
    lambda
        .create_function()
        .function_name(name)
        .runtime(Runtime::Python312)
        .role(role)
        .handler("handler.handler")
        .code(FunctionCode::builder().zip_file(handler_zip()).build())
        .memory_size(memory_mb)
        .timeout(timeout_seconds)
        .set_dead_letter_config(
            dlq_arn.map(|arn| DeadLetterConfig::builder().target_arn(arn).build()),
        )
        .send()
        .await
        .unwrap_or_else(|e| panic!("CreateFunction {name}: {}", DisplayErrorContext(&e)))
        .function_arn
        .unwrap_or_else(|| panic!("CreateFunction {name}: no FunctionArn"))
}

/// Polls GetFunction until the function leaves `Pending`; returns the final state and reason.
pub async fn settled_state(lambda: &aws_sdk_lambda::Client, name: &str) -> (State, String) {
    let deadline = tokio::time::Instant::now() + Duration::from_secs(20);
    loop {
        let config = lambda
            .get_function()
            .function_name(name)
            .send()
            .await
            .unwrap_or_else(|e| panic!("GetFunction {name}: {}", DisplayErrorContext(&e)))
            .configuration
            .unwrap_or_else(|| panic!("GetFunction {name}: no Configuration"));
        let state = config.state.unwrap_or(State::Pending);
        let reason = config.state_reason.unwrap_or_default();
        if state != State::Pending {
            return (state, reason);
        }
        assert!(
            tokio::time::Instant::now() < deadline,
            "{name} still Pending after 20 s: {reason}"
        );
        tokio::time::sleep(Duration::from_millis(200)).await;
    }
}

/// Maps an SQS queue to a function and returns the mapping's UUID.
pub async fn map_queue(
    lambda: &aws_sdk_lambda::Client,
    function: &str,
    queue_arn: &str,
    batch_size: i32,
    enabled: bool,
) -> String {
    lambda
        .create_event_source_mapping()
        .function_name(function)
        .event_source_arn(queue_arn)
        .batch_size(batch_size)
        .enabled(enabled)
        .send()
        .await
        .unwrap_or_else(|e| {
            panic!(
                "CreateEventSourceMapping {queue_arn} → {function}: {}",
                DisplayErrorContext(&e)
            )
        })
        .uuid
        .unwrap_or_else(|| panic!("CreateEventSourceMapping {function}: no UUID"))
}
