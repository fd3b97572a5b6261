//! The detail pane's lines, laid out once per selection but cheaply: squall's own lines
//! (headings, tables) are kept ready, while a body's lines are only indexed (a JSON token
//! index or the text's line starts) and turned into escaped, coloured segments when drawn.
//! Opening a 1 MiB body costs one pass over it; a frame costs the lines on screen.

use super::detail::{DetailLine, Segment, Tone};
use super::json_folds::Folds;
use crate::messages::json_lines::JsonIndex;

#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct DetailLines {
    /// Runs of lines in order, each with the pane line it starts at.
    parts: Vec<(usize, Part)>,
    len: usize,
}

#[derive(Debug, Clone, PartialEq, Eq)]
enum Part {
    Ready(DetailLine),
    Body(Body),
}

#[derive(Debug, Clone, PartialEq, Eq)]
struct Body {
    text: String,
    shape: BodyShape,
}

#[derive(Debug, Clone, PartialEq, Eq)]
enum BodyShape {
    Json(JsonIndex, Folds),
    /// The byte offset where each line starts.
    Text(Vec<usize>),
    /// The bytes, 16 to a line: offset, hex, and printable ASCII (others as `.`).
    Hex,
}

/// Bytes per line of the hex view.
const HEX_WIDTH: usize = 16;

impl Body {
    fn len(&self) -> usize {
        match &self.shape {
            BodyShape::Json(_, folds) => folds.len(),
            BodyShape::Text(starts) => starts.len(),
            BodyShape::Hex => self.text.len().div_ceil(HEX_WIDTH).max(1),
        }
    }

    fn line(&self, line: usize) -> DetailLine {
        match &self.shape {
            BodyShape::Json(index, folds) => folds.line(index, &self.text, line),
            BodyShape::Text(starts) => {
                let start = starts[line];
                let end = starts
                    .get(line + 1)
                    .map_or(self.text.len(), |next| next - 1);
                vec![Segment::untrusted(Tone::Plain, &self.text[start..end])]
            }
            BodyShape::Hex => hex_line(self.text.as_bytes(), line),
        }
    }

    /// The text of [`Body::line`], appended to `out`, without building segments.
    fn write_line(&self, line: usize, out: &mut String) {
        match &self.shape {
            BodyShape::Json(index, folds) => folds.write_line(index, &self.text, line, out),
            BodyShape::Text(_) | BodyShape::Hex => {
                for segment in self.line(line) {
                    out.push_str(&segment.text);
                }
            }
        }
    }
}

/// Line `line` of a hex dump of `bytes`. Only hex digits and printable ASCII: nothing in it
/// can be obeyed by a terminal.
fn hex_line(bytes: &[u8], line: usize) -> DetailLine {
    let start = line * HEX_WIDTH;
    let chunk = &bytes[start.min(bytes.len())..(start + HEX_WIDTH).min(bytes.len())];
    let mut hex = String::with_capacity(HEX_WIDTH * 3 + 1);
    for (i, byte) in chunk.iter().enumerate() {
        if i == HEX_WIDTH / 2 {
            hex.push(' ');
        }
        hex.push_str(&format!("{byte:02x} "));
    }
    let ascii: String = chunk
        .iter()
        .map(|b| {
            if b.is_ascii_graphic() || *b == b' ' {
                *b as char
            } else {
                '.'
            }
        })
        .collect();
    vec![
        Segment::trusted(Tone::Dim, format!("{start:08x}  ")),
        Segment::trusted(Tone::Plain, format!("{hex:<49} ")),
        Segment::trusted(Tone::String, format!("|{ascii}|")),
    ]
}

/// Whether a body is better shown as hex: invalid UTF-8 (replaced by U+FFFD on the way in)
/// or control characters other than line breaks and tabs make up 30% of it or more (a text
/// carrying a few escape sequences stays text, escaped).
pub fn looks_binary(text: &str) -> bool {
    let mut total = 0usize;
    let mut odd = 0usize;
    for c in text.chars() {
        total += 1;
        if c == '\u{fffd}' || (c.is_control() && !matches!(c, '\n' | '\r' | '\t')) {
            odd += 1;
        }
    }
    total > 0 && odd * 10 >= total * 3
}

