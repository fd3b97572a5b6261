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
            },
            Entry::Received {
                dlq_id: "m2".into(),
                body_md5: "h2".into(),
                receipt: "r2".into(),
                destination: "d".into(),
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
    });
    first.merge(&again);
    assert!(!first.deleted);
    assert_eq!(first.receipt, "r2");
}
