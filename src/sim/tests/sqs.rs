//! SQS as SQS documents it: dead-lettering, visibility, receipt handles, FIFO, delays.

use super::*;
use crate::aws::ErrorKind;
use crate::sim::spec::QueueSpec;

fn spec(queues: Vec<QueueSpec>) -> FleetSpec {
    FleetSpec {
        queues,
        ..FleetSpec::default()
    }
}

fn work_with_dlq(max_receive: u32) -> FleetSpec {
    spec(vec![
        QueueSpec::new("work").with_dlq("work-dlq", max_receive),
        QueueSpec::new("work-dlq"),
    ])
}

#[tokio::test]
async fn a_message_moves_to_the_dlq_after_max_receive_count_receives() {
    let (fleet, clock) = world(work_with_dlq(3));
    let mut outgoing = message("m", "{\"order\": 1}");
    outgoing
        .message_attributes
        .insert("type".into(), string_attribute("order_placed"));
    outgoing.trace_header = Some("Root=1-abc;Sampled=1".into());
    let sent = send(&fleet, "work", &[outgoing]).await;
    let id = sent.successful[0].message_id.clone().expect("id");
    let mut sent_timestamp = None;
    for expected_count in 1..=3 {
        let got = receive(&fleet, "work", 10, None).await;
        assert_eq!(got.len(), 1, "receive {expected_count}");
        assert_eq!(got[0].receive_count(), Some(expected_count));
        sent_timestamp = got[0].sent_timestamp_ms();
        seconds(&clock, 31);
    }
    // The fourth receive would exceed maxReceiveCount: SQS moves the message instead.
    assert!(receive(&fleet, "work", 10, None).await.is_empty());
    assert_eq!(counts(&fleet, "work").await, visible(0));
    assert_eq!(counts(&fleet, "work-dlq").await, visible(1));
    let dead = receive(&fleet, "work-dlq", 10, None).await;
    assert_eq!(dead.len(), 1);
    let dead = &dead[0];
    assert_eq!(dead.message_id, id, "the same message, not a copy");
    assert_eq!(dead.body, "{\"order\": 1}");
    assert_eq!(dead.dead_letter_source_arn(), Some(arn("work").as_str()));
    assert_eq!(
        dead.sent_timestamp_ms(),
        sent_timestamp,
        "standard keeps SentTimestamp"
    );
    assert_eq!(
        dead.message_attributes["type"],
        string_attribute("order_placed")
    );
    assert_eq!(dead.trace_header(), Some("Root=1-abc;Sampled=1"));
    assert_eq!(
        dead.md5_of_body.as_deref(),
        Some("dc97bbb7eff3689c366f23d88bae9f28")
    );
}

#[tokio::test]
async fn a_fifo_dlq_restarts_the_sent_timestamp() {
    let (fleet, clock) = world(spec(vec![
        QueueSpec::new("jobs.fifo").with_dlq("jobs-dlq.fifo", 1),
        QueueSpec::new("jobs-dlq.fifo"),
    ]));
    send(&fleet, "jobs.fifo", &[fifo_message("a", "one", "g")]).await;
    let first = receive(&fleet, "jobs.fifo", 1, Some(0)).await;
    seconds(&clock, 90);
    assert!(receive(&fleet, "jobs.fifo", 1, None).await.is_empty());
    let dead = receive(&fleet, "jobs-dlq.fifo", 1, None).await;
    assert_eq!(dead[0].message_id, first[0].message_id);
    assert_eq!(dead[0].group_id(), Some("g"));
    assert_eq!(
        dead[0].sent_timestamp_ms(),
        first[0].sent_timestamp_ms().map(|t| t + 90_000)
    );
}

#[tokio::test]
async fn a_missing_dlq_leaves_the_message_in_its_queue() {
    let (fleet, _clock) = world(spec(vec![QueueSpec::new("work").with_dlq("gone", 1)]));
    send(&fleet, "work", &[message("m", "x")]).await;
    for count in 1..=3 {
        let got = receive(&fleet, "work", 1, Some(0)).await;
        assert_eq!(got[0].receive_count(), Some(count));
    }
}

#[tokio::test]
async fn visibility_hides_a_message_until_its_deadline() {
    let (fleet, clock) = world(spec(vec![QueueSpec::new("work")]));
    send(&fleet, "work", &[message("m", "x")]).await;
    let first = receive(&fleet, "work", 10, Some(10)).await;
    assert_eq!(first.len(), 1);
    assert!(receive(&fleet, "work", 10, None).await.is_empty());
    let in_flight = counts(&fleet, "work").await;
    assert_eq!((in_flight.visible, in_flight.in_flight), (0, 1));
    seconds(&clock, 9);
    assert!(receive(&fleet, "work", 10, None).await.is_empty());
    seconds(&clock, 1);
    let again = receive(&fleet, "work", 10, None).await;
    assert_eq!(again.len(), 1);
    assert_eq!(again[0].receive_count(), Some(2));
    assert_ne!(
        again[0].receipt_handle, first[0].receipt_handle,
        "a new handle per receive"
    );
    let first_receive = |m: &ReceivedMessage| {
        m.attributes
            .get("ApproximateFirstReceiveTimestamp")
            .cloned()
    };
    assert_eq!(first_receive(&again[0]), first_receive(&first[0]));
}

