//! The `/` filter of the tables and the topology: a regex, smart-case, `!` in front inverts.

use regex::{Regex, RegexBuilder};

/// A `/` filter: a regex, smart-case, `!` in front inverts. In a fleet, a `ctx:NAME` word
/// keeps the rows of the contexts whose label contains NAME (any case).
#[derive(Debug, Clone)]
pub struct RowFilter {
    pub text: String,
    regex: Regex,
    pub invert: bool,
    /// The `ctx:` word, lower-cased.
    pub context: Option<String>,
}

impl PartialEq for RowFilter {
    fn eq(&self, other: &Self) -> bool {
        self.text == other.text
    }
}

impl RowFilter {
    /// `Ok(None)` for an empty filter; `Err` with a readable message for a bad regex.
    pub fn parse(text: &str) -> Result<Option<RowFilter>, String> {
        let (invert, pattern) = match text.strip_prefix('!') {
            Some(rest) => (true, rest),
            None => (false, text),
        };
        let (context, pattern) = context_word(pattern);
        if pattern.is_empty() && context.is_none() {
            return Ok(None);
        }
        // Smart case, as in vim and k9s: lower-case patterns ignore case.
        let case_insensitive = !pattern.chars().any(char::is_uppercase);
        let regex = RegexBuilder::new(&pattern)
            .case_insensitive(case_insensitive)
            .size_limit(1 << 20)
            .build()
            .map_err(|e| match e {
                regex::Error::Syntax(s) => {
                    format!(
                        "invalid regex: {}",
                        s.lines().last().unwrap_or("syntax error")
                    )
                }
                other => format!("invalid regex: {other}"),
            })?;
        Ok(Some(RowFilter {
            text: text.to_string(),
            regex,
            invert,
            context,
        }))
    }

    pub fn matches(&self, text: &str) -> bool {
        self.regex.is_match(text) != self.invert
    }

    /// A row of context `context` (its label; `None` with one context) showing `text`.
    pub fn matches_row(&self, text: &str, context: Option<&str>) -> bool {
        let in_context = match (&self.context, context) {
            (None, _) => true,
            (Some(wanted), Some(label)) => label.to_lowercase().contains(wanted.as_str()),
            (Some(_), None) => false,
        };
        (in_context && self.regex.is_match(text)) != self.invert
    }
}

/// The `ctx:NAME` word of a filter, lower-cased, and the pattern without it.
fn context_word(pattern: &str) -> (Option<String>, String) {
    let mut context = None;
    let mut rest = Vec::new();
    for word in pattern.split(' ') {
        match word.strip_prefix("ctx:") {
            Some(name) if !name.is_empty() => context = Some(name.to_lowercase()),
            _ => rest.push(word),
        }
    }
    if context.is_none() {
        return (None, pattern.to_string());
    }
    (context, rest.join(" ").trim().to_string())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn smart_case_regex_that_inverts() {
        let filter = RowFilter::parse("dlq").expect("ok").expect("a filter");
        assert!(filter.matches("orders-DLQ"));
        let upper = RowFilter::parse("DLQ").expect("ok").expect("a filter");
        assert!(!upper.matches("orders-dlq"));
        let inverted = RowFilter::parse("!dlq").expect("ok").expect("a filter");
        assert!(inverted.matches("orders"));
        assert!(!inverted.matches("orders-dlq"));
        assert!(RowFilter::parse("(").is_err());
        assert_eq!(RowFilter::parse("!").expect("ok"), None);
    }

    #[test]
    fn a_ctx_word_keeps_one_contexts_rows() {
        let filter = RowFilter::parse("ctx:EU-west")
            .expect("ok")
            .expect("a filter");
        assert!(filter.matches_row("orders", Some("eu-west-1")));
        assert!(!filter.matches_row("orders", Some("us-east-1")));
        assert!(
            !filter.matches_row("orders", None),
            "one context has no label"
        );
        let both = RowFilter::parse("ctx:eu dlq")
            .expect("ok")
            .expect("a filter");
        assert!(both.matches_row("checkout-dlq", Some("eu-west-1")));
        assert!(!both.matches_row("checkout", Some("eu-west-1")));
        let not_eu = RowFilter::parse("!ctx:eu").expect("ok").expect("a filter");
        assert!(not_eu.matches_row("orders", Some("us-east-1")));
        assert!(!not_eu.matches_row("orders", Some("eu-west-1")));
    }
}
