//! The `/` filter of the tables and the topology: a regex, smart-case, `!` in front inverts.

use regex::{Regex, RegexBuilder};

/// A `/` filter: a regex, smart-case, `!` in front inverts.
#[derive(Debug, Clone)]
pub struct RowFilter {
    pub text: String,
    regex: Regex,
    pub invert: bool,
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
        if pattern.is_empty() {
            return Ok(None);
        }
        // Smart case, as in vim and k9s: lower-case patterns ignore case.
        let case_insensitive = !pattern.chars().any(char::is_uppercase);
        let regex = RegexBuilder::new(pattern)
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
        }))
    }

    pub fn matches(&self, text: &str) -> bool {
        self.regex.is_match(text) != self.invert
    }
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
}
