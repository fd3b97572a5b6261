//! ARN helpers: squall links resources by ARN, and shows the short resource name.

/// The resource part of an ARN: `arn:aws:sqs:us-east-1:123:orders` → `orders`.
/// Anything that is not an ARN is returned unchanged, so a bad value is still visible.
pub fn resource_name(arn: &str) -> &str {
    if !arn.starts_with("arn:") {
        return arn;
    }
    let resource = arn.splitn(6, ':').nth(5).unwrap_or(arn);
    // Lambda ARNs are `...:function:NAME[:qualifier]`.
    if let Some(rest) = resource.strip_prefix("function:") {
        return rest.split(':').next().unwrap_or(rest);
    }
    resource
}

/// The queue name at the end of a queue URL (`https://sqs.../123/orders` → `orders`).
pub fn queue_name_from_url(url: &str) -> &str {
    url.trim_end_matches('/').rsplit('/').next().unwrap_or(url)
}

/// Builds an SQS queue ARN from the region, account and name in a queue URL, for backends
/// that did not return `QueueArn` (never the case with AWS, but keep rows linkable).
pub fn queue_arn_from_url(url: &str, region: &str) -> Option<String> {
    let mut parts = url.trim_end_matches('/').rsplit('/');
    let name = parts.next()?;
    let account = parts.next()?;
    if account.is_empty() || !account.chars().all(|c| c.is_ascii_digit()) {
        return None;
    }
    Some(format!("arn:aws:sqs:{region}:{account}:{name}"))
}

/// The account in an ARN (`arn:aws:sqs:us-east-1:123456789012:orders` → `123456789012`),
/// when it has one: S3 ARNs and the like leave it empty.
pub fn account(arn: &str) -> Option<&str> {
    if !arn.starts_with("arn:") {
        return None;
    }
    arn.split(':').nth(4).filter(|a| !a.is_empty())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn resource_name_of_queue_topic_and_function_arns() {
        assert_eq!(
            resource_name("arn:aws:sqs:us-east-1:000000000000:orders-dlq"),
            "orders-dlq"
        );
        assert_eq!(
            resource_name("arn:aws:sns:eu-west-1:1:events.fifo"),
            "events.fifo"
        );
        assert_eq!(
            resource_name("arn:aws:lambda:us-east-1:1:function:worker:live"),
            "worker"
        );
        assert_eq!(resource_name("not-an-arn"), "not-an-arn");
    }

    #[test]
    fn queue_name_and_arn_from_url() {
        let url = "http://127.0.0.1:4566/queue/us-east-1/000000000000/orders.fifo";
        assert_eq!(queue_name_from_url(url), "orders.fifo");
        assert_eq!(
            queue_arn_from_url(url, "us-east-1").as_deref(),
            Some("arn:aws:sqs:us-east-1:000000000000:orders.fifo")
        );
        assert_eq!(
            queue_arn_from_url("http://localhost/orders", "us-east-1"),
            None
        );
    }

    #[test]
    fn account_of_an_arn() {
        assert_eq!(
            account("arn:aws:sqs:us-east-1:123456789012:orders"),
            Some("123456789012")
        );
        assert_eq!(account("arn:aws:s3:::bucket"), None);
        assert_eq!(account("https://sqs.us-east-1.amazonaws.com/1/q"), None);
    }
}
