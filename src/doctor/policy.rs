//! Reading an SQS queue's access policy far enough to answer one question: may SNS topic T
//! send to this queue? A statement allows it when its effect is Allow, its principal is
//! `sns.amazonaws.com` (or everyone), its action covers `sqs:SendMessage`, its resource
//! covers the queue, and its conditions (if any) name the topic. An explicit Deny that
//! matches wins. Conditions squall does not understand are taken as allowing: a doctor that
//! cries wolf is ignored.

use serde_json::Value;

/// Whether the policy JSON lets `topic_arn` deliver to `queue_arn` through SNS.
pub fn allows_sns_send(policy: Option<&str>, queue_arn: &str, topic_arn: &str) -> bool {
    let Some(policy) = policy else {
        return false;
    };
    let Ok(document) = serde_json::from_str::<Value>(policy) else {
        return false;
    };
    let statements = match document.get("Statement") {
        Some(Value::Array(list)) => list.iter().collect::<Vec<_>>(),
        Some(single @ Value::Object(_)) => vec![single],
        _ => return false,
    };
    let matching = |effect: &str| {
        statements.iter().any(|s| {
            field_str(s, "Effect").is_some_and(|e| e.eq_ignore_ascii_case(effect))
                && principal_is_sns(s.get("Principal"))
                && action_covers_send(s.get("Action"))
                && resource_covers(s.get("Resource"), queue_arn)
                && conditions_allow(s.get("Condition"), topic_arn)
        })
    };
    matching("Allow") && !matching("Deny")
}

fn field_str<'a>(value: &'a Value, key: &str) -> Option<&'a str> {
    value.get(key).and_then(Value::as_str)
}

/// A string or an array of strings, as policies spell lists.
pub(super) fn strings(value: Option<&Value>) -> Vec<&str> {
    match value {
        Some(Value::String(s)) => vec![s.as_str()],
        Some(Value::Array(list)) => list.iter().filter_map(Value::as_str).collect(),
        _ => Vec::new(),
    }
}

fn principal_is_sns(principal: Option<&Value>) -> bool {
    match principal {
        Some(Value::String(s)) => s == "*",
        Some(Value::Object(map)) => {
            strings(map.get("Service")).contains(&"sns.amazonaws.com")
                || strings(map.get("AWS")).contains(&"*")
        }
        _ => false,
    }
}

fn action_covers_send(action: Option<&Value>) -> bool {
    strings(action)
        .iter()
        .any(|a| glob_matches(&a.to_ascii_lowercase(), "sqs:sendmessage"))
}

fn resource_covers(resource: Option<&Value>, queue_arn: &str) -> bool {
    // A queue policy without Resource applies to the queue itself.
    resource.is_none() || strings(resource).iter().any(|r| glob_matches(r, queue_arn))
}

/// The conditions hold for a delivery from `topic_arn`. Only `aws:SourceArn` and
/// `aws:SourceAccount` are read; anything else is assumed to hold.
fn conditions_allow(condition: Option<&Value>, topic_arn: &str) -> bool {
    let Some(Value::Object(operators)) = condition else {
        return true;
    };
    let topic_account = topic_arn.split(':').nth(4).unwrap_or_default();
    operators.iter().all(|(operator, tests)| {
        let Value::Object(tests) = tests else {
            return true;
        };
        let like = operator.to_ascii_lowercase().contains("like");
        tests.iter().all(|(key, values)| {
            let wanted = strings(Some(values));
            let holds = |actual: &str| {
                wanted.iter().any(|w| {
                    if like {
                        glob_matches(w, actual)
                    } else {
                        *w == actual
                    }
                })
            };
            match key.to_ascii_lowercase().as_str() {
                "aws:sourcearn" => holds(topic_arn),
                "aws:sourceaccount" => holds(topic_account),
                _ => true,
            }
        })
    })
}