#[tokio::test]
async fn a_stale_receipt_handle_succeeds_and_changes_nothing() {
    let (fleet, clock) = world(spec(vec![QueueSpec::new("work")]));
    send(&fleet, "work", &[message("m", "x")]).await;
    let old = receive(&fleet, "work", 1, Some(5)).await[0]
        .receipt_handle
        .clone();
    seconds(&clock, 5);
    let latest = receive(&fleet, "work", 1, Some(30)).await[0]
        .receipt_handle
        .clone();
    let queue = url("work");

    let deleted = fleet
        .delete_messages(&queue, &[entry(&old)])
        .await
        .expect("delete");
    assert_eq!((deleted.successful.len(), deleted.failed.len()), (1, 0));
    let changed = fleet
        .change_visibility(&queue, &[entry(&old)], 0)
        .await
        .expect("change");
    assert_eq!(changed.successful.len(), 1);
    let still = counts(&fleet, "work").await;
    assert_eq!(
        (still.visible, still.in_flight),
        (0, 1),
        "neither the delete nor the change applied"
    );

    let bogus = fleet
        .delete_messages(&queue, &[entry("not-a-handle")])
        .await
        .expect("delete");
    assert_eq!(bogus.failed[0].code, "ReceiptHandleIsInvalid");

    fleet
        .delete_messages(&queue, &[entry(&latest)])
        .await
        .expect("delete");
    assert_eq!(counts(&fleet, "work").await, visible(0));
}

#[tokio::test]
async fn visibility_zero_releases_and_a_released_message_is_not_in_flight() {
    let (fleet, _clock) = world(spec(vec![QueueSpec::new("work")]));
    send(&fleet, "work", &[message("m", "x")]).await;
    let handle = receive(&fleet, "work", 1, None).await[0]
        .receipt_handle
        .clone();
    let queue = url("work");
    let released = fleet
        .change_visibility(&queue, &[entry(&handle)], 0)
        .await
        .expect("change");
    assert_eq!(released.successful.len(), 1);
    assert_eq!(counts(&fleet, "work").await, visible(1));
    let again = fleet
        .change_visibility(&queue, &[entry(&handle)], 0)
        .await
        .expect("change");
    assert_eq!(again.failed[0].code, "MessageNotInflight");
    // The latest handle still deletes a message that is visible again.
    fleet
        .delete_messages(&queue, &[entry(&handle)])
        .await
        .expect("delete");
    assert_eq!(counts(&fleet, "work").await, visible(0));
}

#[tokio::test]
async fn receive_takes_at_most_ten_and_waits_out_delays() {
    let (fleet, clock) = world(spec(vec![QueueSpec::new("work")]));
    for batch in 0..2 {
        let entries: Vec<_> = (0..8)
            .map(|i| message(&format!("m{i}"), &format!("{batch}-{i}")))
            .collect();
        send(&fleet, "work", &entries).await;
    }
    assert_eq!(receive(&fleet, "work", 12, None).await.len(), 10);
    assert_eq!(
        receive(&fleet, "work", 0, None).await.len(),
        1,
        "0 asks for 1, as the adapter does"
    );

    let delayed = OutgoingMessage {
        delay_seconds: Some(5),
        ..message("d", "later")
    };
    send(&fleet, "work", &[delayed]).await;
    assert_eq!(counts(&fleet, "work").await.delayed, 1);
    seconds(&clock, 5);
    let counts_now = counts(&fleet, "work").await;
    assert_eq!((counts_now.delayed, counts_now.visible), (0, 6));
}

#[tokio::test]
async fn a_fifo_group_with_a_message_in_flight_yields_nothing_more() {
    let (fleet, _clock) = world(spec(vec![QueueSpec::new("jobs.fifo")]));
    let entries = [
        fifo_message("a1", "a1", "A"),
        fifo_message("a2", "a2", "A"),
        fifo_message("b1", "b1", "B"),
        fifo_message("a3", "a3", "A"),
    ];
    send(&fleet, "jobs.fifo", &entries).await;
    let first = receive(&fleet, "jobs.fifo", 1, None).await;
    assert_eq!(first[0].body, "a1");
    let next = receive(&fleet, "jobs.fifo", 10, None).await;
    let bodies: Vec<&str> = next.iter().map(|m| m.body.as_str()).collect();
    assert_eq!(bodies, ["b1"], "group A is blocked while a1 is in flight");
    fleet
        .delete_messages(&url("jobs.fifo"), &[entry(&first[0].receipt_handle)])
        .await
        .expect("delete");
    let rest = receive(&fleet, "jobs.fifo", 10, None).await;
    let bodies: Vec<&str> = rest.iter().map(|m| m.body.as_str()).collect();
    assert_eq!(bodies, ["a2", "a3"], "in order, once A is free");
    let sequence = |m: &ReceivedMessage| {
        m.attributes["SequenceNumber"]
            .parse::<u128>()
            .expect("number")
    };
    assert!(sequence(&rest[0]) < sequence(&rest[1]));
    assert_eq!(rest[0].deduplication_id(), Some("dedup-a2"));
}

