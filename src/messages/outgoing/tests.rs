use std::collections::BTreeMap;

use super::*;
use crate::domain::message::AttributeValue;
use crate::messages::record::{MessageRecord, to_json_line};

fn standard() -> QueueRules {
    QueueRules {
        fifo: false,
        content_based_deduplication: false,
        max_message_bytes: 1_048_576,
    }
}

fn fifo() -> QueueRules {
    QueueRules {
        fifo: true,
        ..standard()
    }
}

fn draft(body: &str) -> Draft {
    Draft {
        body: body.to_string(),
        ..Draft::default()
    }
}

#[test]
fn attributes_parse_with_or_without_a_type() {
    assert_eq!(
        parse_attribute("type=order=placed"),
        Ok(("type".to_string(), AttributeValue::string("order=placed")))
    );
    assert_eq!(
        parse_attribute("amount:Number=-12.5"),
        Ok(("amount".to_string(), AttributeValue::number("-12.5")))
    );
    assert_eq!(
        parse_attribute("blob:Binary=AAH/"),
        Ok(("blob".to_string(), AttributeValue::binary(vec![0, 1, 255])))
    );
    let (_, custom) = parse_attribute("doc:String.json={}").expect("custom type");
    assert_eq!(custom.data_type, "String.json");
    assert_eq!(
        parse_attribute("k=").map(|(_, v)| v.string_value),
        Ok(Some(String::new()))
    );
}

#[test]
fn bad_attributes_say_what_is_wrong() {
    assert!(matches!(
        parse_attribute("no-equals"),
        Err(DraftError::AttributeSyntax(_))
    ));
    assert!(matches!(
        parse_attribute("amount:Number=twelve"),
        Err(DraftError::AttributeNumber(..))
    ));
    assert!(matches!(
        parse_attribute("blob:Binary=%%"),
        Err(DraftError::AttributeBase64(..))
    ));
    assert!(matches!(
        parse_attribute("k:Date=x"),
        Err(DraftError::AttributeType(..))
    ));
    for name in ["", "a b", ".a", "a.", "a..b", "AWS.trace", "amazon.x", "ü"] {
        assert!(
            matches!(
                parse_attribute(&format!("{name}=v")),
                Err(DraftError::AttributeName(..))
            ),
            "{name:?}"
        );
    }
}

#[test]
fn a_draft_is_checked_against_the_queue() {
    let message = message_from_draft(draft("hi"), &standard()).expect("plain");
    assert_eq!(message.body, "hi");
    assert_eq!(
        message_from_draft(draft(""), &standard()),
        Err(DraftError::EmptyBody)
    );
    assert_eq!(
        message_from_draft(draft("a\u{1b}[2J"), &standard()),
        Err(DraftError::Character {
            what: "the body".to_string(),
            code: 0x1b,
            position: 2
        })
    );
    assert!(message_from_draft(draft("tab\tcr\rlf\n✓"), &standard()).is_ok());
    let small = QueueRules {
        max_message_bytes: 10,
        ..standard()
    };
    assert_eq!(
        message_from_draft(draft("12345678901"), &small),
        Err(DraftError::TooLarge { size: 11, max: 10 })
    );
    let mut many = draft("x");
    for i in 0..11 {
        many.attributes
            .insert(format!("a{i}"), AttributeValue::string("v"));
    }
    assert_eq!(
        message_from_draft(many, &standard()),
        Err(DraftError::TooManyAttributes { count: 11 })
    );
    let mut delayed = draft("x");
    delayed.delay_seconds = Some(901);
    assert_eq!(
        message_from_draft(delayed, &standard()),
        Err(DraftError::DelayTooLong(901))
    );
}

