//! Consumers: each Enabled Lambda event source mapping (or a worker outside Lambda)
//! polls its queue and processes batches, at the rate its `ConsumerProfile` says. An
//! invocation keeps its messages in flight for its duration, then deletes those that
//! succeeded. A message fails with the profile's probability (and poison messages fail
//! while the bug is in); a failed message is not deleted, so it comes back after the
//! visibility timeout and, after `maxReceiveCount` receives, SQS moves it to the DLQ.

use super::consumer_logs::LoggedMessage;
use super::queue::Receiver;
use super::spec::ConsumerProfile;
use super::world::World;

/// An empty poll lets the consumer rest this long (Lambda's pollers long-poll 20 s).
const IDLE_AFTER_EMPTY_POLL_MS: i64 = 20_000;
/// SQS hands out at most 10 messages per receive; a bigger batch takes several.
const RECEIVE_MAX: usize = 10;

/// An invocation under way: when it ends, these receipt handles are deleted.
#[derive(Debug, Clone)]
pub(super) struct Invocation {
    pub ends_ms: i64,
    pub queue: usize,
    pub delete_handles: Vec<String>,
}

impl World {
    pub(super) fn run_consumers(&mut self, seconds: f64) {
        self.finish_invocations();
        let consumers = std::mem::take(&mut self.traffic.consumers);
        for profile in &consumers {
            self.run_consumer(profile, seconds);
        }
        self.traffic.consumers = consumers;
    }

    /// Ends the invocations whose time is up: their successful messages are deleted
    /// (with the handle they were received with: if the visibility ran out and someone
    /// received the message again, the delete does nothing, as in SQS).
    fn finish_invocations(&mut self) {
        let now = self.now_ms;
        let (done, running): (Vec<Invocation>, Vec<Invocation>) =
            std::mem::take(&mut self.invocations)
                .into_iter()
                .partition(|i| i.ends_ms <= now);
        self.invocations = running;
        for invocation in done {
            for handle in &invocation.delete_handles {
                // Handles this world issued: a delete cannot be refused.
                let _ = self.queues[invocation.queue].delete(handle, now);
            }
        }
    }

    fn run_consumer(&mut self, profile: &ConsumerProfile, seconds: f64) {
        let Some(queue) = self.queue_index(&profile.queue) else {
            return;
        };
        let function = self.function_index(&profile.function);
        let Some(batch_size) = self.batch_size(profile, function) else {
            return;
        };
        let timeout_ms = function.map_or(900_000.0, |f| {
            f64::from(self.functions[f].spec.timeout_s) * 1000.0
        });
        let key = (profile.function.clone(), profile.queue.clone());
        let now = self.now_ms;
        if self
            .pollers
            .get(&key)
            .is_some_and(|state| state.idle_until_ms > now)
        {
            return;
        }
        let invocations = self
            .rng
            .count(profile.invocations_per_minute / 60.0 * seconds);
        for _ in 0..invocations {
            let batch = self.poll(queue, batch_size);
            if batch.is_empty() {
                self.pollers.entry(key).or_default().idle_until_ms = now + IDLE_AFTER_EMPTY_POLL_MS;
                return;
            }
            if self.rng.chance(profile.throttle_probability) {
                // The batch goes back to the queue when its visibility ends.
                if let Some(f) = function {
                    self.functions[f].metrics.counters.throttles += 1;
                }
                continue;
            }
            let mut failed = Vec::with_capacity(batch.len());
            for (_, _, poison) in &batch {
                let fails = (*poison && profile.poison_fails)
                    || self.rng.chance(profile.failure_probability);
                failed.push(fails);
            }
            let any_failed = failed.contains(&true);
            let duration = self
                .rng
                .jitter(f64::from(profile.duration_ms), 0.5)
                .clamp(1.0, timeout_ms);
            if let Some(f) = function {
                self.functions[f]
                    .metrics
                    .counters
                    .invoked(duration, any_failed);
                let logged: Vec<LoggedMessage> = batch
                    .iter()
                    .zip(&failed)
                    .map(|((_, id, _), fails)| LoggedMessage {
                        message_id: id,
                        failed: *fails,
                    })
                    .collect();
                self.log_invocation(f, duration, &logged);
            }
            let delete_handles = batch
                .into_iter()
                .zip(failed)
                .filter(|(_, fails)| !any_failed || (profile.report_batch_item_failures && !fails))
                .map(|((handle, _, _), _)| handle)
                .collect();
            self.invocations.push(Invocation {
                ends_ms: now + duration as i64,
                queue,
                delete_handles,
            });
        }
    }

    /// How many messages one invocation of `profile` takes: its Enabled event source
    /// mapping's batch size for a Lambda function (`None`: no such mapping, nothing polls),
    /// the profile's own for a worker outside Lambda.
    fn batch_size(&self, profile: &ConsumerProfile, function: Option<usize>) -> Option<usize> {
        let batch_size = match function {
            Some(f) => {
                self.functions[f]
                    .spec
                    .mappings
                    .iter()
                    .find(|m| m.queue == profile.queue && m.state == "Enabled")?
                    .batch_size
            }
            None => profile.batch_size,
        };
        Some(batch_size.max(1) as usize)
    }

    /// Receives up to `batch_size` messages the way Lambda's poller does, 10 at a time:
    /// their receipt handles, message ids, and which are poison.
    fn poll(&mut self, queue: usize, batch_size: usize) -> Vec<(String, String, bool)> {
        let mut batch = Vec::new();
        while batch.len() < batch_size {
            let want = (batch_size - batch.len()).min(RECEIVE_MAX);
            let taken = self.receive(queue, want, None, Receiver::Consumer).taken;
            let got = taken.len();
            batch.extend(
                taken
                    .into_iter()
                    .map(|t| (t.receipt_handle, t.message_id, t.poison)),
            );
            if got < want {
                break;
            }
        }
        batch
    }
}
