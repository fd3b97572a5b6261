use std::collections::BTreeMap;

use std::borrow::Cow;

use super::*;

pub(crate) fn message(id: &str, body: &str, receives: u64) -> ReceivedMessage {
    let mut attributes = BTreeMap::new();
    attributes.insert("ApproximateReceiveCount".to_string(), receives.to_string());
    attributes.insert("SentTimestamp".to_string(), "1800000000000".to_string());
    ReceivedMessage {
        message_id: id.to_string(),
        receipt_handle: format!("handle-{id}"),
        body: body.to_string(),
        md5_of_body: None,
        attributes,
        message_attributes: BTreeMap::new(),
    }
}

pub(crate) const ENVELOPE: &str = r#"{"Type":"Notification","MessageId":"sns-1","TopicArn":"arn:aws:sns:eu-west-1:1:orders","Subject":"Order","Message":"{\"event\":\"order_placed\",\"id\":7}","Timestamp":"2027-01-15T08:00:00.000Z","MessageAttributes":{"type":{"Type":"String","Value":"order_placed"}}}"#;

fn place() -> MessagePlace<'static> {
    MessagePlace {
        position: 2,
        total: 3,
        max_receive_count: Some(5),
        dlq_name: Some("orders-dlq"),
    }
}

/// Every line of the pane, built (the view builds only those on screen).
fn layout(message: &ReceivedMessage, place: &MessagePlace, raw: bool) -> Vec<DetailLine> {
    super::layout(message, place, raw).to_vec()
}

fn text(lines: &[DetailLine]) -> Vec<String> {
    lines
        .iter()
        .map(|l| l.iter().map(|s| s.text.as_str()).collect())
        .collect()
}

#[test]
fn shown_makes_escape_sequences_visible_and_leaves_clean_text_alone() {
    assert!(matches!(shown("orders-dlq é 日本"), Cow::Borrowed(_)));
    assert_eq!(shown("a\u{1b}]52;c;SGk=\u{7}b"), "a\\x1b]52;c;SGk=\\x07b");
    assert_eq!(shown("\u{1b}[2J\r\n\t\u{7f}"), "\\x1b[2J\\r\\n\\t\\x7f");
    assert_eq!(
        shown("x\u{9b}31m\u{202e}y\u{2028}"),
        "x<U+009B>31m<U+202E>y<U+2028>"
    );
}

#[test]
fn a_json_body_is_pretty_printed_with_its_tones() {
    let lines = layout(
        &message("m-2", r#"{"event":"order_placed","total":12.5}"#, 2),
        &place(),
        false,
    );
    let shown = text(&lines);
    assert_eq!(shown[0], "message 2 of 3  id m-2");
    assert_eq!(shown[1], "received 2 of max 5 (this peek counted as one)");
    let body = shown
        .iter()
        .position(|l| l == "Body")
        .expect("body heading");
    assert_eq!(
        &shown[body + 1..body + 5],
        [
            "{",
            r#"  "event": "order_placed","#,
            r#"  "total": 12.5"#,
            "}"
        ]
    );
    let key = &lines[body + 2][1];
    assert_eq!((key.tone, key.text.as_str()), (Tone::Key, r#""event""#));
}

#[test]
fn a_message_at_its_limit_says_where_its_next_receive_sends_it() {
    let lines = layout(&message("m", "x", 5), &place(), false);
    assert_eq!(
        text(&lines)[1],
        "received 5 of max 5: at the limit, its next receive moves it to orders-dlq"
    );
    assert!(lines[1].iter().all(|s| s.tone == Tone::Warning));
}

#[test]
fn an_envelope_shows_its_message_fields_and_attributes_and_toggles_raw() {
    let unwrapped = text(&layout(&message("m", ENVELOPE, 1), &place(), false));
    let at = |needle: &str| {
        unwrapped
            .iter()
            .position(|l| l.starts_with(needle))
            .unwrap_or_else(|| panic!("{needle} in {unwrapped:#?}"))
    };
    assert!(unwrapped[at("SNS envelope")].contains("v shows it raw"));
    assert!(unwrapped[at("  TopicArn")].ends_with("arn:aws:sns:eu-west-1:1:orders"));
    assert!(unwrapped[at("  Subject")].ends_with("Order"));
    let inner = at("Message");
    assert_eq!(unwrapped[inner + 2], r#"  "event": "order_placed","#);
    assert!(unwrapped[at("SNS message attributes") + 1].contains("order_placed"));

    let raw = text(&layout(&message("m", ENVELOPE, 1), &place(), true));
    assert!(raw.iter().any(|l| l.starts_with("SNS envelope, raw")));
    assert!(raw.iter().any(|l| l == r#"  "Type": "Notification","#));
    assert!(!raw.iter().any(|l| l.starts_with("SNS message attributes")));
}

#[test]
fn attributes_are_tables_with_binary_as_base64_and_timestamps_as_dates() {
    let mut m = message("m", "plain\nsecond line", 1);
    m.message_attributes
        .insert("blob".into(), AttributeValue::binary(vec![0, 1, 255]));
    m.message_attributes
        .insert("kind".into(), AttributeValue::string("refund"));
    let shown = text(&layout(&m, &place(), false));
    assert!(shown.contains(&"plain".to_string()));
    assert!(shown.contains(&"second line".to_string()));
    assert!(
        shown.contains(&"  blob  Binary  AAH/  (base64, 3 bytes)".to_string()),
        "{shown:#?}"
    );
    assert!(shown.contains(&"  kind  String  refund".to_string()));
    assert!(
        shown
            .iter()
            .any(|l| l == "  SentTimestamp            1800000000000  2027-01-15T08:00:00.000Z"),
        "{shown:#?}"
    );
}

#[test]
fn nothing_from_a_hostile_message_reaches_a_line_raw() {
    let hostile = [
        "\u{1b}]52;c;cm0gLXJmIH4=\u{7}",
        "\u{1b}[2J\u{1b}[H",
        "\u{9b}6n",
        "\u{202e}gnp.exe",
        "\u{1b}]8;;http://evil\u{1b}\\link\u{1b}]8;;\u{1b}\\",
    ];
    for bad in hostile {
        let json = serde_json::json!({ "k": bad }).to_string();
        let envelope = serde_json::json!({
            "Type": "Notification", "MessageId": bad, "TopicArn": "arn:aws:sns:r:1:t",
            "Message": bad, "Subject": bad,
            "MessageAttributes": { bad: { "Type": "String", "Value": bad } }
        })
        .to_string();
        for body in [bad.to_string(), json, envelope] {
            let mut m = message(bad, &body, 1);
            m.attributes.insert(bad.into(), bad.into());
            m.message_attributes
                .insert(bad.into(), AttributeValue::string(bad));
            for raw in [false, true] {
                for line in layout(&m, &place(), raw) {
                    for segment in line {
                        assert!(
                            !segment
                                .text
                                .chars()
                                .any(|c| c.is_control() || ('\u{202a}'..='\u{202e}').contains(&c)),
                            "{:?} from {body:?}",
                            segment.text
                        );
                    }
                }
            }
        }
    }
}