#[tokio::test]
async fn fifo_drops_a_duplicate_inside_five_minutes() {
    let (fleet, clock) = world(spec(vec![QueueSpec::new("jobs.fifo")]));
    let first = send(&fleet, "jobs.fifo", &[fifo_message("x", "once", "g")]).await;
    let again = send(&fleet, "jobs.fifo", &[fifo_message("x", "once", "g")]).await;
    assert_eq!(
        first.successful[0].message_id,
        again.successful[0].message_id
    );
    assert_eq!(counts(&fleet, "jobs.fifo").await, visible(1));
    seconds(&clock, 5 * 60);
    let later = send(&fleet, "jobs.fifo", &[fifo_message("x", "once", "g")]).await;
    assert_ne!(
        later.successful[0].message_id,
        first.successful[0].message_id
    );
    assert_eq!(counts(&fleet, "jobs.fifo").await, visible(2));
}

#[tokio::test]
async fn sends_are_checked_entry_by_entry_and_batch_by_batch() {
    let (fleet, _clock) = world(spec(vec![
        QueueSpec::new("jobs.fifo"),
        QueueSpec::new("work"),
    ]));
    let no_group = message("a", "x");
    let outcome = send(
        &fleet,
        "jobs.fifo",
        &[no_group, fifo_message("b", "ok", "g")],
    )
    .await;
    assert_eq!(outcome.failed[0].code, "MissingParameter");
    assert!(outcome.failed[0].sender_fault);
    assert_eq!(outcome.successful[0].id, "b");

    let escape = send(&fleet, "work", &[message("e", "\u{1b}]52;c;aGk=\u{7}")]).await;
    assert_eq!(escape.failed[0].code, "InvalidMessageContents");

    let eleven: Vec<_> = (0..11).map(|i| message(&format!("m{i}"), "x")).collect();
    let too_many = fleet
        .send_messages(&url("work"), &eleven)
        .await
        .expect_err("11 entries");
    assert_eq!(
        too_many.code.as_deref(),
        Some("AWS.SimpleQueueService.TooManyEntriesInBatchRequest")
    );
    let twice = fleet
        .send_messages(&url("work"), &[message("d", "1"), message("d", "2")])
        .await;
    assert!(twice.is_err());
    let big = "x".repeat(1_048_577);
    let too_long = fleet
        .send_messages(&url("work"), &[message("b", &big)])
        .await;
    assert_eq!(
        too_long.expect_err("too long").code.as_deref(),
        Some("AWS.SimpleQueueService.BatchRequestTooLong")
    );
    assert_eq!(
        counts(&fleet, "work").await,
        visible(0),
        "nothing refused was kept"
    );
}

#[tokio::test]
async fn a_second_purge_within_a_minute_is_refused_and_unknown_queues_are_not_found() {
    let (fleet, clock) = world(spec(vec![QueueSpec::new("work")]));
    send(&fleet, "work", &[message("a", "1"), message("b", "2")]).await;
    fleet.purge_queue(&url("work")).await.expect("purge");
    assert_eq!(counts(&fleet, "work").await, visible(0));
    let refused = fleet.purge_queue(&url("work")).await.expect_err("too soon");
    assert_eq!(
        refused.code.as_deref(),
        Some("AWS.SimpleQueueService.PurgeQueueInProgress")
    );
    seconds(&clock, 60);
    fleet.purge_queue(&url("work")).await.expect("purge again");
    let missing = fleet
        .describe_queue(&url("nope"))
        .await
        .expect_err("missing");
    assert_eq!(missing.kind, ErrorKind::NotFound);
}

#[tokio::test]
async fn retention_drops_old_messages() {
    let (fleet, clock) = world(spec(vec![QueueSpec::new("short").with_retention_s(120)]));
    send(&fleet, "short", &[message("a", "1")]).await;
    seconds(&clock, 60);
    send(&fleet, "short", &[message("b", "2")]).await;
    seconds(&clock, 90);
    assert_eq!(
        counts(&fleet, "short").await,
        visible(1),
        "the first expired at two minutes"
    );
}
