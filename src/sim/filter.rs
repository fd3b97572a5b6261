//! SNS subscription filter policies, evaluated as SNS does on message attributes (the
//! default scope) or on a JSON message body (`FilterPolicyScope: MessageBody`).
//!
//! Supported: exact strings and numbers, lists of values (any matches), `prefix`, `suffix`,
//! `equals-ignore-case`, `anything-but` (a value, a list, or a `prefix`/`suffix`), `exists`,
//! `numeric` ranges (`=`, `<`, `<=`, `>`, `>=`, one or two bounds), `$or`, and nested
//! keys on a body. Anything else (`cidr`, `wildcard`, operators SNS adds later) is not
//! simulated: such a condition counts as matching, so the message is delivered rather
//! than silently dropped. A policy that is not valid JSON delivers too (SNS would have
//! refused to store it).

use std::collections::BTreeMap;

use serde_json::{Map, Value};

use crate::domain::message::AttributeValue;

/// Whether a notification passes a subscription's filter policy.
pub(super) fn passes(
    policy: &str,
    on_body: bool,
    attributes: &BTreeMap<String, AttributeValue>,
    body: &str,
) -> bool {
    let Ok(Value::Object(policy)) = serde_json::from_str::<Value>(policy) else {
        return true;
    };
    let subject = if on_body {
        match serde_json::from_str::<Value>(body) {
            Ok(Value::Object(object)) => object,
            // SNS filters out a body that is not a JSON object.
            _ => return false,
        }
    } else {
        attributes_as_object(attributes)
    };
    object_matches(&policy, &subject)
}

/// Message attributes as the JSON values a policy is matched against: `String` as a
/// string, `Number` as a number, `String.Array` as its elements. Binary ones are ignored.
fn attributes_as_object(attributes: &BTreeMap<String, AttributeValue>) -> Map<String, Value> {
    let mut object = Map::new();
    for (name, attribute) in attributes {
        let Some(text) = &attribute.string_value else {
            continue;
        };
        let base_type = attribute.data_type.split('.').next().unwrap_or_default();
        let value = match (base_type, attribute.data_type.ends_with(".Array")) {
            ("String", true) => serde_json::from_str::<Value>(text)
                .ok()
                .filter(Value::is_array)
                .unwrap_or_else(|| Value::String(text.clone())),
            ("Number", _) => text
                .trim()
                .parse::<f64>()
                .ok()
                .and_then(serde_json::Number::from_f64)
                .map_or_else(|| Value::String(text.clone()), Value::Number),
            ("String", false) => Value::String(text.clone()),
            _ => continue,
        };
        object.insert(name.clone(), value);
    }
    object
}

fn object_matches(policy: &Map<String, Value>, subject: &Map<String, Value>) -> bool {
    policy.iter().all(|(key, rule)| {
        if key == "$or" {
            return match rule {
                Value::Array(alternatives) => alternatives.iter().any(|alternative| {
                    alternative
                        .as_object()
                        .is_none_or(|policy| object_matches(policy, subject))
                }),
                _ => true,
            };
        }
        let value = subject.get(key);
        match rule {
            // A nested policy: the body's field must be an object matching it.
            Value::Object(nested) => match value {
                Some(Value::Object(inner)) => object_matches(nested, inner),
                _ => nested_absent_matches(nested),
            },
            Value::Array(conditions) => conditions.iter().any(|c| condition_matches(c, value)),
            single => condition_matches(single, value),
        }
    })
}

/// A nested policy on a missing field matches only if all it asks is absence.
fn nested_absent_matches(policy: &Map<String, Value>) -> bool {
    policy.values().all(|rule| match rule {
        Value::Array(conditions) => conditions.iter().any(|c| condition_matches(c, None)),
        Value::Object(nested) => nested_absent_matches(nested),
        single => condition_matches(single, None),
    })
}

/// The scalar values a field offers to a condition: an array offers each element.
fn candidates(value: &Value) -> Vec<&Value> {
    match value {
        Value::Array(items) => items.iter().collect(),
        other => vec![other],
    }
}

fn condition_matches(condition: &Value, value: Option<&Value>) -> bool {
    if let Value::Object(operator) = condition {
        return operator_matches(operator, value);
    }
    let Some(value) = value else {
        return false;
    };
    candidates(value)
        .into_iter()
        .any(|candidate| scalar_equals(condition, candidate))
}

