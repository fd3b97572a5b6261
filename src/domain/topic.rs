//! SNS topics and their subscriptions.

use std::collections::BTreeMap;

use super::arn;

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Topic {
    pub arn: String,
    pub name: String,
    pub fifo: bool,
    /// Every attribute as returned by GetTopicAttributes, for the describe pane.
    pub attributes: BTreeMap<String, String>,
    /// Why the attributes are missing, when GetTopicAttributes failed.
    pub warning: Option<String>,
}

impl Topic {
    pub fn from_attributes(topic_arn: &str, attributes: BTreeMap<String, String>) -> Topic {
        let name = arn::resource_name(topic_arn).to_string();
        let fifo = attributes
            .get("FifoTopic")
            .map(|v| v.eq_ignore_ascii_case("true"))
            .unwrap_or_else(|| name.ends_with(".fifo"));
        Topic {
            arn: topic_arn.to_string(),
            name,
            fifo,
            attributes,
            warning: None,
        }
    }
}

/// A subscription as ListSubscriptions returns it, completed by GetSubscriptionAttributes.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Subscription {
    /// "PendingConfirmation" (not an ARN) until the endpoint confirms.
    pub arn: String,
    pub topic_arn: String,
    pub protocol: String,
    pub endpoint: String,
    pub owner: Option<String>,
    pub filter_policy: Option<String>,
    /// "MessageAttributes" (the default) or "MessageBody".
    pub filter_policy_scope: Option<String>,
    pub raw_message_delivery: bool,
    /// The subscription's own dead-letter queue (its `RedrivePolicy`).
    pub dlq_arn: Option<String>,
    pub pending_confirmation: bool,
    pub attributes: BTreeMap<String, String>,
    /// Why the attributes are missing, when GetSubscriptionAttributes failed.
    pub warning: Option<String>,
}

impl Subscription {
    /// The fields ListSubscriptions gives; attributes are filled in by `with_attributes`.
    pub fn listed(
        arn: &str,
        topic_arn: &str,
        protocol: &str,
        endpoint: &str,
        owner: Option<&str>,
    ) -> Subscription {
        Subscription {
            arn: arn.to_string(),
            topic_arn: topic_arn.to_string(),
            protocol: protocol.to_string(),
            endpoint: endpoint.to_string(),
            owner: owner.map(str::to_string),
            filter_policy: None,
            filter_policy_scope: None,
            raw_message_delivery: false,
            dlq_arn: None,
            pending_confirmation: arn == "PendingConfirmation",
            attributes: BTreeMap::new(),
            warning: None,
        }
    }

    /// Reads the GetSubscriptionAttributes map into the typed fields.
    pub fn with_attributes(mut self, attributes: BTreeMap<String, String>) -> Subscription {
        let get = |k: &str| attributes.get(k).filter(|v| !v.trim().is_empty()).cloned();
        self.filter_policy = get("FilterPolicy");
        self.filter_policy_scope = get("FilterPolicyScope");
        self.raw_message_delivery =
            get("RawMessageDelivery").is_some_and(|v| v.eq_ignore_ascii_case("true"));
        self.dlq_arn = get("RedrivePolicy").and_then(|json| {
            serde_json::from_str::<serde_json::Value>(&json)
                .ok()?
                .get("deadLetterTargetArn")?
                .as_str()
                .map(str::to_string)
        });
        if let Some(pending) = get("PendingConfirmation") {
            self.pending_confirmation = pending.eq_ignore_ascii_case("true");
        }
        self.attributes = attributes;
        self
    }

    pub fn topic_name(&self) -> &str {
        arn::resource_name(&self.topic_arn)
    }

    /// The endpoint as a person reads it: see [`endpoint_name`].
    pub fn endpoint_name(&self) -> &str {
        endpoint_name(&self.protocol, &self.endpoint)
    }

    /// For an `sqs` subscription, the queue ARN it delivers to.
    pub fn queue_arn(&self) -> Option<&str> {
        (self.protocol == "sqs").then_some(self.endpoint.as_str())
    }
}

/// A subscription endpoint as a person reads it: the queue, function or delivery stream
/// name for the protocols whose endpoint is an ARN, else the endpoint itself (a URL, an
/// address, a phone number).
pub fn endpoint_name<'a>(protocol: &str, endpoint: &'a str) -> &'a str {
    match protocol {
        "sqs" | "lambda" | "firehose" => arn::resource_name(endpoint),
        _ => endpoint,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn subscription_attributes_fill_the_typed_fields() {
        let attributes: BTreeMap<String, String> = [
            ("FilterPolicy", r#"{"type":["order_placed"]}"#),
            ("FilterPolicyScope", "MessageBody"),
            ("RawMessageDelivery", "true"),
            (
                "RedrivePolicy",
                r#"{"deadLetterTargetArn":"arn:aws:sqs:us-east-1:1:sub-dlq"}"#,
            ),
            ("PendingConfirmation", "false"),
        ]
        .into_iter()
        .map(|(k, v)| (k.to_string(), v.to_string()))
        .collect();
        let sub = Subscription::listed(
            "arn:aws:sns:us-east-1:1:t:abc",
            "arn:aws:sns:us-east-1:1:t",
            "sqs",
            "arn:aws:sqs:us-east-1:1:q",
            None,
        )
        .with_attributes(attributes);
        assert_eq!(
            sub.filter_policy.as_deref(),
            Some(r#"{"type":["order_placed"]}"#)
        );
        assert_eq!(sub.filter_policy_scope.as_deref(), Some("MessageBody"));
        assert!(sub.raw_message_delivery);
        assert_eq!(
            sub.dlq_arn.as_deref(),
            Some("arn:aws:sqs:us-east-1:1:sub-dlq")
        );
        assert!(!sub.pending_confirmation);
        assert_eq!(sub.queue_arn(), Some("arn:aws:sqs:us-east-1:1:q"));
        assert_eq!(sub.topic_name(), "t");
        assert_eq!(sub.endpoint_name(), "q");
    }

    #[test]
    fn endpoints_read_as_names_where_they_are_arns() {
        assert_eq!(
            endpoint_name("lambda", "arn:aws:lambda:r:1:function:worker"),
            "worker"
        );
        assert_eq!(
            endpoint_name("firehose", "arn:aws:firehose:r:1:deliverystream/s"),
            "deliverystream/s"
        );
        assert_eq!(
            endpoint_name("https", "https://hooks.example/x"),
            "https://hooks.example/x"
        );
    }

    #[test]
    fn pending_subscriptions_and_fifo_topics() {
        let sub = Subscription::listed(
            "PendingConfirmation",
            "arn:aws:sns:r:1:t",
            "email",
            "a@b.c",
            None,
        );
        assert!(sub.pending_confirmation);
        assert_eq!(sub.queue_arn(), None);
        let topic = Topic::from_attributes("arn:aws:sns:r:1:events.fifo", BTreeMap::new());
        assert!(topic.fifo);
        assert_eq!(topic.name, "events.fifo");
    }
}
