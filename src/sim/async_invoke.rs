//! Asynchronous Lambda invokes on the world: an SNS `lambda` subscription hands Lambda the
//! event (SNS counts it delivered); while the function fails, Lambda gives up after its
//! retries and leaves the event in the function's dead-letter queue (with the `RequestID`,
//! `ErrorCode` and `ErrorMessage` attributes Lambda writes) and an invocation record in its
//! on-failure destination. Draws from a generator of its own, so that a failing function
//! does not change what the rest of the world draws.

use super::clock::rfc3339_millis;
use super::rng::SplitMix64;
use async_trait::async_trait;

use super::consumer_logs::LoggedMessage;
use super::fleet::SimFleet;
use super::stored::Incoming;
use super::world::{World, function_arn};
use crate::aws::{ApiError, FunctionInvoker};
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
        self.dead_letter_event(function, &event, seed);
    }

    /// Lambda gave up on `event`: it goes to the function's DLQ, its record to the
    /// on-failure destination, each only when configured and present.
    fn dead_letter_event(&mut self, function: usize, event: &str, seed: u64) {
        let mut rng = SplitMix64::new(seed);
        let request_id = rng.uuid();
        let spec = self.functions[function].spec.clone();
        let retries = spec.max_retry_attempts.unwrap_or(2);
        if let Some(dlq) = spec.dlq.as_deref() {
            let mut message = Incoming::new(rng.uuid(), event.to_string(), self.now_ms);
            let attributes = &mut message.message_attributes;
            attributes.insert("RequestID".into(), AttributeValue::string(&request_id));
            attributes.insert("ErrorCode".into(), AttributeValue::string("200"));
            attributes.insert("ErrorMessage".into(), AttributeValue::string(ASYNC_ERROR));
            if !self.deliver_failed_event(function, dlq, message) {
                self.functions[function].metrics.counters.dead_letter_errors += 1;
            }
        }
        if let Some(destination) = spec.on_failure.as_deref() {
            let arn = function_arn(self.region(), &spec.name);
            let record = invocation_record(
                event,
                &FailedInvoke {
                    request_id: &request_id,
                    function_arn: &arn,
                    timestamp: &rfc3339_millis(self.now_ms),
                    condition: FailureCondition::RetriesExhausted,
                    approximate_invoke_count: retries + 1,
                    error_message: ASYNC_ERROR,
                },
            );
            let record = Incoming::new(rng.uuid(), record, self.now_ms);
            if !self.deliver_failed_event(function, destination, record) {
                self.functions[function]
                    .metrics
                    .counters
                    .destination_delivery_failures += 1;
            }
        }
    }

    /// Lambda writes a failed event to `target` as the function's execution role: no such
    /// queue, a role the sim denies writing there, or a refused send is a delivery error
    /// (`DeadLetterErrors`, `DestinationDeliveryFailures`), and the event is gone.
    fn deliver_failed_event(&mut self, function: usize, target: &str, message: Incoming) -> bool {
        let Some(queue) = self.queue_index(target) else {
            return false;
        };
        if self.functions[function].spec.role_denies_targets {
            return false;
        }
        self.send_one(queue, message).is_ok()
    }
}

/// How many asynchronous invokes (by `Invoke`, not by SNS) each function was handed, and
/// the last event: what a test of the invoke route checks against.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Invoked {
    pub count: u64,
    pub last_event: Option<String>,
}

impl World {
    /// `Invoke` with `InvocationType=Event`: Lambda takes the event (202) and runs it; while
    /// the function fails, it lands in the DLQ and destination again.
    fn invoke_event(&mut self, name: &str, event: &str) -> Result<String, ApiError> {
        let Some(function) = self.function_index(name) else {
            return Err(ApiError::not_found(
                "Invoke",
                format!("Function not found: {}", function_arn(self.region(), name)),
            )
            .with_code("ResourceNotFoundException")
            .with_status(404));
        };
        if serde_json::from_str::<serde_json::Value>(event).is_err() {
            return Err(
                ApiError::client("Invoke", "Could not parse request body into json")
                    .with_code("InvalidRequestContentException")
                    .with_status(400),
            );
        }
        // A fixed duration: an invoke draws nothing from the world's generator, so a replay
        // does not change what the rest of the world does.
        let failing = self.fails_async(function);
        self.functions[function]
            .metrics
            .counters
            .invoked(120.0, failing);
        let invoked = self.invoked.entry(name.to_string()).or_default();
        invoked.count += 1;
        invoked.last_event = Some(event.to_string());
        let count = invoked.count;
        let request = format!("sim-invoke-{name}-{count}");
        let logged = [LoggedMessage {
            message_id: &request,
            failed: failing,
        }];
        self.log_invocation(function, 120.0, &logged);
        if failing {
            let seed = (self.now_ms as u64) ^ count.rotate_left(40);
            self.dead_letter_event(function, event, seed);
        }
        Ok(request)
    }
}

#[async_trait]
impl FunctionInvoker for SimFleet {
    async fn invoke_async(&self, function: &str, payload: &str) -> Result<String, ApiError> {
        self.world().invoke_event(function, payload)
    }
}

impl SimFleet {
    /// The asynchronous invokes `function` was handed by `Invoke` so far.
    pub fn invoked(&self, function: &str) -> Invoked {
        self.world()
            .invoked
            .get(function)
            .cloned()
            .unwrap_or_default()
    }
}
