//! Reading an execution role's identity policies, and the target's resource policy, far
//! enough to answer one question conservatively: is the role certainly unable to call
//! ACTION (`sqs:SendMessage`, `sns:Publish`) on TARGET? Only two answers prove it: an
//! explicit, unconditional Deny that matches, or no Allow anywhere that could match. Every
//! doubt counts as "may write": an unreadable document, a condition, `NotAction` or
//! `NotResource`, a resource policy naming the account, everyone, or the role. The doctor
//! would rather miss a broken role than cry wolf about a working one.

use serde_json::Value;

use super::policy::{glob_matches, strings};

/// What the policies say of the role writing to the target.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Verdict {
    /// Allowed, or squall cannot be sure it is not.
    MayWrite,
    /// An explicit Deny without conditions matches: where it is.
    Denied(&'static str),
    /// Nothing allows it: neither the role's policies nor the target's.
    NotAllowed,
}

/// The policies a verdict is drawn from.
pub struct Policies<'a> {
    /// The role's inline and attached managed policy documents.
    pub identity: &'a [String],
    /// The queue's or topic's access policy, when it has one.
    pub resource: Option<&'a str>,
    pub role_arn: &'a str,
}

pub fn verdict(policies: &Policies, action: &str, target_arn: &str) -> Verdict {
    let Some(identity) = statements_of_all(policies.identity) else {
        return Verdict::MayWrite;
    };
    let resource = match policies.resource {
        None => Vec::new(),
        Some(text) => match statements_of_all(&[text.to_string()]) {
            Some(statements) => statements,
            None => return Verdict::MayWrite,
        },
    };
    let resource: Vec<Value> = resource
        .into_iter()
        .filter(|s| principal_may_be(s.get("Principal"), policies.role_arn))
        .collect();
    if identity
        .iter()
        .chain(&resource)
        .any(|s| effect(s).is_none())
    {
        return Verdict::MayWrite;
    }
    let denies = |s: &Value| effect(s) == Some(false) && surely_matches(s, action, target_arn);
    if identity.iter().any(denies) {
        return Verdict::Denied("the role's policies");
    }
    if resource.iter().any(denies) {
        return Verdict::Denied("the target's access policy");
    }
    let allows = |s: &Value| effect(s) == Some(true) && may_match(s, action, target_arn);
    if identity.iter().chain(&resource).any(allows) {
        Verdict::MayWrite
    } else {
        Verdict::NotAllowed
    }
}

/// Every statement of every document; `None` when one is not a policy squall can read.
fn statements_of_all(documents: &[String]) -> Option<Vec<Value>> {
    let mut all = Vec::new();
    for text in documents {
        let document: Value = serde_json::from_str(text).ok()?;
        match document.get("Statement")? {
            Value::Array(list) => all.extend(list.iter().cloned()),
            single @ Value::Object(_) => all.push(single.clone()),
            _ => return None,
        }
    }
    Some(all)
}

/// `Some(true)` for Allow, `Some(false)` for Deny, `None` for anything else.
fn effect(statement: &Value) -> Option<bool> {
    match statement.get("Effect").and_then(Value::as_str) {
        Some(e) if e.eq_ignore_ascii_case("allow") => Some(true),
        Some(e) if e.eq_ignore_ascii_case("deny") => Some(false),
        _ => None,
    }
}

fn action_listed(list: Option<&Value>, action: &str) -> bool {
    let action = action.to_ascii_lowercase();
    strings(list)
        .iter()
        .any(|a| glob_matches(&a.to_ascii_lowercase(), &action))
}

fn resource_listed(list: Option<&Value>, target_arn: &str) -> bool {
    strings(list).iter().any(|r| glob_matches(r, target_arn))
}

/// Could this statement cover the call? Conditions are assumed to hold; `NotAction` and
/// `NotResource` cover what they do not name; a statement without either covers anything.
fn may_match(statement: &Value, action: &str, target_arn: &str) -> bool {
    let action_may = match (statement.get("Action"), statement.get("NotAction")) {
        (Some(list), _) => action_listed(Some(list), action),
        (None, Some(list)) => !action_listed(Some(list), action),
        (None, None) => true,
    };
    let resource_may = match (statement.get("Resource"), statement.get("NotResource")) {
        (Some(list), _) => resource_listed(Some(list), target_arn),
        (None, Some(list)) => !resource_listed(Some(list), target_arn),
        // A resource policy's statement without Resource applies to its own resource.
        (None, None) => true,
    };
    action_may && resource_may
}

/// Does this statement certainly cover the call: named action and resource, no condition?
fn surely_matches(statement: &Value, action: &str, target_arn: &str) -> bool {
    statement.get("Condition").is_none()
        && statement.get("NotAction").is_none()
        && statement.get("NotResource").is_none()
        && action_listed(statement.get("Action"), action)
        && (statement.get("Resource").is_none()
            || resource_listed(statement.get("Resource"), target_arn))
}