fn scalar_equals(expected: &Value, candidate: &Value) -> bool {
    match (expected, candidate) {
        (Value::Number(a), Value::Number(b)) => a.as_f64() == b.as_f64(),
        (a, b) => a == b,
    }
}

fn operator_matches(operator: &Map<String, Value>, value: Option<&Value>) -> bool {
    let Some((name, argument)) = operator.iter().next() else {
        return true;
    };
    if name == "exists" {
        let wanted = argument.as_bool().unwrap_or(true);
        return value.is_some() == wanted;
    }
    let Some(value) = value else {
        // Every other operator needs the field present, `anything-but` included.
        return false;
    };
    let values = candidates(value);
    match name.as_str() {
        "prefix" => text_test(argument, &values, |s, p| s.starts_with(p)),
        "suffix" => text_test(argument, &values, |s, p| s.ends_with(p)),
        "equals-ignore-case" => text_test(argument, &values, |s, p| {
            s.to_lowercase() == p.to_lowercase()
        }),
        "numeric" => values
            .iter()
            .filter_map(|v| v.as_f64())
            .any(|n| numeric_matches(argument, n)),
        "anything-but" => values.iter().any(|v| !anything_but_excludes(argument, v)),
        // Not simulated: deliver (see the module comment).
        _ => true,
    }
}

fn text_test(argument: &Value, values: &[&Value], test: impl Fn(&str, &str) -> bool) -> bool {
    let Some(pattern) = argument.as_str() else {
        return true;
    };
    values
        .iter()
        .filter_map(|v| v.as_str())
        .any(|s| test(s, pattern))
}

fn anything_but_excludes(argument: &Value, candidate: &Value) -> bool {
    match argument {
        Value::Array(excluded) => excluded.iter().any(|e| scalar_equals(e, candidate)),
        Value::Object(inner) => operator_matches(inner, Some(candidate)),
        single => scalar_equals(single, candidate),
    }
}

