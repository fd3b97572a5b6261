//! Following a log group on an emulator: LocalStack answers `StartLiveTail` with 501 (not
//! implemented), moto answers the events it holds and closes the stream at once. Either way
//! the follow falls back to polling every 2 s, remembers it for the session, and still
//! brings the lines the test writes, each once.

use std::sync::Arc;
use std::time::{Duration, Instant, SystemTime, UNIX_EPOCH};

use aws_sdk_cloudwatchlogs::types::InputLogEvent;
use squall::logs::live::{FollowMode, Following};
use squall::logs::{GroupTarget, LogLine, RequestBudget, SearchRequest, search};

use super::Seeded;
use crate::support::emulator::Emulator;
use crate::support::{sdk_backend, unique_name};

fn now_ms() -> i64 {
    SystemTime::now()
        .duration_since(UNIX_EPOCH)
        .map(|d| d.as_millis() as i64)
        .unwrap_or(0)
}

async fn put(logs: &aws_sdk_cloudwatchlogs::Client, group: &str, stream: &str, message: &str) {
    let event = InputLogEvent::builder()
        .timestamp(now_ms())
        .message(message)
        .build()
        .expect("event");
    logs.put_log_events()
        .log_group_name(group)
        .log_stream_name(stream)
        .log_events(event)
        .send()
        .await
        .expect("PutLogEvents");
}

/// Follows until a line holding `text` comes (at most 30 s); every line that came.
async fn follow_until(
    following: &mut Following,
    source: &dyn squall::aws::logs::LogSource,
    text: &str,
) -> Vec<LogLine> {
    let deadline = Instant::now() + Duration::from_secs(30);
    let mut came = Vec::new();
    while !came.iter().any(|l: &LogLine| l.message.contains(text)) {
        assert!(Instant::now() < deadline, "no line with {text}: {came:?}");
        came.extend(following.next(source, now_ms).await.lines);
    }
    came
}

/// `started_in`: the mode the follow starts in (Live Tail where the endpoint answers
/// `StartLiveTail`); it ends polling on both emulators.
pub async fn following_falls_back_to_polling<S>(
    emulator: &Emulator<S>,
    seeded: &Seeded,
    started_in: FollowMode,
) {
    let backend = sdk_backend(emulator).await;
    let source = backend.logs.as_ref();
    let logs = aws_sdk_cloudwatchlogs::Client::new(&emulator.sdk_config().await);
    let stream = unique_name("follow-stream");
    logs.create_log_stream()
        .log_group_name(&seeded.log_group)
        .log_stream_name(&stream)
        .send()
        .await
        .expect("CreateLogStream");
    let budget = Arc::new(RequestBudget::default());
    let request = first_request(seeded);
    let first = search(source, &budget, &request).await;
    assert_eq!(first.lines.len(), 14, "the seeded lines");
    let before = unique_name("before-start");
    put(&logs, &seeded.log_group, &stream, &before).await;

    let mut following = Following::start(source, budget.clone(), request, &first.lines).await;
    assert_eq!(following.mode(), started_in);
    let came = follow_until(&mut following, source, &before).await;
    assert_eq!(came.len(), 1, "only the new line, once: {came:?}");
    assert_eq!(came[0].function, seeded.function);

    let after = unique_name("after-start");
    put(&logs, &seeded.log_group, &stream, &after).await;
    let came = follow_until(&mut following, source, &after).await;
    assert_eq!(came.len(), 1, "only the new line, once: {came:?}");
    assert_eq!(following.mode(), FollowMode::Polling);
    assert_eq!(
        budget.live_tail_works(),
        Some(false),
        "remembered: the next follow polls without asking"
    );
    drop(following);
    let again = Following::start(source, budget.clone(), first_request(seeded), &[]).await;
    assert_eq!(again.mode(), FollowMode::Polling);
}

fn first_request(seeded: &Seeded) -> SearchRequest {
    SearchRequest {
        groups: vec![GroupTarget {
            function: seeded.function.clone(),
            log_group: seeded.log_group.clone(),
        }],
        start_ms: seeded.start_ms,
        end_ms: now_ms(),
        pattern: None,
        max_bytes: u64::MAX,
        max_lines: 10_000,
    }
}
