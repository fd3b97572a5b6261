//! `squall doctor --json` against LocalStack: each misconfiguration LocalStack can hold is
//! seeded on resources of its own, next to a fan-out wired as AWS documents it, which must
//! produce no finding. The emulator is shared with other tests, so only findings naming this
//! test's resources (its unique prefix) are read.

mod support;

use std::collections::BTreeSet;

use aws_sdk_lambda::types::FunctionResponseType;
use serde_json::Value;
use support::emulator::Emulator;
use support::{
    create_function, create_function_with_role, create_queue, create_topic, localstack, moto,
    run_squall_status, set_redrive, subscribe_queue, unique_name,
};

fn sns_policy(queue_arn: &str, topic_arn: &str) -> String {
    format!(
        r#"{{"Version":"2012-10-17","Statement":[{{"Effect":"Allow","Principal":{{"Service":"sns.amazonaws.com"}},"Action":"sqs:SendMessage","Resource":"{queue_arn}","Condition":{{"ArnEquals":{{"aws:SourceArn":"{topic_arn}"}}}}}}]}}"#
    )
}

async fn set_attribute(sqs: &aws_sdk_sqs::Client, url: &str, name: &str, value: &str) {
    sqs.set_queue_attributes()
        .queue_url(url)
        .attributes(aws_sdk_sqs::types::QueueAttributeName::from(name), value)
        .send()
        .await
        .unwrap_or_else(|e| panic!("SetQueueAttributes {name} on {url}: {e:?}"));
}

async fn map(lambda: &aws_sdk_lambda::Client, function: &str, queue_arn: &str, partial: bool) {
    lambda
        .create_event_source_mapping()
        .function_name(function)
        .event_source_arn(queue_arn)
        .batch_size(10)
        .set_function_response_types(
            partial.then(|| vec![FunctionResponseType::ReportBatchItemFailures]),
        )
        .send()
        .await
        .unwrap_or_else(|e| panic!("CreateEventSourceMapping {queue_arn}: {e:?}"));
}

/// `(rule, name of each resource)` of every finding that names one of `base`'s resources.
fn findings_of(json: &str, base: &str) -> BTreeSet<(String, String)> {
    let findings: Vec<Value> = serde_json::from_str(json).expect("doctor --json is a JSON array");
    let mut seen = BTreeSet::new();
    for finding in findings {
        for key in ["rule", "severity", "message", "fix", "docs"] {
            assert!(finding[key].is_string(), "{key} missing in {finding}");
        }
        let rule = finding["rule"].as_str().unwrap_or_default().to_string();
        for resource in finding["resources"].as_array().expect("resources") {
            let arn = resource.as_str().expect("an ARN");
            let name = arn.rsplit(':').next().unwrap_or_default();
            if name.starts_with(base) {
                seen.insert((rule.clone(), name.to_string()));
            }
        }
    }
    seen
}

#[tokio::test(flavor = "multi_thread")]
async fn doctor_finds_each_seeded_misconfiguration_and_nothing_on_a_correct_fan_out() {
    seeded_world_findings(localstack(), None, &[]).await;
}

