//! `/` in the message viewer: a text search over the pane's lines as they are shown
//! (escaped, pretty-printed, hex), run once when the pattern is entered, never per frame.
//! Matching is literal with smart case (a pattern without capitals ignores ASCII case),
//! as in vim with `smartcase`; matches are byte ranges of the shown text, so highlighting
//! them splits text that was already escaped.

use super::detail_lines::DetailLines;

/// One match: pane line, and the byte range within its shown text.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Match {
    pub line: usize,
    pub start: usize,
    pub end: usize,
}

/// A literal pattern, with smart case.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Matcher {
    needle: String,
    fold_case: bool,
    /// The haystack, lowered, reused from line to line.
    lowered: String,
}

impl Matcher {
    /// `None` for an empty pattern.
    pub fn new(pattern: &str) -> Option<Matcher> {
        if pattern.is_empty() {
            return None;
        }
        let fold_case = !pattern.chars().any(char::is_uppercase);
        Some(Matcher {
            needle: if fold_case {
                pattern.to_ascii_lowercase()
            } else {
                pattern.to_string()
            },
            fold_case,
            lowered: String::new(),
        })
    }

    /// Byte ranges of the (non-overlapping) matches in `text`, appended to `out`.
    /// ASCII lowering keeps every byte where it was, so the ranges fit `text` itself.
    pub fn find(&mut self, text: &str, mut out: impl FnMut(usize, usize)) {
        let haystack = if self.fold_case {
            self.lowered.clear();
            self.lowered.push_str(text);
            self.lowered.make_ascii_lowercase();
            self.lowered.as_str()
        } else {
            text
        };
        for (start, found) in haystack.match_indices(self.needle.as_str()) {
            out(start, start + found.len());
        }
    }

    pub fn is_match(&mut self, text: &str) -> bool {
        let mut found = false;
        self.find(text, |_, _| found = true);
        found
    }
}

/// The search in effect: its pattern, every match in pane order, and the current one.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Search {
    pub pattern: String,
    pub matches: Vec<Match>,
    pub current: usize,
}

impl Search {
    /// Searches every line of `lines` for `pattern`, first unfolding the JSON spans that
    /// hide a match. Two passes over the text, each writing one line at a time into one
    /// buffer: no line is laid out or kept.
    pub fn run(pattern: &str, lines: &mut DetailLines) -> Search {
        let mut search = Search {
            pattern: pattern.to_string(),
            ..Search::default()
        };
        let Some(mut matcher) = Matcher::new(pattern) else {
            return search;
        };
        if lines.any_folded() {
            lines.reveal(|text| matcher.is_match(text));
        }
        search.find_all(&mut matcher, lines);
        search
    }

    /// The matches again after the lines changed (a fold, another message).
    pub fn rerun(&mut self, lines: &DetailLines) {
        self.matches.clear();
        self.current = 0;
        if let Some(mut matcher) = Matcher::new(&self.pattern) {
            self.find_all(&mut matcher, lines);
        }
    }

    fn find_all(&mut self, matcher: &mut Matcher, lines: &DetailLines) {
        let mut text = String::new();
        for line in 0..lines.len() {
            text.clear();
            lines.write_line(line, &mut text);
            matcher.find(&text, |start, end| {
                self.matches.push(Match { line, start, end })
            });
        }
    }

    pub fn is_active(&self) -> bool {
        !self.pattern.is_empty()
    }

    /// The current match after moving `forward` (or back), wrapping around.
    pub fn step(&mut self, forward: bool) -> Option<Match> {
        let count = self.matches.len();
        if count == 0 {
            return None;
        }
        self.current = if forward {
            (self.current + 1) % count
        } else {
            (self.current + count - 1) % count
        };
        self.matches.get(self.current).copied()
    }

