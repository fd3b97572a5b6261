//! squall against moto 5.2.5 (`moto_server`), the lighter emulator users run: listing more
//! than 1,000 queues, the fan-out topology, and calls moto lacks degrading to "unavailable"
//! instead of failing.
//!
//! moto facts these tests pin (5.2.5):
//! * ListQueues honours MaxResults and returns a NextToken (so squall's probe says it
//!   paginates); without MaxResults it returns at most 1,000 URLs and never a NextToken.
//! * No DeadLetterQueueSourceArn attribute; squall links DLQs from RedrivePolicy alone.
//! * CreateFunction needs an existing IAM role in moto's account; event source mappings work.
//! * StartMessageMoveTask answers HTTP 500 with an HTML page (not implemented); the current
//!   aws-sdk-cloudwatch protocol gets HTTP 404.
//!
//! One moto per test binary, shared by the tests (every name is unique per test); the
//! 1,050-queue test has a private one, so the others' listings stay small.

mod message_suite;
mod support;

use std::collections::{BTreeMap, BTreeSet};
use std::sync::Arc;
use std::sync::atomic::{AtomicUsize, Ordering};
use std::time::Instant;

use async_trait::async_trait;
use aws_config::retry::RetryConfig;
use aws_sdk_sqs::error::DisplayErrorContext;
use futures::StreamExt;
use serde_json::Value;
use squall::aws::sqs::SdkQueues;
use squall::aws::{ApiError, ErrorKind, Page, QueueDirectory};
use squall::domain::Queue;
use squall::inventory::collect_queues;
use support::{
    LEG_FILTER, Leg, MOTO_ACCOUNT_ID, Moto, REGION, create_function_with_role, create_queue,
    create_topic, map_queue, moto, run_squall, set_redrive, subscribe_legs, subscribe_queue,
    unique_name,
};

const BATCH_SIZE: i32 = 7;
/// More than one ListQueues page.
const MANY: usize = 1_050;

/// Runs the built binary against the shared moto; returns (stdout, stderr) of a successful run.
async fn squall(args: &[&str]) -> (String, String) {
    run_squall(moto(), args).await
}

/// Asserts that every warning on stderr is about a call moto lacks ("unavailable"), never a
/// failed listing of another kind.
fn assert_only_unavailable_warnings(args: &[&str], stderr: &str) {
    for line in stderr.lines().filter(|l| l.contains("warning")) {
        assert!(
            line.contains("unavailable on this endpoint"),
            "squall {args:?}: a warning that is not about an unavailable call: {line}\n{stderr}"
        );
    }
}

fn json(text: &str) -> Value {
    serde_json::from_str(text).unwrap_or_else(|e| panic!("not JSON ({e}): {text}"))
}

fn array(value: &Value) -> &Vec<Value> {
    value
        .as_array()
        .unwrap_or_else(|| panic!("not an array: {value}"))
}

/// The one row of a JSON listing whose `key` is `value`.
fn row<'a>(listing: &'a Value, key: &str, value: &str) -> &'a Value {
    let rows: Vec<&Value> = array(listing).iter().filter(|r| r[key] == value).collect();
    assert_eq!(rows.len(), 1, "rows with {key} = {value}: {listing:#}");
    rows[0]
}

/// Names of the listed queues that start with `prefix`, asserting none is listed twice.
fn listed_once<'a>(names: impl Iterator<Item = &'a str>, prefix: &str) -> BTreeSet<String> {
    let mut seen = BTreeSet::new();
    for name in names.filter(|n| n.starts_with(prefix)) {
        assert!(seen.insert(name.to_string()), "{name} listed twice");
    }
    seen
}

/// The real moto, asked the way an endpoint that ignores MaxResults answers: ListQueues
/// without MaxResults (at most 1,000 URLs, no NextToken). Drives squall's prefix fallback
/// against moto's real prefix listing; counts the ListQueues calls.
struct WithoutMaxResults {
    sqs: aws_sdk_sqs::Client,
    inner: SdkQueues,
    list_calls: AtomicUsize,
}

#[async_trait]
impl QueueDirectory for WithoutMaxResults {
    async fn list_queue_urls(
        &self,
        prefix: Option<&str>,
        next_token: Option<String>,
    ) -> Result<Page<String>, ApiError> {
        self.list_calls.fetch_add(1, Ordering::Relaxed);
        let output = self
            .sqs
            .list_queues()
            .set_queue_name_prefix(prefix.map(str::to_string))
            .set_next_token(next_token)
            .send()
            .await
            .map_err(|e| ApiError::from_sdk("ListQueues", e))?;
        Ok(Page {
            items: output.queue_urls.unwrap_or_default(),
            next_token: output.next_token.filter(|t| !t.is_empty()),
        })
    }

