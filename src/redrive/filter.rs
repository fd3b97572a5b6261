//! `--filter EXPR`: which DLQ messages a selective redrive moves.
//!
//! * `/REGEX/` — the body matches the regular expression;
//! * `attr.NAME == "VALUE"` — a message attribute equals VALUE (its string value);
//! * `.a.b == VALUE` — the body is JSON and the field at that path equals VALUE (a JSON
//!   literal: `"failed"`, `3`, `true`, `null`; a bare word is taken as a string);
//! * anything else — the body contains the text.

use regex::Regex;

use crate::domain::message::ReceivedMessage;

#[derive(Debug, Clone)]
pub enum Filter {
    Contains(String),
    Regex(Regex),
    Attribute {
        name: String,
        value: String,
    },
    JsonField {
        path: Vec<String>,
        value: serde_json::Value,
    },
}

#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum FilterError {
    #[error("--filter {expr}: {reason}")]
    Bad { expr: String, reason: String },
}

impl Filter {
    pub fn parse(expr: &str) -> Result<Filter, FilterError> {
        let bad = |reason: &str| FilterError::Bad {
            expr: expr.to_string(),
            reason: reason.to_string(),
        };
        let trimmed = expr.trim();
        if trimmed.is_empty() {
            return Err(bad("empty"));
        }
        if trimmed.len() >= 2 && trimmed.starts_with('/') && trimmed.ends_with('/') {
            let pattern = &trimmed[1..trimmed.len() - 1];
            return Regex::new(pattern)
                .map(Filter::Regex)
                .map_err(|e| bad(&e.to_string()));
        }
        if let Some(rest) = trimmed.strip_prefix("attr.") {
            let (name, value) = rest
                .split_once("==")
                .ok_or_else(|| bad("an attribute test reads attr.NAME == \"VALUE\""))?;
            let value = literal(value.trim());
            let value = match value {
                serde_json::Value::String(s) => s,
                other => other.to_string(),
            };
            return Ok(Filter::Attribute {
                name: name.trim().to_string(),
                value,
            });
        }
        if trimmed.starts_with('.')
            && let Some((path, value)) = trimmed.split_once("==")
        {
            let path: Vec<String> = path
                .trim()
                .trim_start_matches('.')
                .split('.')
                .map(str::to_string)
                .collect();
            if path.iter().any(String::is_empty) {
                return Err(bad("a JSON field path reads .a.b"));
            }
            return Ok(Filter::JsonField {
                path,
                value: literal(value.trim()),
            });
        }
        Ok(Filter::Contains(expr.to_string()))
    }

    /// The filter in words, for the plan.
    pub fn describe(&self) -> String {
        match self {
            Filter::Contains(text) => format!("body contains {text:?}"),
            Filter::Regex(regex) => format!("body matches /{}/", regex.as_str()),
            Filter::Attribute { name, value } => format!("attribute {name} == {value:?}"),
            Filter::JsonField { path, value } => format!(".{} == {value}", path.join(".")),
        }
    }

    pub fn matches(&self, message: &ReceivedMessage) -> bool {
        match self {
            Filter::Contains(text) => message.body.contains(text.as_str()),
            Filter::Regex(regex) => regex.is_match(&message.body),
            Filter::Attribute { name, value } => message
                .message_attributes
                .get(name)
                .and_then(|a| a.string_value.as_deref())
                .is_some_and(|v| v == value),
            Filter::JsonField { path, value } => {
                let Ok(body) = serde_json::from_str::<serde_json::Value>(&message.body) else {
                    return false;
                };
                let mut at = &body;
                for key in path {
                    match at.get(key) {
                        Some(next) => at = next,
                        None => return false,
                    }
                }
                at == value
            }
        }
    }
}

/// A JSON literal, or the text itself as a string.
fn literal(text: &str) -> serde_json::Value {
    serde_json::from_str(text).unwrap_or_else(|_| serde_json::Value::String(text.to_string()))
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::domain::message::AttributeValue;
    use std::collections::BTreeMap;

    fn message(body: &str, attribute: Option<(&str, &str)>) -> ReceivedMessage {
        let mut message_attributes = BTreeMap::new();
        if let Some((name, value)) = attribute {
            message_attributes.insert(name.to_string(), AttributeValue::string(value));
        }
        ReceivedMessage {
            message_id: "m".into(),
            receipt_handle: "r".into(),
            body: body.into(),
            md5_of_body: None,
            attributes: BTreeMap::new(),
            message_attributes,
        }
    }

    #[test]
    fn each_form_matches_what_it_says() {
        let failed = message(
            r#"{"order":{"status":"failed","n":3}}"#,
            Some(("kind", "order")),
        );
        let ok = message(
            r#"{"order":{"status":"ok","n":4}}"#,
            Some(("kind", "refund")),
        );
        let cases = [
            (".order.status == \"failed\"", true, false),
            (".order.n == 4", false, true),
            (".order.status == failed", true, false),
            ("attr.kind == \"order\"", true, false),
            ("attr.kind==refund", false, true),
            ("/\"n\":[34]/", true, true),
            ("/status\":\"ok/", false, true),
            ("failed", true, false),
        ];
        for (expr, on_failed, on_ok) in cases {
            let filter = Filter::parse(expr).expect(expr);
            assert_eq!(filter.matches(&failed), on_failed, "{expr} on failed");
            assert_eq!(filter.matches(&ok), on_ok, "{expr} on ok");
        }
        assert!(
            !Filter::parse(".order.status == \"failed\"")
                .expect("p")
                .matches(&message("not json", None))
        );
    }

    #[test]
    fn bad_expressions_say_why() {
        assert!(Filter::parse("/(/").is_err());
        assert!(Filter::parse("attr.kind").is_err());
        assert!(Filter::parse("  ").is_err());
        assert!(Filter::parse(".a..b == 1").is_err());
    }
}
