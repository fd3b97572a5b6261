//! `squall metrics NAME [--since 1h] [--period 60] [--json]`: a queue (with its DLQ and
//! its Lambda consumers), a topic or a function, through the same engine as the views.
//! Where CloudWatch does not answer, the queues' live counts are still printed and the
//! exit code says the output is incomplete.

use std::process::ExitCode;
use std::time::{SystemTime, UNIX_EPOCH};

use color_eyre::eyre::{Result, eyre};

use super::exit;
use super::human::one_line;
use super::metrics_output::{MetricsReport, collect, to_json, to_table};
use crate::aws::Backend;
use crate::aws::resolve::{self, ResolveError};
use crate::cli::MetricsArgs;
use crate::config::Config;
use crate::domain::arn;
use crate::gate::Shown;
use crate::metrics::subject::{consumers_of, function_resources, queue_resources};
use crate::metrics::{MetricsEngine, Resource, Window};
use crate::theme::Theme;

/// What NAME is, and the queues whose live counts go with it.
struct Subject {
    resources: Vec<Resource>,
    /// `(queue name, visible, in flight)` from GetQueueAttributes, read just now.
    counts: Vec<(String, u64, u64)>,
}

fn fail(error: impl std::fmt::Display) -> color_eyre::Report {
    eyre!("squall: {}", one_line(&error.to_string()))
}

async fn queue_subject(backend: &Backend, given: &str) -> Result<Subject, ResolveError> {
    let queue = resolve::queue(backend, given).await?;
    let consumers = consumers_of(backend, &queue.arn).await?;
    let resources = queue_resources(&queue, consumers.iter().map(String::as_str));
    let mut counts = vec![(
        queue.name.clone(),
        queue.counts.visible,
        queue.counts.in_flight,
    )];
    if let Some(dlq_arn) = queue.dlq_arn() {
        // Its live depth only; a DLQ that cannot be read leaves its CloudWatch series.
        if let Ok(dlq) = resolve::queue(backend, dlq_arn).await {
            counts.push((dlq.name.clone(), dlq.counts.visible, dlq.counts.in_flight));
        }
    }
    Ok(Subject { resources, counts })
}

async fn subject(backend: &Backend, given: &str) -> Result<Subject> {
    let only = |resource: Resource| Subject {
        resources: vec![resource],
        counts: Vec::new(),
    };
    if given.starts_with("http://")
        || given.starts_with("https://")
        || given.starts_with("arn:aws:sqs:")
    {
        return queue_subject(backend, given).await.map_err(fail);
    }
    if given.starts_with("arn:") && given.split(':').nth(2) == Some("sns") {
        let topic = resolve::topic(backend, given).await.map_err(fail)?;
        return Ok(only(Resource::Topic(topic.name)));
    }
    if given.starts_with("arn:") && given.split(':').nth(2) == Some("lambda") {
        let name = arn::resource_name(given).trim_start_matches("function:");
        return Ok(only(Resource::Function(name.to_string())));
    }
    match queue_subject(backend, given).await {
        Ok(subject) => return Ok(subject),
        Err(ResolveError::NoQueue { .. }) => {}
        Err(other) => return Err(fail(other)),
    }
    match resolve::topic(backend, given).await {
        Ok(topic) => return Ok(only(Resource::Topic(topic.name))),
        Err(ResolveError::NoTopic { .. }) => {}
        Err(other) => return Err(fail(other)),
    }
    if let Some(resources) = function_resources(backend, given).await.map_err(fail)? {
        return Ok(Subject {
            resources,
            counts: Vec::new(),
        });
    }
    Err(eyre!(
        "squall: no queue, topic or function named {} in {}",
        one_line(given),
        backend.info.region
    ))
}

fn now_ms() -> i64 {
    SystemTime::now()
        .duration_since(UNIX_EPOCH)
        .map(|d| d.as_millis() as i64)
        .unwrap_or(0)
}