/// Seeds the correct fan-out and every misconfiguration on `emulator` (functions run as
/// `role` where the emulator checks it), runs `squall doctor --json` and checks each finding
/// is there, except the `(rule, resource)` pairs the emulator cannot hold (`unsupported`).
async fn seeded_world_findings<S>(
    emulator: &Emulator<S>,
    role: Option<&str>,
    unsupported: &[&str],
) {
    let (sqs, sns, lambda) = (
        emulator.sqs().await,
        emulator.sns().await,
        emulator.lambda().await,
    );
    let base = unique_name("doc");
    let name = |suffix: &str| format!("{base}-{suffix}");
    let topic = create_topic(&sns, &name("topic"), &[]).await;
    let function = name("fn");
    match role {
        Some(role) => create_function_with_role(&lambda, &function, role, 128, 30, None).await,
        None => create_function(&lambda, &function, 128, 30, None).await,
    };

    // The correct fan-out: policy for the topic, 180 s visibility (6 × 30 s), DLQ kept
    // longer than the queue, a subscription DLQ SNS may write to, partial batch responses.
    let (_, ok_dlq) = create_queue(
        &sqs,
        &name("ok-dlq"),
        &[("MessageRetentionPeriod", "1209600")],
    )
    .await;
    let (ok_url, ok) = create_queue(
        &sqs,
        &name("ok"),
        &[
            ("VisibilityTimeout", "180"),
            ("MessageRetentionPeriod", "345600"),
        ],
    )
    .await;
    // Redrive first: moto 5.2.5 drops a queue's Policy when another attribute is set later.
    set_redrive(&sqs, &ok_url, &ok_dlq, 5).await;
    set_attribute(&sqs, &ok_url, "Policy", &sns_policy(&ok, &topic)).await;
    let (ok_sub_dlq_url, ok_sub_dlq) = create_queue(&sqs, &name("ok-subdlq"), &[]).await;
    set_attribute(
        &sqs,
        &ok_sub_dlq_url,
        "Policy",
        &sns_policy(&ok_sub_dlq, &topic),
    )
    .await;
    let redrive_to_ok_sub_dlq = format!(r#"{{"deadLetterTargetArn":"{ok_sub_dlq}"}}"#);
    subscribe_queue(
        &sns,
        &topic,
        &ok,
        &[("RedrivePolicy", &redrive_to_ok_sub_dlq)],
    )
    .await;
    map(&lambda, &function, &ok, true).await;

    // A consumed queue per Lambda rule, each otherwise correct.
    let (dlq_url, dlq) = create_queue(
        &sqs,
        &name("shared-dlq"),
        &[("MessageRetentionPeriod", "1209600")],
    )
    .await;
    let consumed = |suffix: &'static str, visibility: &'static str| {
        let (sqs, name) = (sqs.clone(), name(suffix));
        async move {
            create_queue(
                &sqs,
                &name,
                &[
                    ("VisibilityTimeout", visibility),
                    ("MessageRetentionPeriod", "345600"),
                ],
            )
            .await
        }
    };
    let (vis_url, vis) = consumed("vis", "30").await;
    set_redrive(&sqs, &vis_url, &dlq, 5).await;
    map(&lambda, &function, &vis, true).await;
    let (_, nored) = consumed("nored", "180").await;
    map(&lambda, &function, &nored, true).await;
    let (low_url, low) = consumed("low", "180").await;
    set_redrive(&sqs, &low_url, &dlq, 2).await;
    map(&lambda, &function, &low, true).await;
    let (norbif_url, norbif) = consumed("norbif", "180").await;
    set_redrive(&sqs, &norbif_url, &dlq, 5).await;
    map(&lambda, &function, &norbif, false).await;
    // A DLQ drained by the function.
    map(&lambda, &function, &dlq, true).await;
    let _ = dlq_url;
    // A mapping whose queue was deleted after it was mapped.
    let (esm_gone_url, esm_gone) = consumed("esm-gone", "180").await;
    map(&lambda, &function, &esm_gone, true).await;
    sqs.delete_queue()
        .queue_url(&esm_gone_url)
        .send()
        .await
        .expect("DeleteQueue");

    // Dead-letter wiring.
    let (ret_dlq_url, ret_dlq) = create_queue(
        &sqs,
        &name("ret-dlq"),
        &[("MessageRetentionPeriod", "345600")],
    )
    .await;
    let (ret_url, _) =
        create_queue(&sqs, &name("ret"), &[("MessageRetentionPeriod", "345600")]).await;
    set_redrive(&sqs, &ret_url, &ret_dlq, 5).await;
    let _ = ret_dlq_url;
    let (cyc_a_url, cyc_a) = create_queue(&sqs, &name("cyc-a"), &[]).await;
    let (cyc_b_url, cyc_b) = create_queue(
        &sqs,
        &name("cyc-b"),
        &[("MessageRetentionPeriod", "345600")],
    )
    .await;
    set_redrive(&sqs, &cyc_a_url, &cyc_b, 5).await;
    set_redrive(&sqs, &cyc_b_url, &cyc_a, 5).await;
    let (deny_dlq_url, deny_dlq) = create_queue(
        &sqs,
        &name("deny-dlq"),
        &[("MessageRetentionPeriod", "1209600")],
    )
    .await;
    let (deny_url, _) =
        create_queue(&sqs, &name("deny"), &[("MessageRetentionPeriod", "345600")]).await;
    set_redrive(&sqs, &deny_url, &deny_dlq, 5).await;
    set_attribute(
        &sqs,
        &deny_dlq_url,
        "RedriveAllowPolicy",
        r#"{"redrivePermission":"denyAll"}"#,
    )
    .await;
    let (gone_url, _) = create_queue(&sqs, &name("orphan"), &[]).await;
    let (missing_url, missing_dlq) = create_queue(&sqs, &name("gone-dlq"), &[]).await;
    set_redrive(&sqs, &gone_url, &missing_dlq, 5).await;
    sqs.delete_queue()
        .queue_url(&missing_url)
        .send()
        .await
        .expect("DeleteQueue");

    // Subscriptions: no policy (and no subscription DLQ), a subscription DLQ SNS may not
    // write to, the AWS-managed key, a queue that never existed.
    let (_, nopol) = create_queue(&sqs, &name("nopol"), &[]).await;
    subscribe_queue(&sns, &topic, &nopol, &[]).await;
    let (kms_url, kms) =
        create_queue(&sqs, &name("kms"), &[("KmsMasterKeyId", "alias/aws/sqs")]).await;
    set_attribute(&sqs, &kms_url, "Policy", &sns_policy(&kms, &topic)).await;
    subscribe_queue(
        &sns,
        &topic,
        &kms,
        &[("RedrivePolicy", &redrive_to_ok_sub_dlq)],
    )
    .await;
    let (bad_sub_dlq_url, bad_sub_dlq) = create_queue(&sqs, &name("subdlq-nopol"), &[]).await;
    let _ = bad_sub_dlq_url;
    let (subq_url, subq) = create_queue(&sqs, &name("subq"), &[]).await;
    set_attribute(&sqs, &subq_url, "Policy", &sns_policy(&subq, &topic)).await;
    let redrive_to_bad = format!(r#"{{"deadLetterTargetArn":"{bad_sub_dlq}"}}"#);
    subscribe_queue(&sns, &topic, &subq, &[("RedrivePolicy", &redrive_to_bad)]).await;
    let never = ok.replace(&name("ok"), &name("never"));
    subscribe_queue(&sns, &topic, &never, &[]).await;

    let (code, stdout, stderr) = run_squall_status(emulator, &["doctor", "--json"]).await;
    assert_eq!(code, 2, "errors are among the findings\nstderr:\n{stderr}");
    let seen = findings_of(&stdout, &base);
    let expected = [
        ("lambda-visibility-timeout", "vis"),
        ("lambda-queue-no-redrive", "nored"),
        ("lambda-low-max-receive-count", "low"),
        ("lambda-no-batch-item-failures", "norbif"),
        ("lambda-queue-missing", "esm-gone"),
        ("dlq-consumed-by-lambda", "shared-dlq"),
        ("dlq-retention", "ret-dlq"),
        ("dlq-cycle", "cyc-a"),
        ("dlq-cycle", "cyc-b"),
        ("dlq-redrive-denied", "deny-dlq"),
        ("dlq-missing", "gone-dlq"),
        ("sns-queue-policy", "nopol"),
        ("sns-no-subscription-dlq", "nopol"),
        ("sns-kms-aws-managed-key", "kms"),
        ("sns-dlq-policy", "subdlq-nopol"),
        ("sns-queue-missing", "never"),
    ];
    for (rule, suffix) in expected {
        if unsupported.contains(&rule) {
            continue;
        }
        assert!(
            seen.contains(&(rule.to_string(), name(suffix))),
            "{rule} on {suffix} not found; seen: {seen:#?}"
        );
    }
    let correct = [name("ok"), name("ok-dlq"), name("ok-subdlq")];
    let on_correct: Vec<_> = seen.iter().filter(|(_, n)| correct.contains(n)).collect();
    assert!(
        on_correct.is_empty(),
        "findings on the correct fan-out: {on_correct:#?}"
    );
    let _ = (cyc_a, cyc_b);

    // --severity error keeps the errors only; the human form names the rules.
    let (code, stdout, _) =
        run_squall_status(emulator, &["doctor", "--json", "--severity", "error"]).await;
    assert_eq!(code, 2);
    let errors_only = findings_of(&stdout, &base);
    assert!(errors_only.contains(&("dlq-cycle".to_string(), name("cyc-a"))));
    assert!(
        !errors_only
            .iter()
            .any(|(rule, _)| rule == "lambda-visibility-timeout")
    );
    let (_, text, _) = run_squall_status(emulator, &["doctor"]).await;
    assert!(text.contains("ERRORS") && text.contains("sns-kms-aws-managed-key"));
}

/// LocalStack (like SNS) refuses a FIFO queue on a standard topic and the reverse at Subscribe,
/// so the FIFO rule is covered by the unit tests only.
#[tokio::test(flavor = "multi_thread")]
async fn doctor_finds_a_subscription_pending_confirmation() {
    let emulator = localstack();
    let sns = emulator.sns().await;
    let base = unique_name("docp");
    let topic = create_topic(&sns, &format!("{base}-topic"), &[]).await;
    // Nothing listens there, so the subscription is never confirmed.
    let endpoint = "http://127.0.0.1:9/never";
    let subscribed = sns
        .subscribe()
        .topic_arn(&topic)
        .protocol("http")
        .endpoint(endpoint)
        .send()
        .await
        .expect("Subscribe http");
    assert_eq!(
        subscribed.subscription_arn.as_deref(),
        Some("pending confirmation")
    );
    let (code, stdout, stderr) =
        run_squall_status(emulator, &["doctor", "--json", "--severity", "warning"]).await;
    assert!(code >= 1, "a warning at least\nstderr:\n{stderr}");
    let findings: Vec<Value> = serde_json::from_str(&stdout).expect("json");
    let pending: Vec<&Value> = findings
        .iter()
        .filter(|f| f["resources"][0] == topic.as_str())
        .collect();
    assert_eq!(pending.len(), 1, "{pending:#?}");
    assert_eq!(pending[0]["rule"], "sns-pending-confirmation");
    assert_eq!(pending[0]["severity"], "warning");
    assert_eq!(pending[0]["resources"][1], endpoint);
}

/// moto 5.2.5 holds the same world, except that it knows nothing of `RedriveAllowPolicy`
/// (its SQS model has no such attribute: a queue does not report it back).
#[tokio::test(flavor = "multi_thread")]
async fn doctor_on_moto_finds_what_moto_can_hold() {
    let emulator = moto();
    let role = emulator.create_role(&unique_name("doctor-role"));
    seeded_world_findings(emulator, Some(&role), &["dlq-redrive-denied"]).await;
}
