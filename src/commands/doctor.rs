//! `squall doctor [--json] [--severity LEVEL]`: discovers the fan-out once, runs the
//! configuration rules (`crate::doctor`) and prints the findings, worst first. The exit
//! code is for CI and cron: 0 clean, 1 warnings, 2 errors (4 when clean but something could
//! not be read, so "clean" cannot be claimed).

use std::collections::BTreeMap;
use std::fmt::Write;
use std::process::ExitCode;

use color_eyre::eyre::{Result, eyre};

use crate::aws::Backend;
use crate::cli::DoctorArgs;
use crate::config::Config;
use crate::doctor::{Finding, Severity, diagnose, worst};
use crate::domain::untrusted::escape;
use crate::gate::Shown;
use crate::inventory::{Source, collect_inventory};

// Beside the verb, so that cli.rs stays a list of flags.
impl crate::cli::SeverityArg {
    pub fn min(self) -> crate::doctor::Severity {
        use crate::cli::SeverityArg;
        match self {
            SeverityArg::Info => crate::doctor::Severity::Info,
            SeverityArg::Warning => crate::doctor::Severity::Warning,
            SeverityArg::Error => crate::doctor::Severity::Error,
        }
    }
}

/// Exit code when the worst finding shown is a warning.
pub const WARNINGS: u8 = 1;
/// Exit code when an error is among the findings shown.
pub const ERRORS: u8 = 2;

pub async fn run(backend: &Backend, config: &Config, args: DoctorArgs) -> Result<ExitCode> {
    let collected = collect_inventory(backend, config.concurrency, &Source::ALL).await;
    if let Some((_, error)) = collected
        .failed_sources
        .iter()
        .find(|(s, _)| *s == Source::Queues)
    {
        let error = error.to_string();
        return Err(eyre!("squall: listing queues failed: {}", escape(&error)));
    }
    let findings: Vec<Finding> = diagnose(&collected.inventory)
        .into_iter()
        .filter(|f| f.severity >= args.severity.min())
        .collect();
    super::print(&render(&findings, args.json)?)?;
    let missing = crate::incomplete::missing(&collected, Source::Queues);
    crate::incomplete::report(&missing, args.json, false)?;
    Ok(ExitCode::from(exit_code(&findings, !missing.is_empty())))
}

/// What `squall doctor` prints: the findings as JSON or as text.
pub fn render(findings: &[Finding], json: bool) -> Result<Shown> {
    Ok(if json {
        Shown::json(findings)?
    } else {
        Shown::text(&format!("{}\n", human(findings).trim_end()))
    })
}

/// 2 with errors, 1 with warnings, else 0, or 4 when nothing was found but some of the
/// inventory could not be read.
pub fn exit_code(findings: &[Finding], incomplete: bool) -> u8 {
    match worst(findings) {
        Some(Severity::Error) => ERRORS,
        Some(Severity::Warning) => WARNINGS,
        _ if incomplete => crate::commands::exit::INCOMPLETE,
        _ => crate::commands::exit::OK,
    }
}

/// Findings grouped by severity (worst first), then by rule; every AWS-provided string
/// (names, ARNs inside messages) through the one escaping rule.
pub fn human(findings: &[Finding]) -> String {
    if findings.is_empty() {
        return "No findings: the fan-out is wired as AWS documents it.".to_string();
    }
    let mut out = String::new();
    for severity in [Severity::Error, Severity::Warning, Severity::Info] {
        let mut by_rule: BTreeMap<&str, Vec<&Finding>> = BTreeMap::new();
        for finding in findings.iter().filter(|f| f.severity == severity) {
            by_rule.entry(finding.rule).or_default().push(finding);
        }
        if by_rule.is_empty() {
            continue;
        }
        let count: usize = by_rule.values().map(Vec::len).sum();
        let _ = writeln!(out, "{} ({count})", heading(severity));
        for (rule, group) in by_rule {
            let _ = writeln!(out, "\n  {rule}  {}", group[0].docs);
            for finding in group {
                let _ = writeln!(out, "  * {}", escape(&finding.message));
                let _ = writeln!(out, "    fix: {}", escape(&finding.fix));
                for resource in &finding.resources {
                    let _ = writeln!(out, "    - {}", escape(resource));
                }
            }
        }
        out.push('\n');
    }
    let _ = write!(out, "{}", summary(findings));
    out
}

fn heading(severity: Severity) -> &'static str {
    match severity {
        Severity::Error => "ERRORS: deliveries fail or messages are lost",
        Severity::Warning => "WARNINGS: messages stall, loop or expire early in an incident",
        Severity::Info => "INFO",
    }
}

fn summary(findings: &[Finding]) -> String {
    let count = |s: Severity| findings.iter().filter(|f| f.severity == s).count();
    format!(
        "{} error(s), {} warning(s), {} info",
        count(Severity::Error),
        count(Severity::Warning),
        count(Severity::Info)
    )
}

#[cfg(test)]
mod tests {
    use super::*;

    fn finding(rule: &'static str, severity: Severity, message: &str) -> Finding {
        Finding {
            rule,
            severity,
            resources: vec!["arn:aws:sqs:us-east-1:1:q\u{1b}]52;x".to_string()],
            message: message.to_string(),
            fix: "do it".to_string(),
            docs: "https://docs.aws.amazon.com/x",
        }
    }

    #[test]
    fn exit_codes_follow_the_worst_finding() {
        let warning = finding("a", Severity::Warning, "w");
        let error = finding("b", Severity::Error, "e");
        let info = finding("c", Severity::Info, "i");
        assert_eq!(exit_code(&[], false), 0);
        assert_eq!(exit_code(&[], true), 4);
        assert_eq!(exit_code(std::slice::from_ref(&info), false), 0);
        assert_eq!(exit_code(&[info, warning.clone()], true), 1);
        assert_eq!(exit_code(&[warning, error], false), 2);
    }

    #[test]
    fn human_output_groups_by_severity_and_escapes_aws_text() {
        let text = human(&[
            finding("dlq-missing", Severity::Error, "queue \u{202e}gro is gone"),
            finding("sns-pending-confirmation", Severity::Warning, "pending"),
            finding("dlq-missing", Severity::Error, "another"),
        ]);
        assert!(text.starts_with("ERRORS"));
        assert!(text.contains("ERRORS: deliveries fail or messages are lost (2)"));
        assert!(text.find("ERRORS") < text.find("WARNINGS"));
        assert_eq!(text.matches("dlq-missing  https://").count(), 1);
        assert!(text.contains("<U+202E>gro"));
        assert!(!text.contains('\u{1b}') && !text.contains('\u{202e}'));
        assert!(text.ends_with("2 error(s), 1 warning(s), 0 info"));
        assert!(human(&[]).starts_with("No findings"));
    }
}
