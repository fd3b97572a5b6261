//! The journal's own tests: lines written and read back, a run killed mid-write (a torn
//! line), a file that is no journal.

use super::*;
use std::fs::OpenOptions;

fn temp_path(name: &str) -> PathBuf {
    std::env::temp_dir()
        .join(format!("squall-journal-{}-{name}", std::process::id()))
        .join("j.jsonl")
}

#[test]
fn reads_back_what_was_recorded_and_survives_a_cut_last_line() {
    let path = temp_path("roundtrip");
    let _ = std::fs::remove_file(&path);
    let mut journal = Journal::append_to(&path).expect("open");
    journal
        .record(&[
            Entry::Plan {
                dlq_url: "u".into(),
                dlq_arn: "a".into(),
                to_url: None,
                started_ms: 1,
                visibility_s: Some(30),
            },
            Entry::Received {
                dlq_id: "m1".into(),
                body_md5: "h".into(),
                receipt: "r1".into(),
                destination: "d".into(),
                attributes_md5: None,
            },
            Entry::Received {
                dlq_id: "m2".into(),
                body_md5: "h2".into(),
                receipt: "r2".into(),
                destination: "d".into(),
                attributes_md5: None,
            },
            Entry::Sending {
                dlq_id: "m1".into(),
            },
            Entry::Sending {
                dlq_id: "m2".into(),
            },
            Entry::Sent {
                dlq_id: "m1".into(),
                destination_id: "n1".into(),
            },
        ])
        .expect("record");
    drop(journal);
    let mut file = OpenOptions::new().append(true).open(&path).expect("open");
    file.write_all(b"{\"event\":\"deleted\",\"dlq_i")
        .expect("cut");
    let state = JournalState::read(&path).expect("read");
    assert_eq!(state.dlq_url, "u");
    let m1 = &state.messages["m1"];
    assert!(m1.sent_not_deleted());
    assert_eq!(m1.receipt, "r1");
    assert!(state.messages["m2"].possibly_sent());
    assert_eq!(state.moved(), 0);
    assert_eq!(state.visibility_s, Some(30));
    assert!(!state.finished, "no end line: the run was cut short");
}

#[test]
fn a_torn_last_line_is_skipped_and_reported_and_appends_start_on_a_new_line() {
    let path = temp_path("torn");
    let _ = std::fs::remove_file(&path);
    let plan = Entry::Plan {
        dlq_url: "u".into(),
        dlq_arn: "a".into(),
        to_url: None,
        started_ms: 1,
        visibility_s: Some(30),
    };
    let mut journal = Journal::append_to(&path).expect("open");
    journal
        .record(&[
            plan.clone(),
            Entry::Sent {
                dlq_id: "m1".into(),
                destination_id: "n1".into(),
            },
        ])
        .expect("record");
    drop(journal);
    let mut file = OpenOptions::new().append(true).open(&path).expect("open");
    file.write_all(b"{\"event\":\"sent\",\"dlq_id\":\"m2\",\"destin")
        .expect("cut");
    drop(file);
    // A resume appends its plan, then goes on.
    let mut journal = Journal::append_to(&path).expect("reopen");
    journal
        .record(&[
            plan,
            Entry::Deleted {
                dlq_id: "m1".into(),
            },
        ])
        .expect("record");
    let state = JournalState::read(&path).expect("readable after the resume");
    assert_eq!(state.torn, 1);
    assert!(state.messages["m1"].deleted);
    assert!(
        !state.messages.contains_key("m2"),
        "the torn line says nothing"
    );
}

#[test]
fn a_line_glued_to_a_torn_one_by_an_older_squall_is_still_read() {
    let path = temp_path("glued");
    let _ = std::fs::remove_file(&path);
    let text = "{\"event\":\"plan\",\"dlq_url\":\"u\",\"dlq_arn\":\"a\",\"to_url\":null,\"started_ms\":1}\n\
                {\"event\":\"sent\",\"dlq_id\":\"m1\",\"destination_id\":\"n1\"}\n\
                {\"event\":\"deleted\",\"dlq_i{\"event\":\"sent\",\"dlq_id\":\"m2\",\"destination_id\":\"n2\"}\n";
    std::fs::create_dir_all(path.parent().expect("dir")).expect("mkdir");
    std::fs::write(&path, text).expect("write");
    let state = JournalState::read(&path).expect("readable");
    assert_eq!(state.torn, 1);
    assert!(state.messages["m2"].sent_not_deleted());
    assert!(state.messages["m1"].sent_not_deleted());
}

#[test]
fn a_file_without_a_plan_is_refused() {
    let path = temp_path("noplan");
    let _ = std::fs::remove_file(&path);
    let mut journal = Journal::append_to(&path).expect("open");
    journal
        .record(&[Entry::Deleted { dlq_id: "m".into() }])
        .expect("record");
    assert!(matches!(
        JournalState::read(&path),
        Err(JournalError::NoPlan { .. })
    ));
}

