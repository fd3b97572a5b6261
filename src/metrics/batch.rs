//! Turning "these resources need points from then until now" into as few `GetMetricData`
//! calls as possible: one call carries up to 500 queries, a resource's queries never
//! straddle two calls (its error rate must sit in the same call as its inputs), and all
//! resources due at the same period share a call whatever their start (CloudWatch bills
//! per metric requested, not per point, so asking a longer range for some costs nothing).

use crate::aws::cloudwatch::{MAX_QUERIES_PER_CALL, MetricQuery, QueryKind, StatSpec};

use super::catalog::{Resource, Source};

/// One call to make: its queries and where each answer goes.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct FetchBatch {
    pub start_ms: i64,
    pub end_ms: i64,
    pub period_s: u32,
    pub queries: Vec<MetricQuery>,
    /// Query id → (resource, series key), for the queries that return data.
    pub targets: Vec<(String, Resource, &'static str)>,
    /// Every resource in the call (answered, or told why not).
    pub resources: Vec<Resource>,
}

impl FetchBatch {
    pub fn has_expressions(&self) -> bool {
        self.queries
            .iter()
            .any(|q| matches!(q.kind, QueryKind::Expression { .. }))
    }

    /// The same call without metric math (for endpoints that refuse it: the ratio is then
    /// computed from its inputs, which are in the call anyway).
    pub fn without_expressions(&self) -> FetchBatch {
        let queries: Vec<MetricQuery> = self
            .queries
            .iter()
            .filter(|q| matches!(q.kind, QueryKind::Stat(_)))
            .cloned()
            .collect();
        let targets = self
            .targets
            .iter()
            .filter(|(id, _, _)| queries.iter().any(|q| &q.id == id))
            .cloned()
            .collect();
        FetchBatch {
            queries,
            targets,
            ..self.clone()
        }
    }

    /// Metrics requested by this call (what CloudWatch bills): the stat queries.
    pub fn metrics_requested(&self) -> u64 {
        self.queries
            .iter()
            .filter(|q| matches!(q.kind, QueryKind::Stat(_)))
            .count() as u64
    }
}

/// The queries for one resource, ids prefixed by `prefix` (unique in the call).
pub fn resource_queries(
    resource: &Resource,
    prefix: &str,
    period_s: u32,
    with_math: bool,
) -> (Vec<MetricQuery>, Vec<(String, &'static str)>) {
    let id = |key: &str| format!("{prefix}_{key}");
    let mut queries = Vec::new();
    let mut targets = Vec::new();
    for def in resource.series() {
        let kind = match def.source {
            Source::Metric { metric, stat } => QueryKind::Stat(StatSpec {
                namespace: resource.namespace().to_string(),
                metric: metric.to_string(),
                dimensions: resource.dimensions(),
                stat: stat.to_string(),
                period_s,
            }),
            Source::Ratio { .. } if !with_math => continue,
            Source::Ratio {
                numerator,
                denominator,
            } => QueryKind::Expression {
                expression: format!("100*{}/{}", id(numerator), id(denominator)),
                period_s,
            },
        };
        queries.push(MetricQuery {
            id: id(def.key),
            kind,
            return_data: true,
        });
        targets.push((id(def.key), def.key));
    }
    (queries, targets)
}

/// What one resource needs: from when.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Need {
    pub resource: Resource,
    pub start_ms: i64,
}

/// Packs `needs` (all at `period_s`) into calls of at most 500 queries.
pub fn pack(needs: &[Need], period_s: u32, end_ms: i64, with_math: bool) -> Vec<FetchBatch> {
    let mut batches: Vec<FetchBatch> = Vec::new();
    for (n, need) in needs.iter().enumerate() {
        let (queries, targets) =
            resource_queries(&need.resource, &format!("r{n}"), period_s, with_math);
        let fits = batches
            .last()
            .is_some_and(|b| b.queries.len() + queries.len() <= MAX_QUERIES_PER_CALL);
        if !fits {
            batches.push(FetchBatch {
                start_ms: need.start_ms,
                end_ms,
                period_s,
                queries: Vec::new(),
                targets: Vec::new(),
                resources: Vec::new(),
            });
        }
        if let Some(batch) = batches.last_mut() {
            batch.start_ms = batch.start_ms.min(need.start_ms);
            batch.queries.extend(queries);
            batch.targets.extend(
                targets
                    .into_iter()
                    .map(|(id, key)| (id, need.resource.clone(), key)),
            );
            batch.resources.push(need.resource.clone());
        }
    }
    batches
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn many_resources_share_calls_of_at_most_500_queries() {
        let needs: Vec<Need> = (0..100)
            .map(|i| Need {
                resource: Resource::Function(format!("f{i}")),
                start_ms: 1000 * i,
            })
            .collect();
        let batches = pack(&needs, 60, 10_000_000, true);
        // 7 queries a function: 71 fit in a call, so 100 functions take two calls.
        assert_eq!(batches.len(), 2);
        assert!(
            batches
                .iter()
                .all(|b| b.queries.len() <= MAX_QUERIES_PER_CALL)
        );
        assert_eq!(batches[0].resources.len(), 71);
        assert_eq!(batches[0].start_ms, 0, "the earliest start of the call");
        assert_eq!(
            batches[0].metrics_requested(),
            71 * 6,
            "the expression is not a metric"
        );
        let rate = batches[1]
            .queries
            .iter()
            .find(|q| q.id == "r71_error_rate")
            .expect("error rate in the same call as its inputs");
        assert_eq!(
            rate.kind,
            QueryKind::Expression {
                expression: "100*r71_errors/r71_invocations".to_string(),
                period_s: 60
            }
        );
        let plain = batches[1].without_expressions();
        assert!(!plain.has_expressions() && batches[1].has_expressions());
        assert_eq!(plain.metrics_requested(), batches[1].metrics_requested());
        assert!(plain.targets.iter().all(|(_, _, key)| *key != "error_rate"));
        let without = pack(&needs[..1], 60, 1, false);
        assert_eq!(without[0].queries.len(), 6);
    }
}
