//! The fleet `squall --demo` shows: a small shop's event fan-out with the kinds of trouble
//! an on-call engineer meets (full DLQs, a disabled consumer, a subscription to a deleted
//! queue, a DLQ that does not exist, a pending subscription).

use std::time::Instant;

use super::fleet::{SimFleet, SimFunction, SimQueue, SimSubscription, SimTopic};

impl SimFleet {
    pub fn demo() -> SimFleet {
        // (service, fifo, visible, drift/min, in flight, DLQ depth)
        let services: [(&str, bool, u64, i64, u64, u64); 10] = [
            ("orders", false, 42, 6, 8, 0),
            ("payments", true, 3, 0, 1, 17),
            ("inventory-sync", false, 1250, 40, 64, 0),
            ("shipping-labels", false, 0, 0, 0, 2),
            ("email-notifications", false, 310, -12, 25, 0),
            ("fraud-check", true, 12, 1, 4, 0),
            ("search-indexer", false, 8800, 150, 120, 431),
            ("billing-events", true, 0, 0, 0, 0),
            ("audit-log", false, 77, 3, 10, 0),
            ("webhooks-outbound", false, 5, 0, 2, 1289),
        ];
        let mut queues = Vec::new();
        for (service, fifo, visible, drift, in_flight, dlq_depth) in services {
            let suffix = if fifo { ".fifo" } else { "" };
            let dlq_name = format!("{service}-dlq{suffix}");
            queues.push(SimQueue {
                name: format!("{service}{suffix}"),
                fifo,
                dlq: Some((dlq_name.clone(), if fifo { 3 } else { 5 })),
                base_visible: visible,
                drift_per_minute: drift,
                in_flight,
                delayed: if service == "orders" { 2 } else { 0 },
            });
            queues.push(SimQueue {
                name: dlq_name,
                fifo,
                base_visible: dlq_depth,
                drift_per_minute: if dlq_depth > 0 { 1 } else { 0 },
                ..SimQueue::default()
            });
        }
        // Its redrive policy names a DLQ that was deleted.
        queues.push(SimQueue {
            name: "reports-adhoc".to_string(),
            dlq: Some(("reports-adhoc-dlq".to_string(), 4)),
            base_visible: 6,
            ..SimQueue::default()
        });
        // A subscription's own DLQ: SNS puts messages here when it cannot deliver.
        queues.push(SimQueue {
            name: "order-events-email-sub-dlq".to_string(),
            base_visible: 3,
            ..SimQueue::default()
        });

        let topics = [
            "order-events",
            "payment-events.fifo",
            "inventory-updates",
            "shipping-events",
        ]
        .map(|name| SimTopic {
            name: name.to_string(),
        })
        .to_vec();

        let sub = |topic: &str, protocol: &str, endpoint: &str| SimSubscription {
            topic: topic.to_string(),
            protocol: protocol.to_string(),
            endpoint: endpoint.to_string(),
            ..SimSubscription::default()
        };
        let subscriptions = vec![
            SimSubscription {
                filter_policy: Some(r#"{"type":["order_placed","order_updated"]}"#.to_string()),
                raw: true,
                ..sub("order-events", "sqs", "orders")
            },
            SimSubscription {
                raw: true,
                ..sub("order-events", "sqs", "audit-log")
            },
            SimSubscription {
                filter_policy: Some(
                    r#"{"type":["order_shipped"],"channel":["email"]}"#.to_string(),
                ),
                dlq: Some("order-events-email-sub-dlq".to_string()),
                ..sub("order-events", "sqs", "email-notifications")
            },
            SimSubscription {
                pending: true,
                ..sub("order-events", "email", "oncall@example.com")
            },
            SimSubscription {
                raw: true,
                ..sub("payment-events.fifo", "sqs", "payments.fifo")
            },
            SimSubscription {
                filter_policy: Some(r#"{"amount":[{"numeric":[">",1000]}]}"#.to_string()),
                raw: true,
                ..sub("payment-events.fifo", "sqs", "fraud-check.fifo")
            },
            SimSubscription {
                raw: true,
                ..sub("payment-events.fifo", "sqs", "billing-events.fifo")
            },
            sub("inventory-updates", "sqs", "inventory-sync"),
            sub("inventory-updates", "sqs", "search-indexer"),
            // The queue behind this subscription was deleted.
            sub("inventory-updates", "sqs", "legacy-reindex"),
            sub("shipping-events", "sqs", "shipping-labels"),
            sub("shipping-events", "sqs", "webhooks-outbound"),
            sub("shipping-events", "lambda", "shipping-notifier"),
            sub(
                "shipping-events",
                "https",
                "https://hooks.partner.example/shipping",
            ),
        ];

        let function = |name: &str, runtime: &str, consumes: &[(&str, &str, i32)]| SimFunction {
            name: name.to_string(),
            runtime: runtime.to_string(),
            consumes: consumes
                .iter()
                .map(|(queue, state, batch)| (queue.to_string(), state.to_string(), *batch))
                .collect(),
        };
        let functions = vec![
            function("orders-worker", "nodejs22.x", &[("orders", "Enabled", 10)]),
            function(
                "payments-processor",
                "java21",
                &[("payments.fifo", "Enabled", 1)],
            ),
            function(
                "fraud-scorer",
                "python3.13",
                &[("fraud-check.fifo", "Enabled", 5)],
            ),
            function(
                "inventory-sync-fn",
                "python3.13",
                &[("inventory-sync", "Enabled", 25)],
            ),
            function(
                "search-indexer-fn",
                "provided.al2023",
                &[("search-indexer", "Enabled", 100)],
            ),
            function(
                "email-sender",
                "nodejs22.x",
                &[("email-notifications", "Enabled", 10)],
            ),
            function(
                "webhooks-sender",
                "python3.13",
                &[("webhooks-outbound", "Disabled", 10)],
            ),
            function("shipping-notifier", "nodejs22.x", &[]),
            function(
                "audit-archiver",
                "python3.13",
                &[
                    ("audit-log", "Enabled", 10),
                    ("billing-events.fifo", "Enabled", 10),
                ],
            ),
        ];

        SimFleet {
            queues,
            topics,
            subscriptions,
            functions,
            started: Instant::now(),
            page_size: 1000,
            gives_next_token: true,
            frozen: false,
        }
    }
}
