//! Error signatures: error lines with what varies between occurrences taken out (ids,
//! numbers, timestamps, hex, quoted values), so that 412 failures read as one line with a
//! count, when it was first and last seen, and a few examples.

use std::sync::LazyLock;

use regex::Regex;

use super::search::{SearchOutcome, SearchRequest, search};
use super::{LogLine, RequestBudget, pattern};
use crate::aws::logs::LogSource;

/// Examples kept per signature.
pub const EXAMPLES: usize = 3;
/// Signatures longer than this are cut (a stack trace is not a signature).
const MAX_SIGNATURE_CHARS: usize = 200;

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Signature {
    pub signature: String,
    pub count: u64,
    pub first_ms: i64,
    pub last_ms: i64,
    /// The functions it was seen in.
    pub functions: Vec<String>,
    pub examples: Vec<LogLine>,
}

/// What varies, in the order it is taken out (a timestamp before its numbers).
static VARYING: LazyLock<Vec<(Regex, &'static str)>> = LazyLock::new(|| {
    [
        (
            r"\d{4}-\d{2}-\d{2}[T ]\d{2}:\d{2}:\d{2}(?:[.,]\d+)?(?:Z|[+-]\d{2}:?\d{2})?",
            "<time>",
        ),
        (
            r"(?i)\b[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}\b",
            "<id>",
        ),
        (r"'[^']*'", "'<*>'"),
        (r#""[^"]*""#, "\"<*>\""),
        (r"(?i)\b0x[0-9a-f]+\b", "<hex>"),
        (r"\b\d+(?:\.\d+)?\b", "<n>"),
        (r"\s+", " "),
    ]
    .into_iter()
    .filter_map(|(pattern, with)| Regex::new(pattern).ok().map(|r| (r, with)))
    .collect()
});

/// Runs of 6 or more hex digits: a hash or an address when they mix digits and letters
/// (a plain number is left to `<n>`, a word like `facade` stays).
static HEX_RUN: LazyLock<Option<Regex>> =
    LazyLock::new(|| Regex::new(r"(?i)\b[0-9a-f]{6,}\b").ok());

/// `text` without what varies between occurrences of the same error.
pub fn normalise(text: &str) -> String {
    let mut out = text.to_string();
    for (i, (pattern, with)) in VARYING.iter().enumerate() {
        if i == 4
            && let Some(hex) = HEX_RUN.as_ref()
        {
            out = hex
                .replace_all(&out, |c: &regex::Captures| {
                    let run = &c[0];
                    let mixed = run.chars().any(|c| c.is_ascii_digit())
                        && run.chars().any(|c| c.is_ascii_alphabetic());
                    if mixed {
                        "<hex>".to_string()
                    } else {
                        run.to_string()
                    }
                })
                .into_owned();
        }
        out = pattern.replace_all(&out, *with).into_owned();
    }
    let out = out.trim();
    match out.char_indices().nth(MAX_SIGNATURE_CHARS) {
        Some((cut, _)) => format!("{}…", &out[..cut]),
        None => out.to_string(),
    }
}

/// The signature of an error line: its JSON `error` (`TypeError: …`), else the error in its
/// text (from the last `Error:`-like word on the first line), else the first line.
pub fn signature_of(line: &LogLine) -> String {
    if let Some(error) = &line.error {
        return normalise(error);
    }
    if let Some(error) = node_invoke_error(&line.message) {
        return normalise(&error);
    }
    let first = line.message.lines().next().unwrap_or_default();
    // Word starts only, in the first 500 bytes: a long line is not searched char by char.
    let from_error = first
        .char_indices()
        .take_while(|(i, _)| *i < 500)
        .filter(|(i, _)| *i == 0 || first[..*i].ends_with(char::is_whitespace))
        .find(|(i, _)| first[*i..].split(':').next().is_some_and(is_error_name))
        .map(|(i, _)| i);
    normalise(from_error.map_or(first, |i| &first[i..]))
}

/// Node.js's unhandled error line, `Invoke Error \t{"errorType":…,"errorMessage":…}`:
/// `TypeError: message`.
fn node_invoke_error(message: &str) -> Option<String> {
    let start = message.find("{\"errorType\"")?;
    let json: serde_json::Value = serde_json::from_str(message[start..].trim_end()).ok()?;
    let kind = json.get("errorType")?.as_str()?;
    let text = json
        .get("errorMessage")
        .and_then(|m| m.as_str())
        .unwrap_or("");
    Some(format!("{kind}: {text}"))
}

/// `TypeError`, `KeyError`, `java.lang.IllegalStateException`, `Error`.
fn is_error_name(word: &str) -> bool {
    !word.is_empty()
        && !word.contains(char::is_whitespace)
        && (word.ends_with("Error") || word.ends_with("Exception"))
        && word.chars().next().is_some_and(|c| c.is_ascii_alphabetic())
}