/// `["<", 10]`, `[">=", 0, "<", 5]`, `["=", 3]`: every comparison must hold.
fn numeric_matches(argument: &Value, n: f64) -> bool {
    let Some(terms) = argument.as_array() else {
        return false;
    };
    terms.chunks(2).all(|pair| {
        let (Some(op), Some(bound)) = (pair.first().and_then(Value::as_str), pair.get(1)) else {
            return false;
        };
        let Some(bound) = bound.as_f64() else {
            return false;
        };
        match op {
            "=" => n == bound,
            "<" => n < bound,
            "<=" => n <= bound,
            ">" => n > bound,
            ">=" => n >= bound,
            _ => false,
        }
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    fn attrs(pairs: &[(&str, AttributeValue)]) -> BTreeMap<String, AttributeValue> {
        pairs
            .iter()
            .map(|(k, v)| (k.to_string(), v.clone()))
            .collect()
    }

    fn on_attrs(policy: &str, pairs: &[(&str, AttributeValue)]) -> bool {
        passes(policy, false, &attrs(pairs), "")
    }

    fn s(v: &str) -> AttributeValue {
        AttributeValue::string(v)
    }

    fn n(v: &str) -> AttributeValue {
        AttributeValue::number(v)
    }

    #[test]
    fn exact_strings_and_lists_of_values() {
        let policy = r#"{"type":["order_placed","order_updated"]}"#;
        assert!(on_attrs(policy, &[("type", s("order_placed"))]));
        assert!(on_attrs(policy, &[("type", s("order_updated"))]));
        assert!(!on_attrs(policy, &[("type", s("order_shipped"))]));
        assert!(!on_attrs(policy, &[]), "a missing attribute does not match");
        // Keys are ANDed.
        let both = r#"{"type":["order_shipped"],"channel":["email"]}"#;
        assert!(on_attrs(
            both,
            &[("type", s("order_shipped")), ("channel", s("email"))]
        ));
        assert!(!on_attrs(
            both,
            &[("type", s("order_shipped")), ("channel", s("sms"))]
        ));
    }

    #[test]
    fn exact_numbers_compare_as_numbers_not_text() {
        let policy = r#"{"amount":[1000]}"#;
        assert!(on_attrs(policy, &[("amount", n("1000"))]));
        assert!(on_attrs(policy, &[("amount", n("1000.0"))]));
        assert!(
            !on_attrs(policy, &[("amount", s("1000"))]),
            "a String attribute is text"
        );
    }

    #[test]
    fn numeric_ranges() {
        let above = r#"{"amount":[{"numeric":[">",1000]}]}"#;
        assert!(on_attrs(above, &[("amount", n("1500"))]));
        assert!(!on_attrs(above, &[("amount", n("1000"))]));
        let range = r#"{"amount":[{"numeric":[">=",10,"<",20]}]}"#;
        assert!(on_attrs(range, &[("amount", n("10"))]));
        assert!(on_attrs(range, &[("amount", n("19.5"))]));
        assert!(!on_attrs(range, &[("amount", n("20"))]));
        assert!(!on_attrs(range, &[("amount", s("15"))]));
    }

    #[test]
    fn prefix_suffix_and_ignore_case() {
        assert!(on_attrs(
            r#"{"region":[{"prefix":"eu-"}]}"#,
            &[("region", s("eu-west-1"))]
        ));
        assert!(!on_attrs(
            r#"{"region":[{"prefix":"eu-"}]}"#,
            &[("region", s("us-east-1"))]
        ));
        assert!(on_attrs(
            r#"{"file":[{"suffix":".png"}]}"#,
            &[("file", s("a.png"))]
        ));
        assert!(on_attrs(
            r#"{"channel":[{"equals-ignore-case":"EMAIL"}]}"#,
            &[("channel", s("Email"))]
        ));
    }

    #[test]
    fn anything_but_needs_the_attribute_present() {
        let policy = r#"{"type":[{"anything-but":["test","debug"]}]}"#;
        assert!(on_attrs(policy, &[("type", s("order_placed"))]));
        assert!(!on_attrs(policy, &[("type", s("test"))]));
        assert!(!on_attrs(policy, &[]));
        let single = r#"{"amount":[{"anything-but":100}]}"#;
        assert!(!on_attrs(single, &[("amount", n("100"))]));
        assert!(on_attrs(single, &[("amount", n("101"))]));
        let prefix = r#"{"type":[{"anything-but":{"prefix":"internal-"}}]}"#;
        assert!(!on_attrs(prefix, &[("type", s("internal-audit"))]));
        assert!(on_attrs(prefix, &[("type", s("order_placed"))]));
    }

    #[test]
    fn exists_true_and_false() {
        assert!(on_attrs(
            r#"{"trace":[{"exists":true}]}"#,
            &[("trace", s("x"))]
        ));
        assert!(!on_attrs(r#"{"trace":[{"exists":true}]}"#, &[]));
        assert!(on_attrs(r#"{"trace":[{"exists":false}]}"#, &[]));
        assert!(!on_attrs(
            r#"{"trace":[{"exists":false}]}"#,
            &[("trace", s("x"))]
        ));
    }

    #[test]
    fn string_arrays_match_when_any_element_does() {
        let array = AttributeValue {
            data_type: "String.Array".into(),
            string_value: Some(r#"["red","green"]"#.into()),
            binary_value: None,
        };
        assert!(on_attrs(
            r#"{"colors":["green"]}"#,
            &[("colors", array.clone())]
        ));
        assert!(!on_attrs(r#"{"colors":["blue"]}"#, &[("colors", array)]));
    }

    #[test]
    fn or_alternatives() {
        let policy = r#"{"$or":[{"type":["a"]},{"channel":["email"]}]}"#;
        assert!(on_attrs(policy, &[("type", s("a"))]));
        assert!(on_attrs(policy, &[("channel", s("email"))]));
        assert!(!on_attrs(policy, &[("type", s("b"))]));
    }

    #[test]
    fn body_scope_matches_nested_fields_and_refuses_non_json() {
        let policy = r#"{"order":{"status":["failed"],"total":[{"numeric":[">",10]}]}}"#;
        let body = r#"{"order":{"status":"failed","total":12.5}}"#;
        assert!(passes(policy, true, &BTreeMap::new(), body));
        assert!(!passes(
            policy,
            true,
            &BTreeMap::new(),
            r#"{"order":{"status":"ok","total":12.5}}"#
        ));
        assert!(!passes(policy, true, &BTreeMap::new(), "plain text"));
    }

    #[test]
    fn unsupported_operators_and_bad_policies_deliver() {
        assert!(on_attrs(
            r#"{"ip":[{"cidr":"10.0.0.0/24"}]}"#,
            &[("ip", s("192.168.1.1"))]
        ));
        assert!(on_attrs("not json", &[]));
    }
}