    /// Makes the first match at or after pane line `line` current (wrapping to the first).
    pub fn start_at(&mut self, line: usize) -> Option<Match> {
        let at = self.matches.partition_point(|m| m.line < line);
        self.current = if at < self.matches.len() { at } else { 0 };
        self.matches.get(self.current).copied()
    }

    /// `3/17`, `0/0`.
    pub fn position(&self) -> String {
        if self.matches.is_empty() {
            return "0/0".to_string();
        }
        format!("{}/{}", self.current + 1, self.matches.len())
    }

    /// The matches on pane line `line`, with whether each is the current one.
    pub fn on_line(&self, line: usize) -> impl Iterator<Item = (Match, bool)> + '_ {
        let from = self.matches.partition_point(|m| m.line < line);
        self.matches[from..]
            .iter()
            .enumerate()
            .take_while(move |(_, m)| m.line == line)
            .map(move |(i, m)| (*m, from + i == self.current))
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::app::views::viewer::detail::{Segment, Tone};

    fn pane(body: &str, fold_depth: usize) -> DetailLines {
        let mut lines = DetailLines::default();
        lines.push(vec![Segment::trusted(Tone::Heading, "Body")]);
        lines.push_body_folded(body, fold_depth);
        lines
    }

    #[test]
    fn smart_case_literal_matches_with_their_byte_ranges() {
        let mut lines = pane("Order 7 order\nORDER é order", 0);
        let search = Search::run("order", &mut lines);
        let found: Vec<(usize, usize)> = search.matches.iter().map(|m| (m.line, m.start)).collect();
        assert_eq!(found, [(1, 0), (1, 8), (2, 0), (2, 9)]);
        let exact = Search::run("Order", &mut lines);
        assert_eq!(exact.matches.len(), 1, "a capital makes it exact");
        assert_eq!(Search::run("", &mut lines).matches, []);
        assert!(!Search::run("", &mut lines).is_active());
    }

    #[test]
    fn n_and_shift_n_wrap_around_and_the_position_counts() {
        let mut lines = pane("a\nb a\na", 0);
        let mut search = Search::run("a", &mut lines);
        assert_eq!(search.position(), "1/3");
        assert_eq!(search.step(true).map(|m| m.line), Some(2));
        assert_eq!(search.step(true).map(|m| m.line), Some(3));
        assert_eq!(search.step(true).map(|m| m.line), Some(1), "wraps");
        assert_eq!(search.step(false).map(|m| m.line), Some(3), "back wraps");
        assert_eq!(search.position(), "3/3");
        assert_eq!(search.start_at(2).map(|m| m.line), Some(2));
        assert_eq!(search.start_at(9).map(|m| m.line), Some(1));
        let current: Vec<bool> = search.on_line(1).map(|(_, c)| c).collect();
        assert_eq!(current, [true]);
        let other: Vec<bool> = search.on_line(2).map(|(_, c)| c).collect();
        assert_eq!(other, [false]);
        assert_eq!(Search::run("zz", &mut lines).position(), "0/0");
    }

    #[test]
    fn a_match_hidden_by_a_fold_is_revealed_and_found() {
        let body = r#"{"a":{"b":{"needle":1}},"c":{"d":{"hay":2}}}"#;
        let mut lines = pane(body, 1);
        assert!(lines.any_folded());
        let search = Search::run("needle", &mut lines);
        assert_eq!(search.matches.len(), 1);
        let mut text = String::new();
        lines.write_line(search.matches[0].line, &mut text);
        assert_eq!(
            &text[search.matches[0].start..search.matches[0].end],
            "needle"
        );
        assert!(lines.any_folded(), "what holds no match stays folded");
    }

    #[test]
    fn matches_are_found_in_the_escaped_text_that_is_shown() {
        let mut lines = pane("x\u{1b}[2Jy", 0);
        let search = Search::run("\\x1b", &mut lines);
        assert_eq!(
            search.matches,
            [Match {
                line: 1,
                start: 1,
                end: 5
            }]
        );
    }
}
