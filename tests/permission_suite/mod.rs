//! The permission drift check, written once and run against each emulator (LocalStack in
//! tests/aws_permissions.rs, moto in tests/moto_permissions.rs): squall's verbs run through
//! the recording proxy (tests/support/fault_proxy.rs), and every IAM action the proxy saw
//! must be in squall's permission lists, and, for the read-only verbs, in the read-only
//! policy. The proxy names actions from the wire, not from squall's lists, so a call added
//! without its permission fails here.
#![allow(dead_code)]

use std::collections::BTreeSet;

use squall::aws::permissions::{CALLER_IDENTITY, all, read_only_allows};

use crate::support::emulator::Emulator;
use crate::support::{
    FaultProxy, Faults, create_function_with_role, create_queue, create_topic, run_squall_at,
    send_messages, set_redrive, subscribe_queue, unique_name,
};

/// A topic feeding a queue with a DLQ, the DLQ holding messages.
pub struct World {
    pub topic_arn: String,
    pub queue: String,
    pub dlq: String,
    /// A function (`with_function`), so that the per-function reads run too.
    pub function: Option<String>,
}

pub async fn seed<S>(emulator: &Emulator<S>, prefix: &str) -> World {
    let sqs = emulator.sqs().await;
    let sns = emulator.sns().await;
    let base = unique_name(prefix);
    let queue = format!("{base}-q");
    let dlq = format!("{base}-dlq");
    let (dlq_url, dlq_arn) = create_queue(&sqs, &dlq, &[]).await;
    let (url, arn) = create_queue(&sqs, &queue, &[]).await;
    set_redrive(&sqs, &url, &dlq_arn, 3).await;
    let topic_arn = create_topic(&sns, &format!("{base}-t"), &[]).await;
    subscribe_queue(&sns, &topic_arn, &arn, &[]).await;
    send_messages(&sqs, &url, 3).await;
    send_messages(&sqs, &dlq_url, 4).await;
    World {
        topic_arn,
        queue,
        dlq,
        function: None,
    }
}

/// Adds a function running as `role` (moto checks that it exists; LocalStack does not).
pub async fn with_function<S>(emulator: &Emulator<S>, mut world: World, role: &str) -> World {
    let lambda = emulator.lambda().await;
    let name = format!("{}-fn", world.queue.trim_end_matches("-q"));
    create_function_with_role(&lambda, &name, role, 128, 3, None).await;
    world.function = Some(name);
    world
}

/// Runs each command line through a fresh recording proxy; returns the actions it saw.
/// Each run must end with one of `codes`.
async fn record(
    upstream: std::net::SocketAddr,
    runs: &[(Vec<String>, &[i32])],
) -> BTreeSet<String> {
    let proxy = FaultProxy::start(upstream, Faults::default()).await;
    for (args, codes) in runs {
        let args: Vec<&str> = args.iter().map(String::as_str).collect();
        let (code, stdout, stderr) = run_squall_at(&proxy.endpoint(), &args).await;
        assert!(
            codes.contains(&code),
            "squall {args:?}: exit {code}\nstdout:\n{stdout}\nstderr:\n{stderr}"
        );
    }
    proxy.shutdown().await.actions.into_keys().collect()
}

fn line(args: &[&str]) -> Vec<String> {
    args.iter().map(|a| a.to_string()).collect()
}

/// Every verb, read-only ones first (under `--read-only`, checked against the read-only
/// policy), then the ones that change state (checked against the whole list).
pub async fn every_call_is_in_the_list<S>(emulator: &Emulator<S>, world: &World, native: bool) {
    let upstream = ([127, 0, 0, 1], emulator.port()).into();
    let ro = |args: &[&str]| line(&[&["--read-only"][..], args].concat());
    // health 0/1, doctor 0/1/2, metrics and whoami 4 when part of it is missing.
    let any: &[i32] = &[0, 1, 2, 4];
    let reading = vec![
        (ro(&["ls", "queues"]), &[0][..]),
        (ro(&["ls", "topics"]), &[0][..]),
        (ro(&["ls", "subscriptions"]), &[0][..]),
        (ro(&["ls", "lambdas"]), &[0][..]),
        (ro(&["ls", "topology", "--json"]), &[0][..]),
        (ro(&["peek", &world.queue, "--yes"]), &[0][..]),
        (ro(&["export", &world.dlq, "--out", "-"]), &[0][..]),
        (ro(&["metrics", &world.queue]), any),
        (ro(&["health"]), any),
        (ro(&["doctor"]), any),
        (ro(&["whoami"]), any),
        (ro(&["redrive", &world.dlq, "--dry-run"]), &[0][..]),
    ];
    let read = record(upstream, &reading).await;
    let mut writing = vec![
        (line(&["send", &world.queue, "--body", "drift"]), &[0][..]),
        (
            line(&["publish", &world.topic_arn, "--message", "drift"]),
            &[0][..],
        ),
        (
            line(&[
                "redrive", &world.dlq, "--mode", "manual", "--limit", "2", "--yes",
            ]),
            &[0][..],
        ),
    ];
    if native {
        writing.push((
            // To a named queue: the seeded DLQ messages were never dead-lettered, so they
            // carry no source for a move task to return them to.
            line(&[
                "redrive",
                &world.dlq,
                "--mode",
                "native",
                "--to",
                &world.queue,
                "--yes",
            ]),
            &[0][..],
        ));
    }
    writing.push((line(&["purge", &world.queue, "--yes"]), &[0][..]));
    let written = record(upstream, &writing).await;

    let listed: BTreeSet<&str> = all().map(|p| p.action).collect();
    let unlisted: Vec<&String> = read
        .iter()
        .chain(&written)
        .filter(|a| a.as_str() != CALLER_IDENTITY && !listed.contains(a.as_str()))
        .collect();
    assert!(
        unlisted.is_empty(),
        "squall called actions its permission lists do not name: {unlisted:?}"
    );
    let beyond_read_only: Vec<&String> = read
        .iter()
        .filter(|a| a.as_str() != CALLER_IDENTITY && !read_only_allows(a))
        .collect();
    assert!(
        beyond_read_only.is_empty(),
        "read-only verbs called actions outside the read-only policy: {beyond_read_only:?}"
    );
    // The check saw the calls it is about (it cannot pass on an empty recording).
    for action in [
        CALLER_IDENTITY,
        "sqs:ListQueues",
        "sqs:ReceiveMessage",
        "sqs:ChangeMessageVisibility",
        "sns:ListTopics",
        "lambda:ListFunctions",
        "cloudwatch:GetMetricData",
        // whoami's probe of CloudWatch Logs.
        "logs:DescribeLogGroups",
    ] {
        assert!(read.contains(action), "{action} not seen in {read:?}");
    }
    if world.function.is_some() {
        let action = "lambda:GetFunctionEventInvokeConfig";
        assert!(read.contains(action), "{action} not seen in {read:?}");
    }
    for action in [
        "sqs:SendMessage",
        "sns:Publish",
        "sqs:DeleteMessage",
        "sqs:PurgeQueue",
    ] {
        assert!(written.contains(action), "{action} not seen in {written:?}");
    }
    if native {
        assert!(written.contains("sqs:StartMessageMoveTask"), "{written:?}");
    }
}