#[test]
fn fifo_needs_a_group_and_a_dedup_id_unless_content_based() {
    assert_eq!(
        message_from_draft(draft("x"), &fifo()),
        Err(DraftError::MissingDeduplication)
    );
    let mut with_dedup = draft("x");
    with_dedup.deduplication_id = Some("d".to_string());
    assert_eq!(
        message_from_draft(with_dedup.clone(), &fifo()),
        Err(DraftError::MissingGroup)
    );
    with_dedup.group_id = Some("g".to_string());
    assert!(message_from_draft(with_dedup.clone(), &fifo()).is_ok());
    let content_based = QueueRules {
        content_based_deduplication: true,
        ..fifo()
    };
    let mut grouped = draft("x");
    grouped.group_id = Some("g".to_string());
    assert!(message_from_draft(grouped.clone(), &content_based).is_ok());
    grouped.delay_seconds = Some(5);
    assert_eq!(
        message_from_draft(grouped, &content_based),
        Err(DraftError::DelayOnFifo)
    );
    assert_eq!(
        message_from_draft(with_dedup, &standard()),
        Err(DraftError::DeduplicationOnStandard)
    );
}

fn exported(message_id: &str, body: &str, group: Option<&str>) -> String {
    let mut attributes = BTreeMap::new();
    attributes.insert("AWSTraceHeader".to_string(), "Root=1-abc".to_string());
    if let Some(group) = group {
        attributes.insert("MessageGroupId".to_string(), group.to_string());
    }
    let record = MessageRecord {
        message_id: message_id.to_string(),
        body: body.to_string(),
        md5_of_body: None,
        message_attributes: BTreeMap::from([(
            "blob".to_string(),
            crate::messages::record::AttributeRecord {
                data_type: "Binary".to_string(),
                string_value: None,
                binary_value: Some("AAH/".to_string()),
            },
        )]),
        attributes,
        receive_count: Some(1),
        max_receive_count: None,
        at_receive_limit: false,
        sent_at: None,
        group_id: group.map(str::to_string),
        sns: None,
    };
    to_json_line(&record).expect("json")
}

#[test]
fn an_export_replays_with_attributes_trace_group_and_stable_dedup_ids() {
    let file = format!(
        "{}\n\n{}\n",
        exported("m-1", "first \u{9b} ✓", Some("g1")),
        exported("m-2", "second", None)
    );
    let overrides = ReplayOverrides {
        group_id: Some("fallback".to_string()),
        ..ReplayOverrides::default()
    };
    let numbered = messages_from_ndjson(&file, &fifo(), &overrides).expect("valid");
    let lines: Vec<usize> = numbered.iter().map(|(line, _)| *line).collect();
    assert_eq!(lines, vec![1, 3], "blank lines are skipped, numbers kept");
    let messages: Vec<_> = numbered.into_iter().map(|(_, m)| m).collect();
    assert_eq!(messages.len(), 2);
    assert_eq!(messages[0].body, "first \u{9b} ✓");
    assert_eq!(messages[0].id, "m0");
    assert_eq!(messages[1].id, "m1");
    assert_eq!(
        messages[0].message_attributes["blob"],
        AttributeValue::binary(vec![0, 1, 255])
    );
    assert_eq!(messages[0].trace_header.as_deref(), Some("Root=1-abc"));
    assert_eq!(messages[0].group_id.as_deref(), Some("g1"));
    assert_eq!(messages[1].group_id.as_deref(), Some("fallback"));
    let dedup: Vec<&str> = messages
        .iter()
        .filter_map(|m| m.deduplication_id.as_deref())
        .collect();
    assert_eq!(dedup.len(), 2);
    assert_ne!(dedup[0], dedup[1]);
    assert!(
        dedup
            .iter()
            .all(|d| d.len() == 39 && d.starts_with("squall-"))
    );
    // Stable: the same file gives the same ids, also reordered.
    let again = messages_from_ndjson(&file, &fifo(), &overrides).expect("valid");
    assert_eq!(again[0].1.deduplication_id, messages[0].deduplication_id);
    let reordered = format!(
        "{}\n{}\n",
        exported("m-2", "second", None),
        exported("m-1", "first \u{9b} ✓", Some("g1"))
    );
    let swapped = messages_from_ndjson(&reordered, &fifo(), &overrides).expect("valid");
    assert_eq!(swapped[1].1.deduplication_id, messages[0].deduplication_id);
    // A standard queue gets neither group nor dedup id from the file.
    let plain =
        messages_from_ndjson(&file, &standard(), &ReplayOverrides::default()).expect("valid");
    assert!(
        plain
            .iter()
            .all(|(_, m)| m.group_id.is_none() && m.deduplication_id.is_none())
    );
}