    async fn paginates_queue_listing(&self) -> Result<bool, ApiError> {
        // What SdkQueues' probe (MaxResults=1) sees from an endpoint that ignores MaxResults.
        let page = self.list_queue_urls(None, None).await?;
        Ok(page.items.len() <= 1)
    }

    async fn describe_queue(&self, url: &str) -> Result<Queue, ApiError> {
        self.inner.describe_queue(url).await
    }

    async fn list_dead_letter_source_queues(
        &self,
        url: &str,
        token: Option<String>,
    ) -> Result<Page<String>, ApiError> {
        self.inner.list_dead_letter_source_queues(url, token).await
    }
}

#[tokio::test(flavor = "multi_thread", worker_threads = 4)]
async fn more_than_1000_queues_are_each_listed_once() {
    // A private moto: the other tests' `ls` runs would otherwise each describe these 1,050
    // queues too (moto serves one request at a time), and this test's counts stay exact.
    let started = Instant::now();
    let moto = &Moto::start();
    let sqs = moto.sqs().await;
    // A short prefix, then a 4-digit index: the prefix fallback splits only along this one
    // path. (The emulator is private to this test, so the names are unique.)
    let prefix = "Zq";
    let names: Vec<String> = (0..MANY).map(|i| format!("{prefix}{i:04}")).collect();
    futures::stream::iter(names.iter())
        .for_each_concurrent(32, |name| {
            let sqs = sqs.clone();
            async move {
                sqs.create_queue()
                    .queue_name(name)
                    .send()
                    .await
                    .unwrap_or_else(|e| panic!("CreateQueue {name}: {}", DisplayErrorContext(&e)));
            }
        })
        .await;
    let created: BTreeSet<String> = names.iter().cloned().collect();
    eprintln!(
        "created {MANY} queues at {:.1} s",
        started.elapsed().as_secs_f64()
    );

    // moto's own ListQueues: capped at 1,000 without MaxResults, paginated with it.
    let unpaged = sqs.list_queues().send().await.expect("ListQueues");
    assert_eq!(
        unpaged.queue_urls().len(),
        1000,
        "moto caps ListQueues at 1,000"
    );
    assert_eq!(unpaged.next_token, None, "no NextToken without MaxResults");
    let directory = SdkQueues::new(sqs.clone(), REGION.to_string());
    let first = directory.list_queue_urls(None, None).await.expect("page");
    assert_eq!(first.items.len(), 1000);
    assert!(
        first.next_token.is_some(),
        "moto 5.2.5 returns a NextToken when MaxResults is given"
    );
    assert!(
        directory.paginates_queue_listing().await.expect("probe"),
        "moto 5.2.5 honours MaxResults=1"
    );

    // squall's loader over the SDK, as the TUI and `ls` use it.
    let (queues, failures) = collect_queues(Arc::new(directory), 16)
        .await
        .expect("collect_queues");
    assert!(failures.is_empty(), "{failures:?}");
    let listed = listed_once(queues.iter().map(|q| q.name.as_str()), prefix);
    assert_eq!(listed, created, "every queue listed exactly once");
    let mut urls: Vec<&str> = queues.iter().map(|q| q.url.as_str()).collect();
    urls.sort_unstable();
    urls.dedup();
    assert_eq!(urls.len(), queues.len(), "no URL listed twice");
    eprintln!(
        "collect_queues done at {:.1} s",
        started.elapsed().as_secs_f64()
    );
    let sample = queues
        .iter()
        .find(|q| q.name == names[MANY - 1])
        .expect("last queue");
    assert_eq!(
        sample.url,
        format!("{}/{MOTO_ACCOUNT_ID}/{}", moto.endpoint(), names[MANY - 1])
    );

    // The prefix fallback against moto's real prefix listing (an endpoint that ignores
    // MaxResults): the probe says it does not paginate, and still every queue comes once.
    let fallback = Arc::new(WithoutMaxResults {
        sqs: sqs.clone(),
        inner: SdkQueues::new(sqs.clone(), REGION.to_string()),
        list_calls: AtomicUsize::new(0),
    });
    assert!(
        !fallback.paginates_queue_listing().await.expect("probe"),
        "without MaxResults moto looks like an endpoint that never paginates"
    );
    fallback.list_calls.store(0, Ordering::Relaxed);
    let (queues, failures) = collect_queues(fallback.clone(), 16)
        .await
        .expect("collect_queues by prefix");
    assert!(failures.is_empty(), "{failures:?}");
    let listed = listed_once(queues.iter().map(|q| q.name.as_str()), prefix);
    assert_eq!(
        listed, created,
        "the prefix fallback lists every queue once"
    );
    let calls = fallback.list_calls.load(Ordering::Relaxed);
    // Root, probe, 64 first characters, then 64 under each of "Z", "Zq" and "Zq0" (the only
    // prefixes that fill a page).
    assert_eq!(calls, 2 + 4 * 64, "ListQueues calls of the prefix fallback");
    eprintln!(
        "prefix fallback on moto: {calls} ListQueues calls, done at {:.1} s",
        started.elapsed().as_secs_f64()
    );

    // The binary, end to end.
    let args = ["ls", "queues", "--json"];
    let (stdout, stderr) = run_squall(moto, &args).await;
    assert_only_unavailable_warnings(&args, &stderr);
    eprintln!(
        "squall ls queues done at {:.1} s",
        started.elapsed().as_secs_f64()
    );
    let rows = json(&stdout);
    let listed = listed_once(
        array(&rows)
            .iter()
            .map(|q| q["name"].as_str().expect("name is a string")),
        prefix,
    );
    assert_eq!(listed.len(), MANY, "squall ls queues --json");
    assert_eq!(listed, created);
}

