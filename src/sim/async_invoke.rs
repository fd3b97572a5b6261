//! Asynchronous Lambda invokes on the world: an SNS `lambda` subscription hands Lambda the
//! event (SNS counts it delivered); while the function fails, Lambda gives up after its
//! retries and leaves the event in the function's dead-letter queue (with the `RequestID`,
//! `ErrorCode` and `ErrorMessage` attributes Lambda writes) and an invocation record in its
//! on-failure destination. Draws from a generator of its own, so that a failing function
//! does not change what the rest of the world draws.

use super::clock::rfc3339_millis;
use super::rng::SplitMix64;
use super::stored::Incoming;
use super::world::{World, function_arn};
use crate::domain::lambda_event::{
    FailedInvoke, FailureCondition, invocation_record, sns_event_from_envelope,
};
use crate::domain::message::AttributeValue;

/// What the simulated function throws while it fails.
pub(super) const ASYNC_ERROR: &str = "Error: connect ETIMEDOUT 10.0.3.17:443 (carrier API)";

impl World {
    /// Whether function `function` fails its asynchronous invokes at the world's time.
    pub(super) fn fails_async(&self, function: usize) -> bool {
        self.functions[function]
            .spec
            .fails_async_until_ms
            .is_some_and(|until| self.now_ms < until)
    }

    /// Lambda gave up on the event built from `envelope` (what SNS delivered through
    /// `subscription_arn`): the event goes to the function's DLQ, the record to its
    /// on-failure destination, each only when configured and present.
    pub(super) fn dead_letter_async(
        &mut self,
        function: usize,
        subscription_arn: &str,
        envelope: &str,
        seed: u64,
    ) {
        let Ok(event) = sns_event_from_envelope(envelope, subscription_arn) else {
            return;
        };
        let mut rng = SplitMix64::new(seed);
        let request_id = rng.uuid();
        let spec = self.functions[function].spec.clone();
        let retries = spec.max_retry_attempts.unwrap_or(2);
        if let Some(dlq) = spec.dlq.as_deref().and_then(|q| self.queue_index(q)) {
            let mut message = Incoming::new(rng.uuid(), event.clone(), self.now_ms);
            let attributes = &mut message.message_attributes;
            attributes.insert("RequestID".into(), AttributeValue::string(&request_id));
            attributes.insert("ErrorCode".into(), AttributeValue::string("200"));
            attributes.insert("ErrorMessage".into(), AttributeValue::string(ASYNC_ERROR));
            let _ = self.send_one(dlq, message);
        }
        if let Some(destination) = spec.on_failure.as_deref().and_then(|q| self.queue_index(q)) {
            let arn = function_arn(self.region(), &spec.name);
            let record = invocation_record(
                &event,
                &FailedInvoke {
                    request_id: &request_id,
                    function_arn: &arn,
                    timestamp: &rfc3339_millis(self.now_ms),
                    condition: FailureCondition::RetriesExhausted,
                    approximate_invoke_count: retries + 1,
                    error_message: ASYNC_ERROR,
                },
            );
            let _ = self.send_one(destination, Incoming::new(rng.uuid(), record, self.now_ms));
        }
    }
}