/// The signatures of the error lines among `lines`, most frequent first (then latest).
pub fn signatures(lines: &[LogLine]) -> Vec<Signature> {
    let mut found: Vec<Signature> = Vec::new();
    for line in lines.iter().filter(|l| l.is_error()) {
        let signature = signature_of(line);
        let at = line.timestamp_ms;
        match found.iter_mut().find(|s| s.signature == signature) {
            Some(known) => {
                known.count += 1;
                known.first_ms = known.first_ms.min(at);
                known.last_ms = known.last_ms.max(at);
                if !known.functions.contains(&line.function) {
                    known.functions.push(line.function.clone());
                }
                if known.examples.len() < EXAMPLES {
                    known.examples.push(line.clone());
                }
            }
            None => found.push(Signature {
                signature,
                count: 1,
                first_ms: at,
                last_ms: at,
                functions: vec![line.function.clone()],
                examples: vec![line.clone()],
            }),
        }
    }
    found.sort_by(|a, b| b.count.cmp(&a.count).then(b.last_ms.cmp(&a.last_ms)));
    found
}

/// The signatures of `request`'s groups and window (what the board's consumer rows and
/// `squall logs --errors` show): the service matches error lines (or `request`'s own
/// pattern: one pattern cannot require a term and any of others), the rest is kept here.
pub async fn error_signatures_of(
    source: &dyn LogSource,
    budget: &RequestBudget,
    request: SearchRequest,
) -> (Vec<Signature>, SearchOutcome) {
    let errors = SearchRequest {
        pattern: request.pattern.clone().or_else(|| Some(pattern::errors())),
        max_lines: request.max_lines.max(MAX_ERROR_LINES),
        ..request
    };
    let outcome = search(source, budget, &errors).await;
    (signatures(&outcome.lines), outcome)
}

/// Error lines read for signatures at most.
const MAX_ERROR_LINES: usize = 100_000;

#[cfg(test)]
mod tests {
    use super::*;
    use crate::logs::LineKind;

    fn error(at: i64, message: &str) -> LogLine {
        LogLine {
            function: "f".into(),
            log_group: "/aws/lambda/f".into(),
            stream: "s".into(),
            timestamp_ms: at,
            request_id: None,
            level: Some("ERROR".into()),
            kind: LineKind::App,
            message: message.into(),
            message_ids: Vec::new(),
            error: None,
        }
    }

    #[test]
    fn what_varies_is_taken_out() {
        assert_eq!(
            normalise(
                "order 4411 failed at 2026-12-05T06:00:01.123Z for 6f1c2a9e-3b4d-4e5f-8a7b-1c2d3e4f5a6b: \
                 key 'sku-9' missing, ptr 0x7ffe12, hash deadbeef42  in   \"eu-west\""
            ),
            "order <n> failed at <time> for <id>: key '<*>' missing, ptr <hex>, hash <hex> in \"<*>\""
        );
        assert_eq!(normalise("TypeError: x"), "TypeError: x");
    }

    #[test]
    fn error_lines_group_by_signature_with_counts_times_and_examples() {
        let mut lines: Vec<LogLine> = (0..5)
            .map(|i| {
                error(
                    i,
                    &format!("record m-{i} failed: TypeError: Cannot read 'carrier{i}'\n  at x"),
                )
            })
            .collect();
        lines.push(error(9, "Task timed out after 5.00 seconds"));
        let mut info = error(3, "fine");
        info.level = Some("INFO".into());
        lines.push(info);
        let found = signatures(&lines);
        assert_eq!(found.len(), 2, "{found:?}");
        assert_eq!(found[0].signature, "TypeError: Cannot read '<*>'");
        assert_eq!(
            (found[0].count, found[0].first_ms, found[0].last_ms),
            (5, 0, 4)
        );
        assert_eq!(found[0].examples.len(), EXAMPLES);
        assert_eq!(found[1].signature, "Task timed out after <n> seconds");
        let mut json = error(1, "record failed");
        json.error =
            Some("TypeError: Cannot read properties of undefined (reading 'carrier')".into());
        let node = error(
            2,
            "Invoke Error \t{\"errorType\":\"TypeError\",\"errorMessage\":\"Cannot read properties of undefined (reading 'carrier')\",\"stack\":[\"x\"]}",
        );
        assert_eq!(
            signature_of(&node),
            signature_of(&json),
            "Node's Invoke Error line"
        );
        assert_eq!(
            signature_of(&json),
            "TypeError: Cannot read properties of undefined (reading '<*>')"
        );
    }
}