/// A topic feeding two queues, each with its own DLQ; leg 0's subscription has a filter policy
/// and raw delivery, leg 1 a Lambda consumer.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn topology_is_read_from_moto() {
    let moto = moto();
    let (sqs, sns, lambda) = (moto.sqs().await, moto.sns().await, moto.lambda().await);
    let base = unique_name("mtopo");
    let topic_arn = create_topic(&sns, &base, &[]).await;
    let legs = subscribe_legs(&sqs, &sns, &topic_arn, &base, &[3, 4]).await;

    // moto checks that the execution role exists in its IAM.
    let role = moto.create_role(&format!("{base}-role"));
    let function = format!("{base}-fn");
    let function_arn = create_function_with_role(&lambda, &function, &role, 128, 3, None).await;
    assert_eq!(
        function_arn,
        format!("arn:aws:lambda:{REGION}:{MOTO_ACCOUNT_ID}:function:{function}")
    );
    let uuid = map_queue(&lambda, &function, &legs[1].arn, BATCH_SIZE, true).await;

    let args = ["ls", "topology", "--json"];
    let (stdout, stderr) = squall(&args).await;
    assert_only_unavailable_warnings(&args, &stderr);
    let topics = json(&stdout);
    let topic = row(&topics, "arn", &topic_arn);
    assert_eq!(topic["name"], base.as_str());
    assert_eq!(topic["fifo"], false);
    let subscriptions = array(&topic["subscriptions"]);
    assert_eq!(subscriptions.len(), 2, "{topic:#}");

    for (i, leg) in legs.iter().enumerate() {
        let sub = subscriptions
            .iter()
            .find(|s| s["arn"] == leg.subscription_arn.as_str())
            .unwrap_or_else(|| panic!("{} not listed: {topic:#}", leg.subscription_arn));
        assert_eq!(sub["protocol"], "sqs");
        assert_eq!(sub["endpoint"], leg.arn.as_str());
        assert_eq!(sub["raw_message_delivery"], i == 0, "{sub:#}");
        if i == 0 {
            assert_eq!(sub["filter_policy"], json(LEG_FILTER), "{sub:#}");
        } else {
            assert_eq!(sub["filter_policy"], Value::Null, "{sub:#}");
        }
        assert!(sub.get("warning").is_none(), "{sub:#}");

        let queue = &sub["queue"];
        assert_eq!(queue["name"], leg.name.as_str(), "{sub:#}");
        assert_eq!(queue["arn"], leg.arn.as_str());
        assert_eq!(
            queue["url"],
            format!("{}/{MOTO_ACCOUNT_ID}/{}", moto.endpoint(), leg.name)
        );
        assert_eq!(queue["dlq_arn"], leg.dlq_arn.as_str());
        assert_eq!(queue["max_receive_count"], leg.max_receive_count);
        // moto has no DeadLetterQueueSourceArn: the DLQ is found from the RedrivePolicy.
        let dlq = &queue["dlq"];
        assert!(dlq.is_object(), "dlq of {}: {dlq}", leg.name);
        assert_eq!(dlq["name"], leg.dlq_name.as_str());
        assert_eq!(dlq["arn"], leg.dlq_arn.as_str());

        let consumers = array(&queue["consumers"]);
        if i == 1 {
            assert_eq!(consumers.len(), 1, "{queue:#}");
            assert_eq!(consumers[0]["function_name"], function.as_str());
            assert_eq!(consumers[0]["batch_size"], BATCH_SIZE);
            assert!(consumers[0]["state"].is_string(), "{queue:#}");
        } else {
            assert!(consumers.is_empty(), "{queue:#}");
        }
    }

    // The tree as text.
    let args = ["ls", "topology"];
    let (text, stderr) = squall(&args).await;
    assert_only_unavailable_warnings(&args, &stderr);
    assert!(text.contains(&base), "{text}");
    for Leg { name, dlq_name, .. } in &legs {
        assert!(text.contains(&format!("queue {name}")), "{name}:\n{text}");
        assert!(
            text.contains(&format!("DLQ {dlq_name}")),
            "{dlq_name}:\n{text}"
        );
    }
    assert!(text.contains(&format!("λ {function}")), "{text}");

    // `ls dlq` knows both DLQs without DeadLetterQueueSourceArn.
    let args = ["ls", "dlq", "--json"];
    let (stdout, stderr) = squall(&args).await;
    assert_only_unavailable_warnings(&args, &stderr);
    let rows = json(&stdout);
    let dlqs: BTreeSet<&str> = array(&rows)
        .iter()
        .filter_map(|q| q["name"].as_str())
        .filter(|n| n.starts_with(&base))
        .collect();
    let want: BTreeSet<&str> = legs.iter().map(|l| l.dlq_name.as_str()).collect();
    assert_eq!(dlqs, want, "ls dlq");

    // `ls lambdas` shows the function with its mapping.
    let args = ["ls", "lambdas", "--json"];
    let (stdout, stderr) = squall(&args).await;
    assert_only_unavailable_warnings(&args, &stderr);
    let functions = json(&stdout);
    let ours = array(&functions)
        .iter()
        .find(|f| f["name"] == function.as_str())
        .unwrap_or_else(|| panic!("{function} not listed: {functions:#}"));
    assert_eq!(ours["arn"], function_arn.as_str());
    assert_eq!(ours["runtime"], "python3.12");
    assert_eq!(ours["memory_mb"], 128);
    let sources = array(&ours["event_sources"]);
    assert_eq!(sources.len(), 1, "{ours:#}");
    assert_eq!(sources[0]["uuid"], uuid.as_str());
    assert_eq!(sources[0]["event_source_arn"], legs[1].arn.as_str());
    assert_eq!(sources[0]["batch_size"], BATCH_SIZE);
}