/// Could a resource policy statement's principal be the role? Everyone, the role, or its
/// account (which delegates to the role's own policies) could; a service principal alone
/// cannot. Identity statements have no principal and always apply.
fn principal_may_be(principal: Option<&Value>, role_arn: &str) -> bool {
    let account = role_arn.split(':').nth(4).unwrap_or_default();
    let names_role = |p: &str| {
        p == "*" || p == role_arn || p == account || p == format!("arn:aws:iam::{account}:root")
    };
    match principal {
        None => true,
        Some(Value::String(s)) => s == "*",
        Some(Value::Object(map)) => strings(map.get("AWS")).iter().any(|p| names_role(p)),
        Some(_) => true,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    const QUEUE: &str = "arn:aws:sqs:us-east-1:111:notify-dlq";
    const ROLE: &str = "arn:aws:iam::111:role/notify-role";
    const SEND: &str = "sqs:SendMessage";

    fn doc(statements: &str) -> String {
        format!(r#"{{"Version":"2012-10-17","Statement":[{statements}]}}"#)
    }

    fn judge(identity: &[&str], resource: Option<&str>) -> Verdict {
        let identity: Vec<String> = identity.iter().map(|s| doc(s)).collect();
        let resource = resource.map(doc);
        let policies = Policies {
            identity: &identity,
            resource: resource.as_deref(),
            role_arn: ROLE,
        };
        verdict(&policies, SEND, QUEUE)
    }

    const LOGS: &str = r#"{"Effect":"Allow","Action":"logs:PutLogEvents","Resource":"*"}"#;

    #[test]
    fn an_allow_with_wildcards_lets_the_role_write_and_nothing_allowing_it_does_not() {
        assert_eq!(judge(&[LOGS], None), Verdict::NotAllowed);
        for allow in [
            r#"{"Effect":"Allow","Action":"sqs:SendMessage","Resource":"arn:aws:sqs:us-east-1:111:notify-dlq"}"#,
            r#"{"Effect":"Allow","Action":["SQS:Send*"],"Resource":"arn:aws:sqs:*:111:notify-*"}"#,
            r#"{"Effect":"Allow","Action":"*","Resource":"*"}"#,
        ] {
            assert_eq!(judge(&[LOGS, allow], None), Verdict::MayWrite, "{allow}");
        }
        let elsewhere = r#"{"Effect":"Allow","Action":"sqs:SendMessage","Resource":"arn:aws:sqs:us-east-1:111:other"}"#;
        assert_eq!(judge(&[elsewhere], None), Verdict::NotAllowed);
        let receive = r#"{"Effect":"Allow","Action":"sqs:ReceiveMessage","Resource":"*"}"#;
        assert_eq!(judge(&[receive], None), Verdict::NotAllowed);
    }

    #[test]
    fn an_unconditional_deny_refuses_and_a_conditional_one_proves_nothing() {
        let allow = r#"{"Effect":"Allow","Action":"sqs:*","Resource":"*"}"#;
        let deny = r#"{"Effect":"Deny","Action":"sqs:SendMessage","Resource":"*"}"#;
        assert_eq!(
            judge(&[allow, deny], None),
            Verdict::Denied("the role's policies")
        );
        let conditional = r#"{"Effect":"Deny","Action":"sqs:SendMessage","Resource":"*","Condition":{"Bool":{"aws:SecureTransport":"false"}}}"#;
        assert_eq!(judge(&[allow, conditional], None), Verdict::MayWrite);
        let queue_deny = r#"{"Effect":"Deny","Principal":"*","Action":"sqs:SendMessage"}"#;
        assert_eq!(
            judge(&[allow], Some(queue_deny)),
            Verdict::Denied("the target's access policy")
        );
        let sns_only_deny =
            r#"{"Effect":"Deny","Principal":{"Service":"sns.amazonaws.com"},"Action":"sqs:*"}"#;
        assert_eq!(judge(&[allow], Some(sns_only_deny)), Verdict::MayWrite);
    }

    #[test]
    fn every_doubt_counts_as_may_write() {
        let not_action = r#"{"Effect":"Allow","NotAction":"iam:*","Resource":"*"}"#;
        assert_eq!(judge(&[not_action], None), Verdict::MayWrite);
        let conditional_allow = r#"{"Effect":"Allow","Action":"sqs:SendMessage","Resource":"*","Condition":{"StringEquals":{"aws:RequestedRegion":"eu-west-1"}}}"#;
        assert_eq!(judge(&[conditional_allow], None), Verdict::MayWrite);
        let grant_by_queue = r#"{"Effect":"Allow","Principal":{"AWS":"arn:aws:iam::111:role/notify-role"},"Action":"sqs:SendMessage"}"#;
        assert_eq!(judge(&[LOGS], Some(grant_by_queue)), Verdict::MayWrite);
        let sns_grant = r#"{"Effect":"Allow","Principal":{"Service":"sns.amazonaws.com"},"Action":"sqs:SendMessage"}"#;
        assert_eq!(judge(&[LOGS], Some(sns_grant)), Verdict::NotAllowed);
        let policies = Policies {
            identity: &["not json".to_string()],
            resource: None,
            role_arn: ROLE,
        };
        assert_eq!(verdict(&policies, SEND, QUEUE), Verdict::MayWrite);
        let odd_effect = r#"{"Effect":"Maybe","Action":"sqs:SendMessage","Resource":"*"}"#;
        assert_eq!(judge(&[odd_effect], None), Verdict::MayWrite);
    }
}
