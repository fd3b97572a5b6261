//! Lambda-side dead letters against LocalStack and moto: a function's DeadLetterConfig, its
//! EventInvokeConfig (on-failure destination, retries, event age) and an SNS `lambda`
//! subscription's redrive policy, created with the SDK and read back by squall's inventory
//! (its DLQ index) and doctor (its async rules), with the GetFunctionEventInvokeConfig
//! calls counted by the recording proxy.

mod support;

mod aws_lambda_dead_letters {
    pub mod roles;
    pub(crate) use super::put_invoke_config;
}

use aws_sdk_lambda::types::{DestinationConfig, OnFailure};
use squall::domain::{InvokeConfigReading, LambdaDeadLetterKind};
use squall::inventory::{Source, collect_inventory};
use support::emulator::Emulator;
use support::{
    FaultProxy, Faults, create_function_with_role, create_queue, create_topic, localstack, moto,
    run_squall_at, sdk_backend, unique_name,
};

async fn subscribe_function(
    sns: &aws_sdk_sns::Client,
    topic: &str,
    function_arn: &str,
    dlq_arn: Option<&str>,
) {
    let mut request = sns
        .subscribe()
        .topic_arn(topic)
        .protocol("lambda")
        .endpoint(function_arn)
        .return_subscription_arn(true);
    if let Some(dlq) = dlq_arn {
        request = request.attributes(
            "RedrivePolicy",
            format!(r#"{{"deadLetterTargetArn":"{dlq}"}}"#),
        );
    }
    request
        .send()
        .await
        .unwrap_or_else(|e| panic!("Subscribe {function_arn}: {e:?}"));
}

pub(crate) async fn put_invoke_config(
    lambda: &aws_sdk_lambda::Client,
    function: &str,
    on_failure: Option<&str>,
    retries: i32,
    age: i32,
) {
    lambda
        .put_function_event_invoke_config()
        .function_name(function)
        .maximum_retry_attempts(retries)
        .maximum_event_age_in_seconds(age)
        .set_destination_config(on_failure.map(|arn| {
            DestinationConfig::builder()
                .on_failure(OnFailure::builder().destination(arn).build())
                .build()
        }))
        .send()
        .await
        .unwrap_or_else(|e| panic!("PutFunctionEventInvokeConfig {function}: {e:?}"));
}

/// `kept`: DLQ + on-failure destination + subscription DLQ; `bare`: nothing; `drops`: zero
/// retries and a 2-minute event age, no target. All three invoked by one topic.
/// `holds_function_dlq`: moto 5.2.5 drops `DeadLetterConfig` (CreateFunction accepts it,
/// ListFunctions and GetFunction never return it), so there a function DLQ cannot be seen.
async fn lambda_dead_letters_are_read<S>(
    emulator: &Emulator<S>,
    role: &str,
    holds_function_dlq: bool,
) {
    let (sqs, sns, lambda) = (
        emulator.sqs().await,
        emulator.sns().await,
        emulator.lambda().await,
    );
    let base = unique_name("ldl");
    let name = |suffix: &str| format!("{base}-{suffix}");
    let (_, fn_dlq) = create_queue(&sqs, &name("fn-dlq"), &[]).await;
    let (_, failures) = create_queue(&sqs, &name("failures"), &[]).await;
    let (_, sub_dlq) = create_queue(&sqs, &name("sub-dlq"), &[]).await;
    let topic = create_topic(&sns, &name("topic"), &[]).await;
    let kept = create_function_with_role(&lambda, &name("kept"), role, 128, 3, Some(&fn_dlq)).await;
    put_invoke_config(&lambda, &name("kept"), Some(&failures), 1, 3600).await;
    let bare = create_function_with_role(&lambda, &name("bare"), role, 128, 3, None).await;
    let drops = create_function_with_role(&lambda, &name("drops"), role, 128, 3, None).await;
    put_invoke_config(&lambda, &name("drops"), None, 0, 120).await;
    subscribe_function(&sns, &topic, &kept, Some(&sub_dlq)).await;
    subscribe_function(&sns, &topic, &bare, None).await;
    subscribe_function(&sns, &topic, &drops, None).await;

    let backend = sdk_backend(emulator).await;
    let collected = collect_inventory(&backend, 4, &Source::ALL).await;
    assert!(
        collected.failed_sources.is_empty(),
        "{:?}",
        collected.failed_sources
    );
    let inventory = collected.inventory;
    let function = |n: &str| {
        inventory
            .functions()
            .iter()
            .find(|f| f.name == name(n))
            .unwrap_or_else(|| panic!("{n} listed"))
            .clone()
    };
    let config = function("kept").invoke_config;
    let read = config.config().expect("kept has an invoke config");
    assert_eq!(read.on_failure.as_deref(), Some(failures.as_str()));
    assert_eq!(
        (read.maximum_retry_attempts, read.maximum_event_age_seconds),
        (Some(1), Some(3600))
    );
    assert_eq!(function("bare").invoke_config, InvokeConfigReading::Absent);
    let mut expected = vec![
        (&failures, LambdaDeadLetterKind::OnFailureDestination),
        (&sub_dlq, LambdaDeadLetterKind::SubscriptionDlq),
    ];
    if holds_function_dlq {
        expected.push((&fn_dlq, LambdaDeadLetterKind::FunctionDlq));
    } else {
        assert_eq!(
            function("kept").dlq_arn,
            None,
            "moto learned DeadLetterConfig"
        );
    }
    for (arn, kind) in expected {
        assert!(inventory.is_dlq(arn), "{arn} is a DLQ");
        let roles: Vec<_> = inventory.lambda_dead_letters_to(arn).collect();
        assert_eq!(roles.len(), 1, "{roles:?}");
        assert_eq!(
            (roles[0].kind, roles[0].function.as_str()),
            (kind, name("kept").as_str())
        );
    }

    // `ls dlq` loads the functions too: both outputs name what feeds each Lambda-side DLQ.
    let endpoint = emulator.endpoint();
    let (code, stdout, stderr) = run_squall_at(&endpoint, &["ls", "dlq", "--json"]).await;
    assert_eq!(code, 0, "{stderr}");
    let dlqs: serde_json::Value =
        serde_json::from_str(&stdout).unwrap_or_else(|e| panic!("{e}: {stdout}"));
    let sources = |arn: &str| -> Vec<(String, String)> {
        let dlq = dlqs
            .as_array()
            .and_then(|a| a.iter().find(|q| q["arn"] == arn));
        let dlq = dlq.unwrap_or_else(|| panic!("{arn} in ls dlq:\n{stdout}"));
        dlq["sources"]
            .as_array()
            .into_iter()
            .flatten()
            .map(|s| {
                (
                    s["kind"].as_str().unwrap_or_default().to_string(),
                    s["function"].as_str().unwrap_or_default().to_string(),
                )
            })
            .collect()
    };
    let kept_name = name("kept");
    assert_eq!(
        sources(&failures),
        [("on_failure_destination".to_string(), kept_name.clone())]
    );
    assert_eq!(
        sources(&sub_dlq),
        [("subscription".to_string(), kept_name.clone())]
    );
    if holds_function_dlq {
        assert_eq!(
            sources(&fn_dlq),
            [("function_dlq".to_string(), kept_name.clone())]
        );
    }
    let (code, stdout, stderr) = run_squall_at(&endpoint, &["ls", "dlq"]).await;
    assert_eq!(code, 0, "{stderr}");
    let failures_row = stdout
        .lines()
        .find(|l| l.starts_with(&name("failures")))
        .unwrap_or_else(|| panic!("failures listed:\n{stdout}"));
    assert!(
        failures_row.ends_with(&format!("λ {kept_name} (on failure)")),
        "{failures_row}"
    );

    // The doctor through the recording proxy: one invoke-config read per function at least.
    let proxy =
        FaultProxy::start(([127, 0, 0, 1], emulator.port()).into(), Faults::default()).await;
    let (_, stdout, stderr) =
        run_squall_at(&proxy.endpoint(), &["--read-only", "doctor", "--json"]).await;
    let stats = proxy.shutdown().await;
    let reads = stats
        .actions
        .get("lambda:GetFunctionEventInvokeConfig")
        .copied()
        .unwrap_or(0);
    assert!(reads >= 3, "{:?}", stats.actions);
    let findings: serde_json::Value =
        serde_json::from_str(&stdout).unwrap_or_else(|e| panic!("{e}: {stdout}\n{stderr}"));
    let rules_on = |arn: &str| -> Vec<String> {
        findings
            .as_array()
            .expect("array")
            .iter()
            .filter(|f| {
                f["resources"]
                    .as_array()
                    .is_some_and(|r| r.iter().any(|x| x == arn))
            })
            .map(|f| f["rule"].as_str().unwrap_or_default().to_string())
            .collect()
    };
    assert!(rules_on(&kept).is_empty(), "{:?}", rules_on(&kept));
    assert_eq!(rules_on(&bare), ["lambda-async-no-failure-target"]);
    let mut on_drops = rules_on(&drops);
    on_drops.sort();
    assert_eq!(
        on_drops,
        [
            "lambda-async-drops-events",
            "lambda-async-no-failure-target"
        ]
    );
}

/// A role whose policy lets its functions write failed events to any queue or topic, so
/// that doctor has nothing to say of it.
async fn writing_role<S>(emulator: &Emulator<S>) -> String {
    let iam = aws_sdk_iam::Client::new(&emulator.sdk_config().await);
    let policy = r#"{"Version":"2012-10-17","Statement":[{"Effect":"Allow","Action":["sqs:SendMessage","sns:Publish"],"Resource":"*"}]}"#;
    aws_lambda_dead_letters::roles::role_with_policy(&iam, &unique_name("ldl-role"), policy, false)
        .await
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn localstack_function_dlqs_destinations_and_lambda_subscription_dlqs() {
    let emulator = localstack();
    let role = writing_role(emulator).await;
    lambda_dead_letters_are_read(emulator, &role, true).await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn moto_function_dlqs_destinations_and_lambda_subscription_dlqs() {
    let emulator = moto();
    let role = writing_role(emulator).await;
    lambda_dead_letters_are_read(emulator, &role, false).await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn localstack_a_role_that_cannot_write_its_destination_is_found() {
    aws_lambda_dead_letters::roles::a_role_that_cannot_write_its_destination_is_found(localstack())
        .await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn moto_a_role_that_cannot_write_its_destination_is_found() {
    aws_lambda_dead_letters::roles::a_role_that_cannot_write_its_destination_is_found(moto()).await;
}
