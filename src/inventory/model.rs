//! Everything discovered so far, indexed both ways: queue → DLQ and DLQ → sources,
//! queue → subscriptions and consumers, topic → subscriptions. Pure data.

use std::collections::HashMap;

use crate::aws::ApiError;
use crate::domain::{
    EventSourceMapping, LambdaDeadLetter, LambdaFunction, Queue, Subscription, Topic,
    lambda_dead_letters,
};

/// One kind of listing; each loads, fails and reports on its own.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum Source {
    Queues,
    Topics,
    Subscriptions,
    EventSourceMappings,
    Functions,
}

impl Source {
    pub const ALL: [Source; 5] = [
        Source::Queues,
        Source::Topics,
        Source::Subscriptions,
        Source::EventSourceMappings,
        Source::Functions,
    ];

    pub fn label(self) -> &'static str {
        match self {
            Source::Queues => "queues",
            Source::Topics => "topics",
            Source::Subscriptions => "subscriptions",
            Source::EventSourceMappings => "event source mappings",
            Source::Functions => "Lambda functions",
        }
    }
}

#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct SourceStatus {
    pub loaded: bool,
    /// The last load failed (the previous data, if any, is kept).
    pub error: Option<ApiError>,
}

#[derive(Debug, Clone, Default, PartialEq)]
pub struct Inventory {
    queues: Vec<Queue>,
    /// The load generation that last reported each queue.
    seen_in: Vec<u64>,
    by_url: HashMap<String, usize>,
    by_arn: HashMap<String, usize>,
    topics: Vec<Topic>,
    subscriptions: Vec<Subscription>,
    mappings: Vec<EventSourceMapping>,
    functions: Vec<LambdaFunction>,
    /// DLQ ARN → ARNs of the queues whose redrive policy targets it.
    dlq_sources: HashMap<String, Vec<String>>,
    consumers_by_queue: HashMap<String, Vec<usize>>,
    mappings_by_function: HashMap<String, Vec<usize>>,
    subscriptions_by_queue: HashMap<String, Vec<usize>>,
    subscriptions_by_topic: HashMap<String, Vec<usize>>,
    /// Queue ARN → subscriptions whose own redrive policy targets it.
    subscriptions_by_dlq: HashMap<String, Vec<usize>>,
    /// Function DLQs, on-failure destinations and `lambda` subscription DLQs, from the
    /// functions and subscriptions loaded; rebuilt when either changes.
    lambda_dead_letters: Vec<LambdaDeadLetter>,
    status: HashMap<Source, SourceStatus>,
    /// Alarms and move tasks, read beside the listings (`signals.rs`).
    pub(super) signals: super::signals::Signals,
    /// Bumped on every change, so views can tell their rows are stale.
    pub revision: u64,
    /// Bumped on every change but fresh counts: what the doctor's rules read (listings,
    /// attributes, redrive policies), so that its findings are not worked out again for
    /// counts that moved.
    pub config_revision: u64,
}

impl Inventory {
    pub fn queues(&self) -> &[Queue] {
        &self.queues
    }

    pub fn topics(&self) -> &[Topic] {
        &self.topics
    }

    pub fn subscriptions(&self) -> &[Subscription] {
        &self.subscriptions
    }

    pub fn mappings(&self) -> &[EventSourceMapping] {
        &self.mappings
    }

    pub fn functions(&self) -> &[LambdaFunction] {
        &self.functions
    }

    pub fn status(&self, source: Source) -> SourceStatus {
        self.status.get(&source).cloned().unwrap_or_default()
    }

    pub fn queue_by_url(&self, url: &str) -> Option<&Queue> {
        self.by_url.get(url).map(|&i| &self.queues[i])
    }

    pub fn queue_by_arn(&self, arn: &str) -> Option<&Queue> {
        self.by_arn.get(arn).map(|&i| &self.queues[i])
    }

    pub fn topic_by_arn(&self, arn: &str) -> Option<&Topic> {
        self.topics.iter().find(|t| t.arn == arn)
    }

