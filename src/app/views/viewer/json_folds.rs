//! Folding of a pretty-printed JSON body: which spans (objects and arrays over several
//! lines) are folded, and the map from the pane's lines to the index's lines. The map is
//! rebuilt when a fold changes (one pass over the lines), never per frame; a folded span
//! shows as its opening line with `{…} 12 keys` / `[…] 40 items`.

use super::detail::{DetailLine, Segment, Tone};
use crate::messages::json_lines::{JsonIndex, Span};

/// The fold marker; the UI draws it as the theme's ellipsis (`~` in ASCII).
pub const FOLD_MARK: &str = "…";

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Folds {
    /// Per span of the index (same order): folded or not.
    folded: Vec<bool>,
    /// Per shown line: the index line it is.
    visible: Vec<u32>,
}

impl Folds {
    /// Spans opening at `depth` or deeper start folded; `depth` 0 folds nothing.
    pub fn new(index: &JsonIndex, depth: usize) -> Folds {
        let folded = index
            .spans()
            .iter()
            .map(|s| depth > 0 && index.depth(s.open as usize) >= depth)
            .collect();
        let mut folds = Folds {
            folded,
            visible: Vec::new(),
        };
        folds.rebuild(index);
        folds
    }

    fn rebuild(&mut self, index: &JsonIndex) {
        let spans = index.spans();
        self.visible.clear();
        let mut line = 0usize;
        let mut next = 0usize;
        while line < index.len() {
            self.visible.push(line as u32);
            // Spans are ordered by their opening line: skip those already behind.
            while next < spans.len() && (spans[next].open as usize) < line {
                next += 1;
            }
            match spans.get(next) {
                Some(span) if span.open as usize == line && self.folded[next] => {
                    line = span.close as usize + 1;
                }
                _ => line += 1,
            }
        }
    }

    pub fn len(&self) -> usize {
        self.visible.len()
    }

    pub fn is_empty(&self) -> bool {
        self.visible.is_empty()
    }

    pub fn any_folded(&self) -> bool {
        self.folded.iter().any(|f| *f)
    }

    /// The index line shown as line `shown`.
    fn index_line(&self, shown: usize) -> usize {
        self.visible[shown] as usize
    }

    /// Where index line `line` shows (the line of the fold hiding it, if one does).
    fn shown_line(&self, line: usize) -> usize {
        self.visible
            .partition_point(|l| *l as usize <= line)
            .saturating_sub(1)
    }

    /// The span opening at index line `line`, if any.
    fn span_at(index: &JsonIndex, line: usize) -> Option<usize> {
        let spans = index.spans();
        let at = spans.partition_point(|s| (s.open as usize) < line);
        (spans.get(at)?.open as usize == line).then_some(at)
    }

    /// Toggles the fold at shown line `shown`: the span opening there, else the innermost
    /// one around it (which folds, as `za` does in vim). Returns the shown line of the
    /// span's opening line, or `None` when no span holds the line.
    pub fn toggle(&mut self, index: &JsonIndex, shown: usize) -> Option<usize> {
        let line = self.index_line(shown);
        let span = Self::span_at(index, line).or_else(|| {
            let spans = index.spans();
            let before = spans.partition_point(|s| (s.open as usize) <= line);
            (0..before).rev().find(|&i| spans[i].close as usize >= line)
        })?;
        self.folded[span] = !self.folded[span];
        self.rebuild(index);
        Some(self.shown_line(index.spans()[span].open as usize))
    }

    /// Folds every span but the outermost one (`folded`), or unfolds every span.
    pub fn set_all(&mut self, index: &JsonIndex, folded: bool) {
        for (flag, span) in self.folded.iter_mut().zip(index.spans()) {
            *flag = folded && span.open > 0;
        }
        self.rebuild(index);
    }

    /// Unfolds every span around an index line for which `wanted` says yes, so that a
    /// search finds what folding hid. One pass over the lines.
    pub fn reveal(&mut self, index: &JsonIndex, mut wanted: impl FnMut(usize) -> bool) {
        if !self.any_folded() {
            return;
        }
        let spans = index.spans();
        let mut around: Vec<usize> = Vec::new();
        let mut next = 0;
        let mut changed = false;
        for line in 0..index.len() {
            around.retain(|&s| spans[s].close as usize >= line);
            while next < spans.len() && spans[next].open as usize == line {
                around.push(next);
                next += 1;
            }
            let hidden = around
                .iter()
                .any(|&s| self.folded[s] && (spans[s].open as usize) < line);
            if hidden && wanted(line) {
                for &s in &around {
                    if (spans[s].open as usize) < line {
                        changed |= self.folded[s];
                        self.folded[s] = false;
                    }
                }
            }
        }
        if changed {
            self.rebuild(index);
        }
    }

