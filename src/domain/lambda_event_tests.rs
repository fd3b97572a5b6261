//! The Lambda-side bodies, read back: the rebuilt SNS event and the invocation record.

use super::*;

const ENVELOPE: &str = r#"{"Type":"Notification","MessageId":"m-1","TopicArn":"arn:aws:sns:us-east-1:1:shipping-events","Message":"{\"shipmentId\":\"s-9\"}","Timestamp":"2026-11-01T09:30:00.000Z","SignatureVersion":"1","Signature":"c2ln","SigningCertURL":"https://sns/cert.pem","UnsubscribeURL":"https://sns/?Action=Unsubscribe","MessageAttributes":{"type":{"Type":"String","Value":"shipped"}}}"#;
const SUB: &str = "arn:aws:sns:us-east-1:1:shipping-events:abc";

#[test]
fn the_sns_event_carries_the_envelope_as_lambda_spells_it() {
    let event: Value =
        serde_json::from_str(&sns_event_from_envelope(ENVELOPE, SUB).expect("event"))
            .expect("json");
    let record = &event["Records"][0];
    assert_eq!(record["EventSource"], "aws:sns");
    assert_eq!(record["EventSubscriptionArn"], SUB);
    let sns = &record["Sns"];
    assert_eq!(
        sns["Message"], r#"{"shipmentId":"s-9"}"#,
        "the message byte for byte"
    );
    assert_eq!(sns["MessageId"], "m-1");
    assert_eq!(sns["SigningCertUrl"], "https://sns/cert.pem");
    assert_eq!(sns["UnsubscribeUrl"], "https://sns/?Action=Unsubscribe");
    assert!(sns.get("SigningCertURL").is_none());
    assert_eq!(sns["Subject"], Value::Null);
    assert_eq!(sns["MessageAttributes"]["type"]["Value"], "shipped");
}

#[test]
fn what_is_not_an_envelope_is_refused_with_the_reason() {
    assert!(
        sns_event_from_envelope("plain text", SUB)
            .unwrap_err()
            .contains("not an SNS envelope")
    );
    let error = sns_event_from_envelope(r#"{"Type":"Notification"}"#, SUB).unwrap_err();
    assert!(error.contains("MessageId"), "{error}");
}

#[test]
fn an_invocation_record_gives_back_its_request_payload() {
    let failed = FailedInvoke {
        request_id: "r-1",
        function_arn: "arn:aws:lambda:us-east-1:1:function:notify",
        timestamp: "2026-11-01T09:30:00.000Z",
        condition: FailureCondition::RetriesExhausted,
        approximate_invoke_count: 3,
        error_message: "boom",
    };
    let record = invocation_record(r#"{"a":1}"#, &failed);
    let parsed: Value = serde_json::from_str(&record).expect("json");
    assert_eq!(parsed["requestContext"]["condition"], "RetriesExhausted");
    assert_eq!(parsed["requestContext"]["approximateInvokeCount"], 3);
    assert_eq!(parsed["responsePayload"]["errorMessage"], "boom");
    assert_eq!(request_payload(&record).expect("payload"), r#"{"a":1}"#);
    let text = invocation_record("not json", &failed);
    assert_eq!(request_payload(&text).expect("payload"), "not json");
    assert!(
        request_payload(r#"{"a":1}"#)
            .unwrap_err()
            .contains("requestContext")
    );
    let without = r#"{"requestContext":{},"requestPayload":null}"#;
    assert!(request_payload(without).unwrap_err().contains("256 KB"));
}

#[test]
fn a_request_payload_is_cut_from_the_record_byte_for_byte() {
    // Key order, number spelling, escapes and spacing as Lambda wrote them.
    let payload = r#"{"z":1,"a":[12345678901234567890123, 1.50, "x\"}]"],"m":{"k":"é \u0085"}}"#;
    let record = format!(
        r#"{{"version":"1.0","requestContext":{{"requestId":"r"}}, "requestPayload" : {payload} ,"responsePayload":{{"errorMessage":"e"}}}}"#
    );
    assert_eq!(request_payload(&record).expect("payload"), payload);
    let last = format!(r#"{{"requestContext":{{}},"requestPayload":{payload}}}"#);
    assert_eq!(request_payload(&last).expect("payload"), payload);
    let number = r#"{"requestContext":{},"requestPayload":12345678901234567890123}"#;
    assert_eq!(
        request_payload(number).expect("payload"),
        "12345678901234567890123"
    );
    let nested = r#"{"requestContext":{"requestPayload":{"no":1}},"requestPayload":[true]}"#;
    assert_eq!(request_payload(nested).expect("payload"), "[true]");
}
