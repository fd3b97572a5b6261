//! The redrive's invoke route against moto and LocalStack, through the loopback proxy
//! (tests/support/fault_proxy.rs), which records every Lambda `Invoke`: its function, its
//! `X-Amz-Invocation-Type` and its body. `squall redrive` runs as a user runs it; the
//! emulator is read directly afterwards.
//!
//! What the emulators do with an `Event` invoke of a function they cannot run (no Docker
//! here), found out by hand and held here:
//! * moto 5.2.5 answers `202` (it tries to run the function at once, fails, and says so in
//!   an `X-Amz-Function-Error` header and the body; AWS answers an Event invoke with 202 and
//!   nothing else): squall counts the event accepted and deletes its message.
//! * LocalStack answers `409 ResourceConflictException` ("the function is currently in the
//!   following state: Failed": creating its runtime needed Docker): squall keeps each
//!   message in the DLQ, counts it failed, reports the reason, and goes on with the others.
//!   Acceptance is proven on moto and on the simulated world (src/redrive/tests/invoke.rs).
//!
//! moto drops a function's `DeadLetterConfig`, so the moto tests redrive an on-failure
//! destination (the invocation record's `requestPayload` is invoked); LocalStack keeps it,
//! so the LocalStack test redrives a function DLQ (the body is invoked).

mod redrive_harness;
mod support;

use std::collections::BTreeSet;

use aws_sdk_lambda::types::{DestinationConfig, OnFailure};
use redrive_harness::{count, counts, ended, squall};
use support::emulator::Emulator;
use support::*;

/// A function and the queue its failed asynchronous invokes land in, holding `n` of them.
struct Fixture {
    function: String,
    dlq_name: String,
    dlq_url: String,
    /// The events the stored messages stand for, as stored.
    events: Vec<String>,
}