/// `*` and `?` wildcards, as IAM's `Like` operators and resource ARNs use them.
pub(super) fn glob_matches(pattern: &str, text: &str) -> bool {
    let (p, t): (Vec<char>, Vec<char>) = (pattern.chars().collect(), text.chars().collect());
    let (mut pi, mut ti) = (0, 0);
    let (mut star, mut mark) = (None, 0);
    while ti < t.len() {
        if pi < p.len() && (p[pi] == '?' || p[pi] == t[ti]) {
            pi += 1;
            ti += 1;
        } else if pi < p.len() && p[pi] == '*' {
            star = Some(pi);
            mark = ti;
            pi += 1;
        } else if let Some(s) = star {
            pi = s + 1;
            mark += 1;
            ti = mark;
        } else {
            return false;
        }
    }
    p[pi..].iter().all(|&c| c == '*')
}

#[cfg(test)]
mod tests {
    use super::*;

    const QUEUE: &str = "arn:aws:sqs:us-east-1:111:orders";
    const TOPIC: &str = "arn:aws:sns:us-east-1:111:order-events";

    fn policy(statement: &str) -> String {
        format!(r#"{{"Version":"2012-10-17","Statement":[{statement}]}}"#)
    }

    #[test]
    fn the_documented_policy_allows_its_topic_only() {
        let p = policy(&format!(
            r#"{{"Effect":"Allow","Principal":{{"Service":"sns.amazonaws.com"}},"Action":"sqs:SendMessage","Resource":"{QUEUE}","Condition":{{"ArnEquals":{{"aws:SourceArn":"{TOPIC}"}}}}}}"#
        ));
        assert!(allows_sns_send(Some(&p), QUEUE, TOPIC));
        assert!(!allows_sns_send(
            Some(&p),
            QUEUE,
            "arn:aws:sns:us-east-1:111:other"
        ));
        assert!(!allows_sns_send(
            Some(&p),
            "arn:aws:sqs:us-east-1:111:else",
            TOPIC
        ));
    }

    #[test]
    fn wildcards_lists_and_no_condition_allow() {
        let p = policy(
            r#"{"Effect":"Allow","Principal":"*","Action":["sqs:ReceiveMessage","SQS:*"],"Resource":"arn:aws:sqs:*:111:*","Condition":{"ArnLike":{"aws:SourceArn":"arn:aws:sns:*:111:order-*"}}}"#,
        );
        assert!(allows_sns_send(Some(&p), QUEUE, TOPIC));
        let open = policy(
            r#"{"Effect":"Allow","Principal":{"Service":["sns.amazonaws.com"]},"Action":"sqs:SendMessage"}"#,
        );
        assert!(allows_sns_send(Some(&open), QUEUE, TOPIC));
    }

    #[test]
    fn missing_wrong_principal_wrong_action_or_deny_refuse() {
        assert!(!allows_sns_send(None, QUEUE, TOPIC));
        assert!(!allows_sns_send(Some("not json"), QUEUE, TOPIC));
        let lambda = policy(
            r#"{"Effect":"Allow","Principal":{"Service":"lambda.amazonaws.com"},"Action":"sqs:SendMessage"}"#,
        );
        assert!(!allows_sns_send(Some(&lambda), QUEUE, TOPIC));
        let receive = policy(
            r#"{"Effect":"Allow","Principal":{"Service":"sns.amazonaws.com"},"Action":"sqs:ReceiveMessage"}"#,
        );
        assert!(!allows_sns_send(Some(&receive), QUEUE, TOPIC));
        let denied = policy(
            r#"{"Effect":"Allow","Principal":"*","Action":"sqs:*"},{"Effect":"Deny","Principal":"*","Action":"sqs:SendMessage"}"#,
        );
        assert!(!allows_sns_send(Some(&denied), QUEUE, TOPIC));
    }

    #[test]
    fn source_account_condition_is_read() {
        let p = policy(
            r#"{"Effect":"Allow","Principal":{"Service":"sns.amazonaws.com"},"Action":"sqs:SendMessage","Condition":{"StringEquals":{"aws:SourceAccount":"222"}}}"#,
        );
        assert!(!allows_sns_send(Some(&p), QUEUE, TOPIC));
        assert!(allows_sns_send(
            Some(&p),
            QUEUE,
            "arn:aws:sns:us-east-1:222:t"
        ));
    }
}
