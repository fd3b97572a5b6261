//! SNS subscription filter policies read in one short line, for a table column and the
//! topology: every operator AWS documents (exact values, anything-but, numeric
//! comparisons and ranges, prefix, suffix, equals-ignore-case, wildcard, exists, cidr,
//! `$or`, nested keys) keeps its meaning; `d` describe shows the whole JSON.
//!
//! A key's alternatives are joined by `|`, keys by a space (all must match): `type=a|b`,
//! `price_usd>=100`, `size>0,<=5`, `color!=(red|blue)`, `name=img-*`, `file=*.png`,
//! `tier~=GOLD`, `ip in 10.0.0.0/24`, `coupon exists`, `(a=1 or b=2)`,
//! `customer.tier=gold`.

use serde_json::{Map, Value};

/// The whole label: the policy's reading, with `body: ` in front when it filters the
/// message body (`FilterPolicyScope: MessageBody`) rather than its attributes.
pub fn filter_label(policy: &Value, scope: Option<&str>) -> String {
    let summary = summary(policy);
    match scope {
        Some("MessageBody") => format!("body: {summary}"),
        _ => summary,
    }
}

/// The policy's reading without its scope.
pub fn summary(policy: &Value) -> String {
    match policy.as_object() {
        Some(object) => object_terms(object, "").join(" "),
        None => compact(policy),
    }
}

/// One term per key (nested objects become dotted keys), `$or` as one term.
fn object_terms(object: &Map<String, Value>, path: &str) -> Vec<String> {
    let mut terms = Vec::new();
    for (key, value) in object {
        if key == "$or" {
            terms.push(or_term(value, path));
            continue;
        }
        let name = if path.is_empty() {
            key.clone()
        } else {
            format!("{path}.{key}")
        };
        match value {
            Value::Object(inner) => terms.extend(object_terms(inner, &name)),
            Value::Array(conditions) => terms.push(key_term(&name, conditions)),
            other => terms.push(format!("{name}:{}", compact(other))),
        }
    }
    terms
}

/// `(a or b)`; a branch of several keys is parenthesised itself.
fn or_term(value: &Value, path: &str) -> String {
    let Some(branches) = value.as_array() else {
        return format!("$or:{}", compact(value));
    };
    let branches: Vec<String> = branches
        .iter()
        .map(|branch| match branch.as_object() {
            Some(object) => {
                let terms = object_terms(object, path);
                if terms.len() > 1 {
                    format!("({})", terms.join(" "))
                } else {
                    terms.join(" ")
                }
            }
            None => compact(branch),
        })
        .collect();
    format!("({})", branches.join(" or "))
}

/// `key` and its alternatives, each starting with its operator; when every one is an
/// equality, the `=` is written once: `type=a|b*`.
fn key_term(name: &str, conditions: &[Value]) -> String {
    let alternatives: Vec<String> = conditions.iter().map(condition).collect();
    if !alternatives.is_empty() && alternatives.iter().all(|a| a.starts_with('=')) {
        let values: Vec<&str> = alternatives.iter().map(|a| &a[1..]).collect();
        return format!("{name}={}", values.join("|"));
    }
    let mut term = name.to_string();
    for (i, alternative) in alternatives.iter().enumerate() {
        if i > 0 {
            term.push('|');
            term.push_str(alternative.trim_start());
        } else {
            term.push_str(alternative);
        }
    }
    term
}

/// One alternative, operator first.
fn condition(condition: &Value) -> String {
    let Value::Object(object) = condition else {
        return format!("={}", scalar(condition));
    };
    let [(operator, operand)] = object.iter().collect::<Vec<_>>()[..] else {
        return format!(":{}", compact(condition));
    };
    match (operator.as_str(), operand) {
        ("numeric", Value::Array(pairs)) => numeric(pairs),
        ("exists", Value::Bool(true)) => " exists".to_string(),
        ("exists", Value::Bool(false)) => " absent".to_string(),
        ("anything-but", operand) => format!("!{}", anything_but(operand)),
        ("cidr", Value::String(range)) => format!(" in {range}"),
        _ => {
            match_operator(operator, operand).unwrap_or_else(|| format!(":{}", compact(condition)))
        }
    }
}

/// The string matchers, which anything-but can also negate: `=a*`, `=*a`, `~=a`, `=a*b`.
fn match_operator(operator: &str, operand: &Value) -> Option<String> {
    let text = operand.as_str()?;
    Some(match operator {
        "prefix" => format!("={}*", quoted(text)),
        "suffix" => format!("=*{}", quoted(text)),
        "wildcard" => format!("={}", quoted(text)),
        "equals-ignore-case" => format!("~={}", quoted(text)),
        _ => return None,
    })
}

/// What follows the `!`: `=a`, `=(a|b)`, `=a*`, `~=a`, `>=5` ...
fn anything_but(operand: &Value) -> String {
    match operand {
        Value::Array(values) => {
            let values: Vec<String> = values.iter().map(scalar).collect();
            format!("=({})", values.join("|"))
        }
        Value::Object(object) => match object.iter().collect::<Vec<_>>()[..] {
            [(operator, Value::Array(pairs))] if operator == "numeric" => numeric(pairs),
            [(operator, inner)] => {
                match_operator(operator, inner).unwrap_or_else(|| format!(":{}", compact(operand)))
            }
            _ => format!(":{}", compact(operand)),
        },
        scalar_value => format!("={}", scalar(scalar_value)),
    }
}

/// `[">", 0, "<=", 5]` as `>0,<=5` (all must hold).
fn numeric(pairs: &[Value]) -> String {
    let comparisons: Vec<String> = pairs
        .chunks(2)
        .map(|pair| match pair {
            [Value::String(operator), value] => format!("{operator}{}", scalar(value)),
            other => compact(&Value::Array(other.to_vec())),
        })
        .collect();
    let text = comparisons.join(",");
    if text.starts_with(['=', '<', '>', '!']) {
        text
    } else {
        format!(":{text}")
    }
}

/// A value as a person would type it: strings bare unless that would be ambiguous.
fn scalar(value: &Value) -> String {
    match value {
        Value::String(text) => quoted(text),
        other => compact(other),
    }
}

/// Strings that are empty or hold a separator of this notation are shown in quotes.
/// Control characters are left for the output gate to show (one escaping rule).
fn quoted(text: &str) -> String {
    let ambiguous = text.is_empty()
        || text
            .chars()
            .any(|c| c.is_whitespace() || "|=(),\"!~<>".contains(c));
    if ambiguous {
        format!("\"{}\"", text.replace('"', "\\\""))
    } else {
        text.to_string()
    }
}

fn compact(value: &Value) -> String {
    value.to_string()
}

#[cfg(test)]
mod tests;