impl DetailLines {
    pub fn len(&self) -> usize {
        self.len
    }

    pub fn is_empty(&self) -> bool {
        self.len == 0
    }

    pub fn push(&mut self, line: DetailLine) {
        self.parts.push((self.len, Part::Ready(line)));
        self.len += 1;
    }

    /// A body: pretty JSON when it parses, else its lines as text.
    pub fn push_body(&mut self, text: &str) {
        self.push_body_folded(text, 0);
    }

    /// A body; JSON objects and arrays opening at `fold_depth` or deeper start folded
    /// (0: none).
    pub fn push_body_folded(&mut self, text: &str, fold_depth: usize) {
        let shape = match JsonIndex::new(text) {
            Some(index) => {
                let folds = Folds::new(&index, fold_depth);
                BodyShape::Json(index, folds)
            }
            None => BodyShape::Text(
                std::iter::once(0)
                    .chain(text.match_indices('\n').map(|(i, _)| i + 1))
                    .collect(),
            ),
        };
        let body = Body {
            text: text.to_string(),
            shape,
        };
        let count = body.len();
        self.parts.push((self.len, Part::Body(body)));
        self.len += count;
    }

    /// A body as a hex dump.
    pub fn push_hex(&mut self, text: &str) {
        let body = Body {
            text: text.to_string(),
            shape: BodyShape::Hex,
        };
        let count = body.len();
        self.parts.push((self.len, Part::Body(body)));
        self.len += count;
    }

    /// Line `i`, escaped and toned; `None` past the end.
    pub fn line(&self, i: usize) -> Option<DetailLine> {
        if i >= self.len {
            return None;
        }
        // The last part starting at or before `i` holds it.
        let at = self.parts.partition_point(|(start, _)| *start <= i) - 1;
        let (start, part) = &self.parts[at];
        Some(match part {
            Part::Ready(line) => line.clone(),
            Part::Body(body) => body.line(i - start),
        })
    }

    /// Lines `range` (clamped to what there is).
    pub fn lines(&self, range: std::ops::Range<usize>) -> Vec<DetailLine> {
        range.filter_map(|i| self.line(i)).collect()
    }

    /// Appends line `i`'s text (what [`DetailLines::line`] shows, joined) to `out`.
    pub fn write_line(&self, i: usize, out: &mut String) {
        if i >= self.len {
            return;
        }
        let at = self.parts.partition_point(|(start, _)| *start <= i) - 1;
        match &self.parts[at] {
            (_, Part::Ready(line)) => line.iter().for_each(|s| out.push_str(&s.text)),
            (start, Part::Body(body)) => body.write_line(i - start, out),
        }
    }

    /// Whether a JSON body here has a folded span.
    pub fn any_folded(&self) -> bool {
        self.json_bodies().any(|(_, folds, _)| folds.any_folded())
    }

    fn json_bodies(&self) -> impl Iterator<Item = (&JsonIndex, &Folds, &str)> {
        self.parts.iter().filter_map(|(_, part)| match part {
            Part::Body(Body {
                text,
                shape: BodyShape::Json(index, folds),
            }) => Some((index, folds, text.as_str())),
            _ => None,
        })
    }

    fn json_bodies_mut(&mut self) -> impl Iterator<Item = (&JsonIndex, &mut Folds, &str)> {
        self.parts.iter_mut().filter_map(|(_, part)| match part {
            Part::Body(Body {
                text,
                shape: BodyShape::Json(index, folds),
            }) => Some((&*index, folds, text.as_str())),
            _ => None,
        })
    }

