//! An SQS queue as squall shows it: identity, live counts and its dead-letter link.

use std::collections::BTreeMap;

use serde::Serialize;

use super::arn;

/// The approximate counts SQS reports for a queue (GetQueueAttributes).
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq, Serialize)]
pub struct QueueCounts {
    pub visible: u64,
    pub in_flight: u64,
    pub delayed: u64,
}

/// A queue's `RedrivePolicy`: where its failed messages go and after how many receives.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct RedrivePolicy {
    pub dead_letter_target_arn: String,
    pub max_receive_count: u32,
}

impl RedrivePolicy {
    /// Parses the JSON SQS stores in the `RedrivePolicy` attribute. SQS has returned
    /// `maxReceiveCount` both as a number and as a string, so accept either.
    pub fn parse(json: &str) -> Option<RedrivePolicy> {
        let value: serde_json::Value = serde_json::from_str(json).ok()?;
        let target = value.get("deadLetterTargetArn")?.as_str()?.to_string();
        let count = match value.get("maxReceiveCount")? {
            serde_json::Value::Number(n) => u32::try_from(n.as_u64()?).ok()?,
            serde_json::Value::String(s) => s.parse().ok()?,
            _ => return None,
        };
        Some(RedrivePolicy {
            dead_letter_target_arn: target,
            max_receive_count: count,
        })
    }
}

/// One queue with everything the queue views need.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Queue {
    pub name: String,
    pub url: String,
    pub arn: String,
    pub fifo: bool,
    pub counts: QueueCounts,
    pub redrive: Option<RedrivePolicy>,
    /// Every attribute as returned, for the describe pane.
    pub attributes: BTreeMap<String, String>,
}

impl Queue {
    /// Builds a queue from its URL and the raw `GetQueueAttributes(All)` map.
    pub fn from_attributes(url: &str, attributes: BTreeMap<String, String>, region: &str) -> Queue {
        let name = arn::queue_name_from_url(url).to_string();
        let arn = attributes
            .get("QueueArn")
            .cloned()
            .or_else(|| arn::queue_arn_from_url(url, region))
            .unwrap_or_default();
        let count = |key: &str| {
            attributes
                .get(key)
                .and_then(|v| v.parse::<u64>().ok())
                .unwrap_or(0)
        };
        let counts = QueueCounts {
            visible: count("ApproximateNumberOfMessages"),
            in_flight: count("ApproximateNumberOfMessagesNotVisible"),
            delayed: count("ApproximateNumberOfMessagesDelayed"),
        };
        let fifo = attributes
            .get("FifoQueue")
            .map(|v| v.eq_ignore_ascii_case("true"))
            .unwrap_or_else(|| name.ends_with(".fifo"));
        let redrive = attributes
            .get("RedrivePolicy")
            .and_then(|json| RedrivePolicy::parse(json));
        Queue {
            name,
            url: url.to_string(),
            arn,
            fifo,
            counts,
            redrive,
            attributes,
        }
    }

    pub fn dlq_arn(&self) -> Option<&str> {
        self.redrive
            .as_ref()
            .map(|r| r.dead_letter_target_arn.as_str())
    }

    pub fn max_receive_count(&self) -> Option<u32> {
        self.redrive.as_ref().map(|r| r.max_receive_count)
    }

    /// A non-empty attribute from `GetQueueAttributes(All)`.
    pub fn attribute(&self, name: &str) -> Option<&str> {
        self.attributes
            .get(name)
            .map(String::as_str)
            .filter(|v| !v.trim().is_empty())
    }

    /// A whole-number attribute (`VisibilityTimeout`, `MessageRetentionPeriod`, ...).
    pub fn seconds(&self, name: &str) -> Option<u64> {
        self.attribute(name).and_then(|v| v.trim().parse().ok())
    }

    /// The access policy JSON (`Policy`), if the queue has one.
    pub fn policy(&self) -> Option<&str> {
        self.attribute("Policy")
    }

    /// The KMS key of SSE-KMS encryption (`KmsMasterKeyId`): a key id, ARN or alias.
    pub fn kms_key(&self) -> Option<&str> {
        self.attribute("KmsMasterKeyId")
    }

    /// Which source queues may use this queue as their DLQ (`RedriveAllowPolicy` JSON).
    pub fn redrive_allow_policy(&self) -> Option<&str> {
        self.attribute("RedriveAllowPolicy")
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn attrs(pairs: &[(&str, &str)]) -> BTreeMap<String, String> {
        pairs
            .iter()
            .map(|(k, v)| (k.to_string(), v.to_string()))
            .collect()
    }

    #[test]
    fn redrive_policy_accepts_number_or_string_counts() {
        let a = RedrivePolicy::parse(
            r#"{"deadLetterTargetArn":"arn:aws:sqs:r:1:d","maxReceiveCount":5}"#,
        );
        let b = RedrivePolicy::parse(
            r#"{"deadLetterTargetArn":"arn:aws:sqs:r:1:d","maxReceiveCount":"5"}"#,
        );
        assert_eq!(a, b);
        assert_eq!(a.map(|p| p.max_receive_count), Some(5));
        assert_eq!(RedrivePolicy::parse("{}"), None);
        assert_eq!(RedrivePolicy::parse("not json"), None);
    }

    #[test]
    fn queue_from_attributes_reads_counts_fifo_and_dlq() {
        let queue = Queue::from_attributes(
            "http://h/queue/us-east-1/000000000000/orders.fifo",
            attrs(&[
                ("QueueArn", "arn:aws:sqs:us-east-1:000000000000:orders.fifo"),
                ("ApproximateNumberOfMessages", "12"),
                ("ApproximateNumberOfMessagesNotVisible", "3"),
                ("ApproximateNumberOfMessagesDelayed", "1"),
                ("FifoQueue", "true"),
                (
                    "RedrivePolicy",
                    r#"{"deadLetterTargetArn":"arn:aws:sqs:us-east-1:000000000000:orders-dlq.fifo","maxReceiveCount":4}"#,
                ),
            ]),
            "us-east-1",
        );
        assert_eq!(queue.name, "orders.fifo");
        assert!(queue.fifo);
        assert_eq!(
            queue.counts,
            QueueCounts {
                visible: 12,
                in_flight: 3,
                delayed: 1
            }
        );
        assert_eq!(
            queue.dlq_arn(),
            Some("arn:aws:sqs:us-east-1:000000000000:orders-dlq.fifo")
        );
        assert_eq!(queue.max_receive_count(), Some(4));
    }

    #[test]
    fn missing_counts_read_as_zero_and_arn_is_derived() {
        let queue =
            Queue::from_attributes("http://h/000000000000/plain", BTreeMap::new(), "eu-west-1");
        assert_eq!(queue.counts, QueueCounts::default());
        assert!(!queue.fifo);
        assert_eq!(queue.arn, "arn:aws:sqs:eu-west-1:000000000000:plain");
        assert_eq!(queue.dlq_arn(), None);
    }
}