    pub fn function_by_arn(&self, arn: &str) -> Option<&LambdaFunction> {
        // Mappings may name a qualified ARN (function:NAME:alias); match on the name.
        let name = crate::domain::arn::resource_name(arn);
        self.functions
            .iter()
            .find(|f| f.arn == arn || f.name == name)
    }

    /// Whether some queue's or subscription's redrive policy, or some function's dead-letter
    /// config or on-failure destination, targets this queue ARN.
    pub fn is_dlq(&self, queue_arn: &str) -> bool {
        self.dlq_sources.contains_key(queue_arn)
            || self.subscriptions_by_dlq.contains_key(queue_arn)
            || self.lambda_dead_letters_to(queue_arn).next().is_some()
    }

    /// Every Lambda-side dead-letter target known, sorted by kind and target.
    pub fn lambda_dead_letters(&self) -> &[LambdaDeadLetter] {
        &self.lambda_dead_letters
    }

    /// The Lambda-side roles of `target_arn` (a function's DLQ, its on-failure destination,
    /// a `lambda` subscription's DLQ): what feeds it.
    pub fn lambda_dead_letters_to<'a>(
        &'a self,
        target_arn: &'a str,
    ) -> impl Iterator<Item = &'a LambdaDeadLetter> + 'a {
        self.lambda_dead_letters
            .iter()
            .filter(move |d| d.target_arn == target_arn)
    }

    /// The functions (by name, sorted, once each) with a DLQ or an on-failure destination of
    /// their own: the ones whose `DeadLetterErrors` and `DestinationDeliveryFailures` mean
    /// something, so the only ones they are asked for.
    pub fn functions_with_async_targets(&self) -> Vec<&str> {
        let mut names: Vec<&str> = self
            .lambda_dead_letters
            .iter()
            .filter(|d| d.kind != crate::domain::LambdaDeadLetterKind::SubscriptionDlq)
            .map(|d| d.function.as_str())
            .collect();
        names.sort_unstable();
        names.dedup();
        names
    }

    /// The `lambda` subscriptions that invoke `function` (a name or ARN) asynchronously.
    pub fn async_invokers_of<'a>(
        &'a self,
        function: &'a str,
    ) -> impl Iterator<Item = &'a Subscription> + 'a {
        let name = crate::domain::arn::resource_name(function);
        self.subscriptions
            .iter()
            .filter(move |s| s.protocol == "lambda" && s.endpoint_name() == name)
    }

    /// Subscriptions that dead-letter into `dlq_arn` (SNS could not deliver to them).
    pub fn subscriptions_dead_lettering_to(
        &self,
        dlq_arn: &str,
    ) -> impl Iterator<Item = &Subscription> + '_ {
        self.subscriptions_by_dlq
            .get(dlq_arn)
            .into_iter()
            .flatten()
            .map(|&i| &self.subscriptions[i])
    }

    /// ARNs of the queues that dead-letter into `dlq_arn`, sorted.
    pub fn dlq_sources(&self, dlq_arn: &str) -> &[String] {
        self.dlq_sources
            .get(dlq_arn)
            .map(Vec::as_slice)
            .unwrap_or(&[])
    }

    pub fn consumers_of(&self, queue_arn: &str) -> impl Iterator<Item = &EventSourceMapping> + '_ {
        self.consumers_by_queue
            .get(queue_arn)
            .into_iter()
            .flatten()
            .map(|&i| &self.mappings[i])
    }

    pub fn mappings_of_function(
        &self,
        function_arn: &str,
    ) -> impl Iterator<Item = &EventSourceMapping> + '_ {
        self.mappings_by_function
            .get(crate::domain::arn::resource_name(function_arn))
            .into_iter()
            .flatten()
            .map(|&i| &self.mappings[i])
    }

    pub fn subscriptions_to_queue(
        &self,
        queue_arn: &str,
    ) -> impl Iterator<Item = &Subscription> + '_ {
        self.subscriptions_by_queue
            .get(queue_arn)
            .into_iter()
            .flatten()
            .map(|&i| &self.subscriptions[i])
    }

    pub fn subscriptions_of_topic(
        &self,
        topic_arn: &str,
    ) -> impl Iterator<Item = &Subscription> + '_ {
        self.subscriptions_by_topic
            .get(topic_arn)
            .into_iter()
            .flatten()
            .map(|&i| &self.subscriptions[i])
    }

    /// Why consumers of queues are unknown, if the Lambda listing failed.
    pub fn consumers_unknown(&self) -> Option<&ApiError> {
        self.status
            .get(&Source::EventSourceMappings)
            .and_then(|s| s.error.as_ref())
    }

    /// Adds or replaces queues reported by load `generation`. The indexes are updated
    /// for the queues in the batch only: a streamed batch costs what is in it, not what
    /// is already loaded.
    pub fn upsert_queues(&mut self, batch: Vec<Queue>, generation: u64) {
        for queue in batch {
            self.put_queue(queue, Some(generation));
        }
        self.bump();
    }

    /// Replaces queues already known (fresh counts); unknown ones are ignored, since only
    /// a full listing may add queues.
    pub fn update_queues(&mut self, queues: Vec<Queue>) {
        let mut configuration_changed = false;
        for queue in queues {
            if self.by_url.contains_key(&queue.url) {
                configuration_changed |= self.put_queue(queue, None);
            }
        }
        self.revision += 1;
        if configuration_changed {
            self.config_revision += 1;
        }
    }

    fn bump(&mut self) {
        self.revision += 1;
        self.config_revision += 1;
    }

    /// Puts `queue` in; returns whether it changed more than a known queue's counts.
    fn put_queue(&mut self, queue: Queue, generation: Option<u64>) -> bool {
        match self.by_url.get(&queue.url) {
            Some(&i) => {
                let old = &self.queues[i];
                let configuration_changed = !same_configuration(old, &queue);
                if old.arn != queue.arn || old.dlq_arn() != queue.dlq_arn() {
                    let (old_arn, old_dlq) = (old.arn.clone(), old.dlq_arn().map(str::to_string));
                    self.unlink(&old_arn, old_dlq.as_deref());
                    self.link(i, &queue);
                }
                self.queues[i] = queue;
                if let Some(generation) = generation {
                    self.seen_in[i] = generation;
                }
                configuration_changed
            }
            None => {
                let i = self.queues.len();
                self.by_url.insert(queue.url.clone(), i);
                self.link(i, &queue);
                self.queues.push(queue);
                self.seen_in.push(generation.unwrap_or_default());
                true
            }
        }
    }

    /// Indexes queue `i` by ARN and as a source of its DLQ (sources stay sorted).
    fn link(&mut self, i: usize, queue: &Queue) {
        self.by_arn.insert(queue.arn.clone(), i);
        if let Some(dlq) = queue.dlq_arn() {
            let sources = self.dlq_sources.entry(dlq.to_string()).or_default();
            if let Err(position) = sources.binary_search(&queue.arn) {
                sources.insert(position, queue.arn.clone());
            }
        }
    }

    fn unlink(&mut self, arn: &str, dlq: Option<&str>) {
        self.by_arn.remove(arn);
        if let Some(dlq) = dlq
            && let Some(sources) = self.dlq_sources.get_mut(dlq)
        {
            sources.retain(|s| s != arn);
            if sources.is_empty() {
                self.dlq_sources.remove(dlq);
            }
        }
    }

    /// Ends queue load `generation`: queues it did not report no longer exist.
    pub fn finish_queues(&mut self, generation: u64) {
        if self.seen_in.iter().any(|&g| g != generation) {
            let mut kept = Vec::with_capacity(self.queues.len());
            for (queue, seen) in self.queues.drain(..).zip(self.seen_in.drain(..)) {
                if seen == generation {
                    kept.push(queue);
                }
            }
            self.seen_in = vec![generation; kept.len()];
            self.queues = kept;
            self.by_url = self
                .queues
                .iter()
                .enumerate()
                .map(|(i, q)| (q.url.clone(), i))
                .collect();
            self.reindex_queues();
        }
        self.mark_loaded(Source::Queues);
    }

    pub fn set_topics(&mut self, topics: Vec<Topic>) {
        self.topics = topics;
        self.mark_loaded(Source::Topics);
    }

    pub fn set_subscriptions(&mut self, subscriptions: Vec<Subscription>) {
        self.subscriptions = subscriptions;
        self.subscriptions_by_queue.clear();
        self.subscriptions_by_topic.clear();
        self.subscriptions_by_dlq.clear();
        for (i, sub) in self.subscriptions.iter().enumerate() {
            if let Some(dlq) = &sub.dlq_arn {
                self.subscriptions_by_dlq
                    .entry(dlq.clone())
                    .or_default()
                    .push(i);
            }
            if let Some(queue_arn) = sub.queue_arn() {
                self.subscriptions_by_queue
                    .entry(queue_arn.to_string())
                    .or_default()
                    .push(i);
            }
            self.subscriptions_by_topic
                .entry(sub.topic_arn.clone())
                .or_default()
                .push(i);
        }
        self.relink_lambda_dead_letters();
        self.mark_loaded(Source::Subscriptions);
    }

    pub fn set_mappings(&mut self, mappings: Vec<EventSourceMapping>) {
        self.mappings = mappings;
        self.consumers_by_queue.clear();
        self.mappings_by_function.clear();
        for (i, mapping) in self.mappings.iter().enumerate() {
            self.consumers_by_queue
                .entry(mapping.event_source_arn.clone())
                .or_default()
                .push(i);
            self.mappings_by_function
                .entry(mapping.function_name().to_string())
                .or_default()
                .push(i);
        }
        self.mark_loaded(Source::EventSourceMappings);
    }

    pub fn set_functions(&mut self, functions: Vec<LambdaFunction>) {
        self.functions = functions;
        self.relink_lambda_dead_letters();
        self.mark_loaded(Source::Functions);
    }

    fn relink_lambda_dead_letters(&mut self) {
        self.lambda_dead_letters = lambda_dead_letters(&self.functions, &self.subscriptions);
    }

    /// Records a failed listing; the data from an earlier load stays.
    pub fn set_error(&mut self, source: Source, error: ApiError) {
        self.status.entry(source).or_default().error = Some(error);
        self.bump();
    }

    fn mark_loaded(&mut self, source: Source) {
        self.status.insert(
            source,
            SourceStatus {
                loaded: true,
                error: None,
            },
        );
        self.bump();
    }

    fn reindex_queues(&mut self) {
        self.by_arn = self
            .queues
            .iter()
            .enumerate()
            .map(|(i, q)| (q.arn.clone(), i))
            .collect();
        self.dlq_sources.clear();
        for queue in &self.queues {
            if let Some(dlq) = queue.dlq_arn() {
                self.dlq_sources
                    .entry(dlq.to_string())
                    .or_default()
                    .push(queue.arn.clone());
            }
        }
        for sources in self.dlq_sources.values_mut() {
            sources.sort();
        }
        self.bump();
    }
}

/// Whether two readings of a queue differ at most in their counts (the `Approximate*`
/// attributes and the counts taken from them).
fn same_configuration(a: &Queue, b: &Queue) -> bool {
    fn settings(q: &Queue) -> impl Iterator<Item = (&String, &String)> {
        q.attributes
            .iter()
            .filter(|(key, _)| !key.starts_with("Approximate"))
    }
    a.name == b.name
        && a.arn == b.arn
        && a.fifo == b.fifo
        && a.redrive == b.redrive
        && settings(a).eq(settings(b))
}

#[cfg(test)]
pub(crate) mod tests;