    /// Toggles the fold at pane line `i` (see [`Folds::toggle`]); returns the pane line of
    /// the span's opening line, `None` when no JSON span holds line `i`.
    pub fn toggle_fold(&mut self, i: usize) -> Option<usize> {
        if i >= self.len {
            return None;
        }
        let at = self.parts.partition_point(|(start, _)| *start <= i) - 1;
        let (start, part) = &mut self.parts[at];
        let start = *start;
        let Part::Body(Body {
            shape: BodyShape::Json(index, folds),
            ..
        }) = part
        else {
            return None;
        };
        let line = folds.toggle(index, i - start)?;
        self.reflow();
        Some(start + line)
    }

    /// Folds every JSON span but the outermost (`folded`), or unfolds them all.
    pub fn fold_all(&mut self, folded: bool) {
        for (index, folds, _) in self.json_bodies_mut() {
            folds.set_all(index, folded);
        }
        self.reflow();
    }

    /// Unfolds the JSON spans that hide a line `matches` accepts (given the line's text).
    pub fn reveal(&mut self, mut matches: impl FnMut(&str) -> bool) {
        let mut buffer = String::new();
        for (index, folds, text) in self.json_bodies_mut() {
            folds.reveal(index, |line| {
                buffer.clear();
                index.write_line(text, line, &mut buffer);
                matches(&buffer)
            });
        }
        self.reflow();
    }

    /// The parts' starting lines again, after a fold changed a body's length.
    fn reflow(&mut self) {
        let mut at = 0;
        for (start, part) in &mut self.parts {
            *start = at;
            at += match part {
                Part::Ready(_) => 1,
                Part::Body(body) => body.len(),
            };
        }
        self.len = at;
    }

    /// Every line: for tests and small panes.
    pub fn to_vec(&self) -> Vec<DetailLine> {
        self.lines(0..self.len())
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn plain(lines: &DetailLines) -> Vec<String> {
        lines
            .to_vec()
            .iter()
            .map(|l| l.iter().map(|s| s.text.as_str()).collect())
            .collect()
    }

    #[test]
    fn ready_lines_and_bodies_keep_their_order() {
        let mut lines = DetailLines::default();
        lines.push(vec![Segment::trusted(Tone::Heading, "Body")]);
        lines.push_body("one\ntwo\n\u{1b}[2Jthree");
        lines.push(vec![Segment::trusted(Tone::Heading, "JSON")]);
        lines.push_body(r#"{"a":[1]}"#);
        assert_eq!(
            plain(&lines),
            [
                "Body",
                "one",
                "two",
                "\\x1b[2Jthree",
                "JSON",
                "{",
                r#"  "a": ["#,
                "    1",
                "  ]",
                "}"
            ]
        );
        assert_eq!(lines.len(), 10);
        assert_eq!(lines.line(10), None);
    }

    #[test]
    fn hex_lines_show_offsets_bytes_and_printable_ascii_only() {
        let mut lines = DetailLines::default();
        lines.push_hex("\u{1b}]52;c;AA==\u{7}hello, world!\n\u{0}");
        assert_eq!(
            plain(&lines),
            [
                "00000000  1b 5d 35 32 3b 63 3b 41  41 3d 3d 07 68 65 6c 6c  |.]52;c;AA==.hell|",
                "00000010  6f 2c 20 77 6f 72 6c 64  21 0a 00                 |o, world!..|",
            ]
        );
    }

    #[test]
    fn bodies_of_control_characters_or_invalid_utf8_look_binary() {
        assert!(looks_binary("\u{0}\u{1}\u{2}abc"));
        assert!(looks_binary("ab\u{fffd}\u{fffd}"));
        assert!(!looks_binary("line one\nline two\ttabbed\r\n"));
        assert!(!looks_binary("mostly text with one \u{1b}[2J escape in it"));
        assert!(!looks_binary(""));
    }

    #[test]
    fn a_body_ending_in_a_newline_shows_its_empty_last_line() {
        let mut lines = DetailLines::default();
        lines.push_body("a\n");
        assert_eq!(plain(&lines), ["a", ""]);
    }
}