    /// Shown line `shown` of `text`: a folded span's opening line ends with its summary.
    pub fn line(&self, index: &JsonIndex, text: &str, shown: usize) -> DetailLine {
        let line = self.index_line(shown);
        let mut segments = index.line(text, line);
        if let Some(span) = self.folded_span(index, line) {
            let mut closing = index.unindented(text, span.close as usize).into_iter();
            segments.push(Segment::trusted(Tone::Fold, FOLD_MARK));
            segments.extend(closing.next());
            segments.push(Segment::trusted(Tone::Dim, summary(&span)));
            segments.extend(closing);
        }
        segments
    }

    /// The text of [`Folds::line`], appended to `out` (for search).
    pub fn write_line(&self, index: &JsonIndex, text: &str, shown: usize, out: &mut String) {
        let line = self.index_line(shown);
        match self.folded_span(index, line) {
            None => index.write_line(text, line, out),
            Some(_) => {
                for segment in self.line(index, text, shown) {
                    out.push_str(&segment.text);
                }
            }
        }
    }

    fn folded_span(&self, index: &JsonIndex, line: usize) -> Option<Span> {
        let at = Self::span_at(index, line)?;
        self.folded[at].then(|| index.spans()[at])
    }
}

/// ` 12 keys`, ` 1 item`.
fn summary(span: &Span) -> String {
    let noun = match (span.object, span.items) {
        (true, 1) => "key",
        (true, _) => "keys",
        (false, 1) => "item",
        (false, _) => "items",
    };
    format!(" {} {noun}", span.items)
}

#[cfg(test)]
mod tests {
    use super::*;

    const DEEP: &str = r#"{"id":1,"order":{"lines":[{"sku":"a","qty":2},{"sku":"b","qty":1}],"note":"x"},"tags":["t"]}"#;

    fn shown(folds: &Folds, index: &JsonIndex) -> Vec<String> {
        (0..folds.len())
            .map(|i| {
                folds
                    .line(index, DEEP, i)
                    .iter()
                    .map(|s| s.text.as_str())
                    .collect()
            })
            .collect()
    }

    #[test]
    fn spans_deeper_than_the_depth_start_folded_with_their_size() {
        let index = JsonIndex::new(DEEP).expect("json");
        let folds = Folds::new(&index, 2);
        assert_eq!(
            shown(&folds, &index),
            [
                "{",
                r#"  "id": 1,"#,
                r#"  "order": {"#,
                r#"    "lines": […] 2 items,"#,
                r#"    "note": "x""#,
                "  },",
                r#"  "tags": ["#,
                r#"    "t""#,
                "  ]",
                "}",
            ]
        );
        assert_eq!(Folds::new(&index, 0).len(), index.len(), "0 folds nothing");
        let mut out = String::new();
        folds.write_line(&index, DEEP, 3, &mut out);
        assert_eq!(out, r#"    "lines": […] 2 items,"#);
    }

    #[test]
    fn toggling_opens_and_closes_the_span_under_the_line_or_around_it() {
        let index = JsonIndex::new(DEEP).expect("json");
        let mut folds = Folds::new(&index, 2);
        assert_eq!(folds.toggle(&index, 3), Some(3), "opens lines");
        // Its objects open deeper still: they stay folded.
        assert_eq!(shown(&folds, &index)[4], "      {…} 2 keys,");
        assert_eq!(shown(&folds, &index)[5], "      {…} 2 keys");
        assert_eq!(folds.toggle(&index, 4), Some(4));
        assert_eq!(shown(&folds, &index)[5], r#"        "sku": "a","#);
        // Inside that object: the object folds again (as `za` closes the fold around).
        assert_eq!(folds.toggle(&index, 5), Some(4));
        assert_eq!(shown(&folds, &index)[4], "      {…} 2 keys,");
        // The root's closing line: the root folds to one line.
        let last = folds.len() - 1;
        assert_eq!(folds.toggle(&index, last), Some(0));
        assert_eq!(shown(&folds, &index), ["{…} 3 keys"]);
        assert_eq!(folds.toggle(&index, 0), Some(0));
        folds.set_all(&index, false);
        assert!(!folds.any_folded());
        folds.set_all(&index, true);
        assert_eq!(
            shown(&folds, &index),
            [
                "{",
                r#"  "id": 1,"#,
                r#"  "order": {…} 2 keys,"#,
                r#"  "tags": […] 1 item"#,
                "}"
            ]
        );
    }

    #[test]
    fn reveal_unfolds_only_the_spans_around_wanted_lines() {
        let index = JsonIndex::new(DEEP).expect("json");
        let mut folds = Folds::new(&index, 1);
        let mut line = String::new();
        folds.reveal(&index, |l| {
            line.clear();
            index.write_line(DEEP, l, &mut line);
            line.contains("\"b\"")
        });
        let text = shown(&folds, &index);
        assert!(
            text.contains(&r#"        "sku": "b","#.to_string()),
            "{text:#?}"
        );
        assert!(text.contains(&"      {…} 2 keys,".to_string()), "{text:#?}");
        assert!(
            text.contains(&r#"  "tags": […] 1 item"#.to_string()),
            "{text:#?}"
        );
    }
}