/// Checks `--period`: CloudWatch's standard resolution is whole minutes.
fn check_period(period_s: u32, window: Window) -> Result<()> {
    if period_s == 0 || !period_s.is_multiple_of(60) {
        return Err(eyre!(
            "squall: --period {period_s}: give a multiple of 60 seconds (60, 300, 3600)"
        ));
    }
    if i64::from(period_s) > window.span_s() {
        return Err(eyre!(
            "squall: --period {period_s} is longer than --since {window}"
        ));
    }
    Ok(())
}

/// What `squall metrics` prints: the series as JSON or as a table.
pub fn render(report: &MetricsReport, json: bool, ascii: bool) -> Result<Shown> {
    Ok(if json {
        Shown::json(&to_json(report))?
    } else {
        Shown::text(&format!("{}\n", to_table(report, ascii).trim_end()))
    })
}

pub async fn run(backend: &Backend, config: &Config, args: MetricsArgs) -> Result<ExitCode> {
    let (printed, complete) = report(backend, &args).await?;
    let ascii = Theme::from_env(config.colors).ascii || config.ascii;
    super::print(&render(&printed, args.json, ascii)?)?;
    if complete {
        return Ok(ExitCode::SUCCESS);
    }
    let lines: Vec<String> = printed
        .unavailable
        .iter()
        .map(|(resource, reason)| {
            format!("{}: {}", one_line(&resource.to_string()), one_line(reason))
        })
        .collect();
    Ok(exit::refuse(exit::INCOMPLETE, &lines))
}

/// The series `args` names, read now; `false` when some could not be read.
pub async fn report(backend: &Backend, args: &MetricsArgs) -> Result<(MetricsReport, bool)> {
    let window = Window::parse(&args.since).map_err(|e| eyre!("squall: --since: {e}"))?;
    let mut engine = MetricsEngine::new(window);
    if let Some(period_s) = args.period {
        check_period(period_s, window)?;
        engine = engine.with_period(period_s);
    }
    let subject = subject(backend, &args.name).await?;
    let now = now_ms();
    let report = engine
        .refresh(backend.metrics.as_ref(), &subject.resources, now)
        .await;
    for (queue, visible, in_flight) in &subject.counts {
        engine.record_counts(queue, *visible, *in_flight, now);
    }
    let printed = collect(&engine, &subject.resources, now);
    Ok((printed, report.errors.is_empty()))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn periods_are_whole_minutes_within_the_window() {
        assert!(check_period(60, Window::H1).is_ok());
        assert!(check_period(300, Window::H1).is_ok());
        assert!(check_period(90, Window::H1).is_err());
        assert!(check_period(0, Window::H1).is_err());
        assert!(check_period(3600 * 2, Window::H1).is_err());
    }

    #[tokio::test]
    async fn names_resolve_to_a_queue_with_its_family_a_topic_or_a_function() {
        let backend = crate::sim::backend(crate::sim::SimFleet::demo().frozen());
        let queue = subject(&backend, "orders").await.expect("queue");
        assert_eq!(queue.resources.len(), 3, "{:?}", queue.resources);
        assert_eq!(
            queue.counts.len(),
            2,
            "the queue's and the DLQ's live counts"
        );
        let topic = subject(&backend, "order-events").await.expect("topic");
        assert_eq!(
            topic.resources,
            vec![Resource::Topic("order-events".into())]
        );
        let function = subject(&backend, "orders-worker").await.expect("function");
        assert_eq!(
            function.resources,
            vec![Resource::Function("orders-worker".into())]
        );
        let arn = "arn:aws:lambda:us-east-1:123456789012:function:orders-worker";
        assert_eq!(
            subject(&backend, arn).await.expect("arn").resources,
            function.resources
        );
        let none = subject(&backend, "nothing-here")
            .await
            .err()
            .expect("unknown");
        assert!(
            none.to_string().contains("no queue, topic or function"),
            "{none}"
        );
    }
}