fn event(i: usize) -> String {
    format!(r#"{{"shipmentId":"s-{i}","carrier":"ups"}}"#)
}

/// moto: a function with an on-failure destination holding `n` invocation records.
async fn on_failure_fixture(emulator: &Emulator<MotoSpec>, prefix: &str, n: usize) -> Fixture {
    let (sqs, lambda) = (emulator.sqs().await, emulator.lambda().await);
    let function = unique_name(prefix);
    let dlq_name = format!("{function}-failures");
    let (dlq_url, dlq_arn) = create_queue(&sqs, &dlq_name, &[]).await;
    let role = emulator.create_role(&format!("{function}-role"));
    let arn = create_function_with_role(&lambda, &function, &role, 128, 3, None).await;
    lambda
        .put_function_event_invoke_config()
        .function_name(&function)
        .destination_config(
            DestinationConfig::builder()
                .on_failure(OnFailure::builder().destination(&dlq_arn).build())
                .build(),
        )
        .send()
        .await
        .expect("PutFunctionEventInvokeConfig");
    let events: Vec<String> = (0..n).map(event).collect();
    for (i, event) in events.iter().enumerate() {
        send_body(&sqs, &dlq_url, &record_of(event, &arn, i)).await;
    }
    Fixture {
        function,
        dlq_name,
        dlq_url,
        events,
    }
}

/// LocalStack: a function whose DLQ holds `n` events, as Lambda leaves them there.
async fn function_dlq_fixture<S>(emulator: &Emulator<S>, prefix: &str, n: usize) -> Fixture {
    let (sqs, lambda) = (emulator.sqs().await, emulator.lambda().await);
    let function = unique_name(prefix);
    let dlq_name = format!("{function}-dlq");
    let (dlq_url, dlq_arn) = create_queue(&sqs, &dlq_name, &[]).await;
    create_function(&lambda, &function, 128, 3, Some(&dlq_arn)).await;
    let events: Vec<String> = (0..n).map(event).collect();
    for event in &events {
        send_body(&sqs, &dlq_url, event).await;
    }
    Fixture {
        function,
        dlq_name,
        dlq_url,
        events,
    }
}

/// The invocation record Lambda sends an on-failure destination, with `event` as its
/// `requestPayload` exactly as written (Lambda does not reorder the event's keys).
fn record_of(event: &str, function_arn: &str, i: usize) -> String {
    format!(
        r#"{{"version":"1.0","timestamp":"2026-12-05T09:00:00.000Z","requestContext":{{"requestId":"req-{i}","functionArn":"{function_arn}:$LATEST","condition":"RetriesExhausted","approximateInvokeCount":3}},"requestPayload":{event},"responseContext":{{"statusCode":200,"executedVersion":"$LATEST","functionError":"Unhandled"}},"responsePayload":{{"errorMessage":"carrier timeout","errorType":"Error"}}}}"#
    )
}

async fn send_body(sqs: &aws_sdk_sqs::Client, url: &str, body: &str) {
    sqs.send_message()
        .queue_url(url)
        .message_body(body)
        .send()
        .await
        .expect("SendMessage");
}

/// `squall redrive DLQ --yes --json` (one worker) through a proxy with `faults` in front
/// of `emulator`: the exit code, the JSON summary, what the proxy saw, and all of it as text
/// for a failed assertion.
async fn redrive_through<S>(
    emulator: &Emulator<S>,
    fixture: &Fixture,
    faults: Faults,
) -> (i32, serde_json::Value, FaultStats, String) {
    let proxy = FaultProxy::start(([127, 0, 0, 1], emulator.port()).into(), faults).await;
    let data = tempfile::tempdir().expect("tempdir");
    let args = [
        "redrive",
        fixture.dlq_name.as_str(),
        "--yes",
        "--json",
        "--concurrency",
        "1",
        "--visibility-timeout",
        "20",
    ];
    let output = squall(&proxy.endpoint(), data.path(), &args)
        .output()
        .await
        .expect("running squall");
    let stats = proxy.shutdown().await;
    let (code, summary, stderr) = ended(&output);
    let said = format!(
        "exit {code}: {summary}\ninvokes: {:?}\nstderr:\n{stderr}",
        stats.invokes
    );
    (code, summary, stats, said)
}

/// Every Invoke the proxy saw went to the fixture's function, asynchronously.
fn all_async_to(stats: &FaultStats, fixture: &Fixture, said: &str) {
    for invoke in &stats.invokes {
        assert_eq!(invoke.function, fixture.function, "{said}");
        assert_eq!(invoke.invocation_type.as_deref(), Some("Event"), "{said}");
    }
}

fn bodies(stats: &FaultStats) -> BTreeSet<String> {
    stats.invokes.iter().map(|i| i.body.clone()).collect()
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn moto_accepts_each_event_invoke_and_the_destination_empties() {
    let emulator = moto();
    let fixture = on_failure_fixture(emulator, "li-ok", 3).await;
    let (code, summary, stats, said) = redrive_through(emulator, &fixture, Faults::default()).await;
    assert_eq!(code, 0, "{said}");
    assert_eq!(summary["end"], "drained", "{said}");
    assert_eq!(count(&summary, "moved"), 3, "{said}");
    assert_eq!(stats.invokes.len(), 3, "one Invoke per message: {said}");
    all_async_to(&stats, &fixture, &said);
    // The requestPayload of each record (not the record), byte for byte.
    let expected: BTreeSet<String> = fixture.events.iter().cloned().collect();
    assert_eq!(bodies(&stats), expected, "{said}");
    let sqs = emulator.sqs().await;
    assert_eq!(counts(&sqs, &fixture.dlq_url).await, (0, 0), "{said}");
    // What the README's permission table says this route asks for (a subscription's
    // attributes are read only when another test of this binary subscribed already).
    let actions: BTreeSet<&str> = stats
        .actions
        .keys()
        .map(String::as_str)
        .filter(|a| *a != "sns:GetSubscriptionAttributes")
        .collect();
    let expected: BTreeSet<&str> = [
        "sqs:ListQueues",
        "sqs:GetQueueAttributes",
        "sqs:ListDeadLetterSourceQueues",
        "sns:ListSubscriptions",
        "lambda:ListEventSourceMappings",
        "lambda:ListFunctions",
        "lambda:GetFunctionEventInvokeConfig",
        "sqs:ReceiveMessage",
        "lambda:InvokeFunction",
        "sqs:DeleteMessage",
    ]
    .into_iter()
    .collect();
    assert_eq!(actions, expected, "{said}");
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_refused_invoke_keeps_every_message_and_names_the_permission() {
    let emulator = moto();
    let fixture = on_failure_fixture(emulator, "li-deny", 2).await;
    let faults = Faults {
        deny_actions: vec!["lambda:InvokeFunction".into()],
        ..Faults::default()
    };
    let (code, summary, stats, said) = redrive_through(emulator, &fixture, faults).await;
    assert_eq!(code, 1, "{said}");
    assert_eq!(summary["end"], "failed", "{said}");
    let error = summary["error"].as_str().unwrap_or_default();
    assert!(
        error.contains(&format!("lambda:InvokeFunction on {}", fixture.function)),
        "{said}"
    );
    assert_eq!(count(&summary, "moved"), 0, "{said}");
    // One worker: the first Invoke was refused and nothing more was asked.
    assert_eq!(stats.invokes.len(), 1, "{said}");
    assert_eq!(
        stats.denied.get("lambda:InvokeFunction"),
        Some(&1),
        "{said}"
    );
    all_async_to(&stats, &fixture, &said);
    let sqs = emulator.sqs().await;
    let (visible, hidden) = counts(&sqs, &fixture.dlq_url).await;
    assert_eq!(visible + hidden, 2, "every message kept: {said}");
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_lost_invoke_answer_is_tried_again_and_counted_a_suspected_duplicate() {
    let emulator = moto();
    let fixture = on_failure_fixture(emulator, "li-lost", 2).await;
    let faults = Faults {
        drop_invokes: vec![1],
        ..Faults::default()
    };
    let (code, summary, stats, said) = redrive_through(emulator, &fixture, faults).await;
    assert_eq!(code, 0, "{said}");
    assert_eq!(stats.dropped.get("Invoke"), Some(&1), "{said}");
    assert_eq!(stats.invokes.len(), 3, "the lost one asked again: {said}");
    assert_eq!(stats.invokes[0].body, stats.invokes[1].body, "{said}");
    assert_eq!(count(&summary, "moved"), 2, "{said}");
    assert_eq!(count(&summary, "duplicates_suspected"), 1, "{said}");
    let sqs = emulator.sqs().await;
    assert_eq!(counts(&sqs, &fixture.dlq_url).await, (0, 0), "{said}");
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn localstack_refuses_an_event_invoke_it_cannot_run_and_each_message_is_kept() {
    let emulator = localstack();
    let fixture = function_dlq_fixture(emulator, "li-ls", 2).await;
    let (code, summary, stats, said) = redrive_through(emulator, &fixture, Faults::default()).await;
    // Each message's event asked once (a refusal of this kind is not asked again).
    assert_eq!(stats.invokes.len(), 2, "{said}");
    all_async_to(&stats, &fixture, &said);
    let expected: BTreeSet<String> = fixture.events.iter().cloned().collect();
    assert_eq!(bodies(&stats), expected, "the body, byte for byte: {said}");
    assert_eq!(count(&summary, "moved"), 0, "{said}");
    assert_eq!(count(&summary, "failed"), 2, "{said}");
    let kept = summary["kept"].to_string();
    assert!(kept.contains("ResourceConflictException"), "{said}");
    assert_eq!(code, 4, "messages left: {said}");
    let sqs = emulator.sqs().await;
    let (visible, hidden) = counts(&sqs, &fixture.dlq_url).await;
    assert_eq!(visible + hidden, 2, "every message kept: {said}");
}

/// An SNS `lambda` subscription's DLQ holds the SNS message (an envelope); the function is
/// invoked with the SNS event Lambda would have received, rebuilt from it.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_lambda_subscription_dlq_invokes_the_rebuilt_sns_event() {
    let emulator = moto();
    let (sqs, sns, lambda) = (
        emulator.sqs().await,
        emulator.sns().await,
        emulator.lambda().await,
    );
    let function = unique_name("li-sub");
    let dlq_name = format!("{function}-sub-dlq");
    let (dlq_url, dlq_arn) = create_queue(&sqs, &dlq_name, &[]).await;
    let role = emulator.create_role(&format!("{function}-role"));
    let arn = create_function_with_role(&lambda, &function, &role, 128, 3, None).await;
    let topic = create_topic(&sns, &format!("{function}-topic"), &[]).await;
    let subscription = sns
        .subscribe()
        .topic_arn(&topic)
        .protocol("lambda")
        .endpoint(&arn)
        .attributes(
            "RedrivePolicy",
            format!(r#"{{"deadLetterTargetArn":"{dlq_arn}"}}"#),
        )
        .return_subscription_arn(true)
        .send()
        .await
        .expect("Subscribe")
        .subscription_arn
        .expect("a subscription ARN");
    let envelope = serde_json::json!({
        "Type": "Notification",
        "MessageId": "6f1b0c1e-0000-4000-8000-000000000001",
        "TopicArn": topic,
        "Message": event(7),
        "Timestamp": "2026-12-05T09:00:00.000Z",
        "SignatureVersion": "1",
        "Signature": "c2ln",
        "SigningCertURL": "https://sns.us-east-1.amazonaws.com/cert.pem",
        "UnsubscribeURL": "https://sns.us-east-1.amazonaws.com/?Action=Unsubscribe",
    })
    .to_string();
    send_body(&sqs, &dlq_url, &envelope).await;
    let fixture = Fixture {
        function,
        dlq_name,
        dlq_url,
        events: Vec::new(),
    };
    let (code, summary, stats, said) = redrive_through(emulator, &fixture, Faults::default()).await;
    assert_eq!(code, 0, "{said}");
    assert_eq!(count(&summary, "moved"), 1, "{said}");
    assert_eq!(stats.invokes.len(), 1, "{said}");
    all_async_to(&stats, &fixture, &said);
    let sent: serde_json::Value =
        serde_json::from_str(&stats.invokes[0].body).expect("the event is JSON");
    let record = &sent["Records"][0];
    assert_eq!(record["EventSource"], "aws:sns", "{said}");
    assert_eq!(
        record["EventSubscriptionArn"],
        subscription.as_str(),
        "{said}"
    );
    assert_eq!(record["Sns"]["Message"], event(7).as_str(), "{said}");
    assert_eq!(record["Sns"]["TopicArn"], topic.as_str(), "{said}");
    assert_eq!(
        record["Sns"]["UnsubscribeUrl"], "https://sns.us-east-1.amazonaws.com/?Action=Unsubscribe",
        "{said}"
    );
    assert_eq!(record["Sns"]["Subject"], serde_json::Value::Null, "{said}");
    assert_eq!(counts(&sqs, &fixture.dlq_url).await, (0, 0), "{said}");
}