#[test]
fn lost_answers_add_up_across_journals_and_a_message_received_again_is_not_deleted() {
    let mut first = MessageState::default();
    for entry in [
        Entry::Received {
            dlq_id: "m".into(),
            body_md5: "h".into(),
            receipt: "r1".into(),
            destination: "d".into(),
            attributes_md5: None,
        },
        Entry::Sending { dlq_id: "m".into() },
        Entry::Unanswered { dlq_id: "m".into() },
        Entry::Sending { dlq_id: "m".into() },
        Entry::Unanswered { dlq_id: "m".into() },
        Entry::Sending { dlq_id: "m".into() },
    ] {
        first.apply(&entry);
    }
    assert_eq!(
        first.possible_copies(),
        3,
        "two lost answers and one cut short"
    );
    assert!(first.possibly_sent());
    let mut later = MessageState::default();
    later.apply(&Entry::Unanswered { dlq_id: "m".into() });
    first.merge(&later);
    assert_eq!(first.possible_copies(), 4);
    // Deleted (a stale receipt may say so), then received again: not deleted after all.
    first.apply(&Entry::Deleted { dlq_id: "m".into() });
    let mut again = MessageState::default();
    again.apply(&Entry::Received {
        dlq_id: "m".into(),
        body_md5: "h".into(),
        receipt: "r2".into(),
        destination: "d".into(),
        attributes_md5: None,
    });
    first.merge(&again);
    assert!(!first.deleted);
    assert_eq!(first.receipt, "r2");
}

#[test]
fn lines_carry_when_they_were_written_and_lost_answers_keep_their_attempts_times() {
    let path = temp_path("stamped");
    let _ = std::fs::remove_file(&path);
    let mut journal = Journal::append_to(&path).expect("open");
    let plan = Entry::Plan {
        dlq_url: "u".into(),
        dlq_arn: "a".into(),
        to_url: None,
        started_ms: 1,
        visibility_s: None,
    };
    let sending = || Entry::Sending { dlq_id: "m".into() };
    let unanswered = || Entry::Unanswered { dlq_id: "m".into() };
    journal
        .record_at(&[plan, sending()], 1_000)
        .expect("record");
    journal.record_at(&[unanswered()], 4_000).expect("record");
    journal.record_at(&[sending()], 400_000).expect("record");
    let before = journal.now_ms();
    journal.record(&[unanswered()]).expect("record");
    journal.record(&[sending()]).expect("record");
    let text = std::fs::read_to_string(&path).expect("read");
    assert!(
        text.lines()
            .next()
            .is_some_and(|l| l.ends_with(",\"at_ms\":1000}")),
        "{text}"
    );
    let state = JournalState::read(&path).expect("read");
    let m = &state.messages["m"];
    assert_eq!(m.possible_copies(), 3);
    let times = m.copy_times();
    // Each lost answer is timed from its attempt's start, not from when it was found lost.
    assert_eq!(&times[..2], &[Some(1_000), Some(400_000)]);
    let last = times[2].expect("the attempt cut short has its time");
    assert!(last >= before && last < before + 60_000, "{times:?}");
}

#[test]
fn a_journal_written_without_times_is_read_with_its_times_unknown() {
    let path = temp_path("untimed");
    let _ = std::fs::remove_file(&path);
    let text = "{\"event\":\"plan\",\"dlq_url\":\"u\",\"dlq_arn\":\"a\",\"to_url\":null,\"started_ms\":1}\n\
                {\"event\":\"sending\",\"dlq_id\":\"m\"}\n\
                {\"event\":\"unanswered\",\"dlq_id\":\"m\"}\n\
                {\"event\":\"sending\",\"dlq_id\":\"m\"}\n";
    std::fs::create_dir_all(path.parent().expect("dir")).expect("mkdir");
    std::fs::write(&path, text).expect("write");
    let mut old = JournalState::read(&path).expect("readable").messages["m"].clone();
    assert_eq!(old.copy_times(), vec![None, None]);
    // A later journal's timed lost answer adds to the untimed ones.
    let mut later = MessageState::default();
    later.apply_at(&Entry::Sending { dlq_id: "m".into() }, Some(7));
    later.apply_at(&Entry::Unanswered { dlq_id: "m".into() }, Some(9));
    old.merge(&later);
    let mut times = old.copy_times();
    times.sort();
    assert_eq!(times, vec![None, None, Some(7)]);
}

#[test]
fn lines_recorded_then_synced_elsewhere_are_in_the_file_before_the_sync_handle_returns() {
    let path = temp_path("then-sync");
    let _ = std::fs::remove_file(&path);
    let mut journal = Journal::append_to(&path).expect("open");
    journal
        .record(&[Entry::Plan {
            dlq_url: "u".into(),
            dlq_arn: "a".into(),
            to_url: None,
            started_ms: 1,
            visibility_s: Some(30),
        }])
        .expect("record");
    let file = journal
        .record_then_sync(
            &[Entry::Sending {
                dlq_id: "m1".into(),
            }],
            1_000,
        )
        .expect("record");
    // Written to the OS already: a reader sees it before the sync is done.
    let state = JournalState::read(&path).expect("read");
    assert!(state.messages["m1"].possibly_sent());
    // The handle syncs the journal's own file, from any thread.
    std::thread::spawn(move || file.sync_data())
        .join()
        .expect("join")
        .expect("sync");
    journal
        .record(&[Entry::Sent {
            dlq_id: "m1".into(),
            destination_id: "n1".into(),
        }])
        .expect("record after");
    let state = JournalState::read(&path).expect("read");
    assert!(state.messages["m1"].sent_not_deleted());
}