#[test]
fn every_bad_line_is_named_and_nothing_is_returned() {
    let file = format!(
        "{}\nnot json\n{{\"body\":\"\"}}\n{}\n",
        exported("m-1", "ok", Some("g")),
        exported("m-3", "no group", None)
    );
    let errors =
        messages_from_ndjson(&file, &fifo(), &ReplayOverrides::default()).expect_err("bad lines");
    let lines: Vec<usize> = errors.iter().map(|e| e.line).collect();
    assert_eq!(lines, vec![2, 3, 4]);
    assert!(matches!(errors[0].error, DraftError::Record(_)));
    assert_eq!(errors[1].error, DraftError::EmptyBody);
    assert_eq!(errors[2].error, DraftError::MissingGroup);
}

#[test]
fn lines_without_message_ids_get_distinct_ids_even_when_equal() {
    let line = r#"{"body":"same"}"#;
    let record = MessageRecord::parse(line).expect("record");
    assert_ne!(
        stable_deduplication_id(&record, 1, line),
        stable_deduplication_id(&record, 2, line)
    );
    assert_eq!(
        stable_deduplication_id(&record, 1, line),
        stable_deduplication_id(&record, 1, line)
    );
}

#[test]
fn message_size_counts_body_and_attributes() {
    let mut message = message_from_draft(draft("12345"), &standard()).expect("ok");
    message
        .message_attributes
        .insert("ab".to_string(), AttributeValue::binary(vec![1, 2, 3]));
    // 5 + "ab" + "Binary" + 3 bytes.
    assert_eq!(message_size(&message), 5 + 2 + 6 + 3);
}

fn topic(name: &str, attributes: &[(&str, &str)]) -> crate::domain::Topic {
    crate::domain::Topic::from_attributes(
        &format!("arn:aws:sns:us-east-1:1:{name}"),
        attributes
            .iter()
            .map(|(k, v)| (k.to_string(), v.to_string()))
            .collect(),
    )
}

#[test]
fn a_notification_follows_the_topic_rules() {
    let plain = topic("orders", &[]);
    let built = notification(
        &plain,
        "m".into(),
        Some("s".into()),
        BTreeMap::new(),
        None,
        None,
    )
    .expect("plain");
    assert_eq!(built.subject.as_deref(), Some("s"));
    assert_eq!(
        notification(&plain, String::new(), None, BTreeMap::new(), None, None),
        Err(DraftError::EmptyBody)
    );
    assert_eq!(
        notification(
            &plain,
            "m".into(),
            None,
            BTreeMap::new(),
            None,
            Some("d".into())
        ),
        Err(DraftError::DeduplicationOnStandard)
    );
    let fifo_topic = topic("orders.fifo", &[("FifoTopic", "true")]);
    assert_eq!(
        notification(
            &fifo_topic,
            "m".into(),
            None,
            BTreeMap::new(),
            None,
            Some("d".into())
        ),
        Err(DraftError::MissingGroup)
    );
    assert_eq!(
        notification(
            &fifo_topic,
            "m".into(),
            None,
            BTreeMap::new(),
            Some("g".into()),
            None
        ),
        Err(DraftError::MissingDeduplication)
    );
    let content_based = topic(
        "orders.fifo",
        &[("FifoTopic", "true"), ("ContentBasedDeduplication", "true")],
    );
    assert!(
        notification(
            &content_based,
            "m".into(),
            None,
            BTreeMap::new(),
            Some("g".into()),
            None
        )
        .is_ok()
    );
}