/// Every `ls` view works against moto and lists what this test made (so none of the checks
/// below can pass on an empty listing); what moto lacks is a warning, not a failure.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn listings_degrade_instead_of_failing() {
    let moto = moto();
    let (sqs, sns, lambda) = (moto.sqs().await, moto.sns().await, moto.lambda().await);
    let base = unique_name("mdeg");
    let topic_arn = create_topic(&sns, &base, &[]).await;
    let (_, dlq_arn) = create_queue(&sqs, &format!("{base}-dlq"), &[]).await;
    let (queue_url, queue_arn) = create_queue(&sqs, &format!("{base}-q"), &[]).await;
    set_redrive(&sqs, &queue_url, &dlq_arn, 3).await;
    subscribe_queue(&sns, &topic_arn, &queue_arn, &[]).await;
    let role = moto.create_role(&format!("{base}-role"));
    let function = format!("{base}-fn");
    let function_arn = create_function_with_role(&lambda, &function, &role, 128, 3, None).await;

    let mut outputs = BTreeMap::new();
    for what in ["lambdas", "topics", "subscriptions", "queues", "dlq"] {
        for json_flag in [true, false] {
            let mut args = vec!["ls", what];
            if json_flag {
                args.push("--json");
            }
            let (stdout, stderr) = squall(&args).await;
            assert_only_unavailable_warnings(&args, &stderr);
            if json_flag {
                outputs.insert(what, json(&stdout));
            }
        }
    }

    let topic = row(&outputs["topics"], "arn", &topic_arn);
    assert_eq!(topic["name"], base.as_str());
    assert_eq!(topic["subscriptions"], 1);
    assert_eq!(topic["sqs_subscriptions"], 1);
    assert!(topic.get("warning").is_none(), "{topic:#}");
    let subscription = row(&outputs["subscriptions"], "endpoint", &queue_arn);
    assert_eq!(subscription["topic_arn"], topic_arn.as_str());
    let queue = row(&outputs["queues"], "arn", &queue_arn);
    assert_eq!(queue["dlq_arn"], dlq_arn.as_str());
    row(&outputs["dlq"], "arn", &dlq_arn);
    let function_row = row(&outputs["lambdas"], "arn", &function_arn);
    assert_eq!(function_row["name"], function.as_str());
    let functions = array(&outputs["lambdas"]);
    assert!(
        functions.iter().all(|f| f["name"].is_string()),
        "a function without a name: {functions:#?}"
    );
}

mod moto_compat_messages;
