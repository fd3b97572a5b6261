//! JSON bodies pretty-printed for the message viewer, token by token from the text itself:
//! keys keep their order (and duplicates), numbers their exact digits, strings their
//! escapes. Each token is tagged with a tone for syntax colouring, and goes through the
//! viewer's escaping like every other piece of a message.

use super::styled::{DetailLine, Segment, Tone};

const INDENT: &str = "  ";

/// `text` as indented lines when it is JSON (an object or an array); `None` otherwise, for
/// the caller to show it as text. Every line is built at once: for tests and small bodies;
/// the viewer keeps a [`JsonIndex`] and builds only the lines on screen.
pub fn pretty(text: &str) -> Option<Vec<DetailLine>> {
    let index = JsonIndex::new(text)?;
    Some((0..index.len()).map(|i| index.line(text, i)).collect())
}

/// A pretty-printed JSON text as a compact index, built once: each token as a tone and a
/// byte range of the text, each line as its first token and its depth. Lines are turned
/// into coloured, escaped segments only when asked for (that is, when they are on screen).
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct JsonIndex {
    tokens: Vec<Token>,
    /// Per line: its first token.
    line_starts: Vec<u32>,
    /// Per line: its indentation depth.
    depths: Vec<u16>,
    /// Every object and array that spans lines, by its opening line: what folding hides.
    spans: Vec<Span>,
}

/// An object or array laid out over lines `open..=close`.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Span {
    pub open: u32,
    pub close: u32,
    /// Keys of an object, items of an array.
    pub items: u32,
    pub object: bool,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
struct Token {
    tone: Tone,
    start: u32,
    end: u32,
}

impl JsonIndex {
    /// The index of `text` when it is JSON (an object or an array); `None` otherwise.
    pub fn new(text: &str) -> Option<JsonIndex> {
        let trimmed = text.trim_start();
        if !(trimmed.starts_with('{') || trimmed.starts_with('[')) {
            return None;
        }
        // Offsets are u32: SQS bodies are at most 1 MiB, far below.
        if u32::try_from(text.len()).is_err() {
            return None;
        }
        serde_json::from_str::<serde::de::IgnoredAny>(text).ok()?;
        Some(Printer::default().print(text))
    }

    pub fn len(&self) -> usize {
        self.line_starts.len()
    }

    pub fn is_empty(&self) -> bool {
        self.line_starts.is_empty()
    }

    /// The objects and arrays that span lines, ordered by their opening line.
    pub fn spans(&self) -> &[Span] {
        &self.spans
    }

    /// Line `line`'s indentation depth.
    pub fn depth(&self, line: usize) -> usize {
        self.depths[line] as usize
    }

    fn tokens_of(&self, line: usize) -> &[Token] {
        let first = self.line_starts[line] as usize;
        let last = self
            .line_starts
            .get(line + 1)
            .map_or(self.tokens.len(), |n| *n as usize);
        &self.tokens[first..last]
    }

    /// Line `line` (< `len()`) of `text` (the text the index was built from), escaped.
    pub fn line(&self, text: &str, line: usize) -> DetailLine {
        let tokens = self.tokens_of(line);
        let mut segments = Vec::with_capacity(tokens.len() + 1);
        let depth = self.depths[line] as usize;
        if depth > 0 && !tokens.is_empty() {
            segments.push(Segment::trusted(Tone::Punct, INDENT.repeat(depth)));
        }
        segments.extend(self.token_segments(text, tokens));
        segments
    }

    /// Line `line`'s tokens without its indentation (a folded span's closing bracket and
    /// comma join the opening line).
    pub fn unindented(&self, text: &str, line: usize) -> DetailLine {
        self.token_segments(text, self.tokens_of(line)).collect()
    }

    fn token_segments<'a>(
        &'a self,
        text: &'a str,
        tokens: &'a [Token],
    ) -> impl Iterator<Item = Segment> + 'a {
        tokens.iter().map(move |token| {
            let piece = &text[token.start as usize..token.end as usize];
            if piece == ":" && token.tone == Tone::Punct {
                Segment::trusted(Tone::Punct, ": ")
            } else {
                Segment::untrusted(token.tone, piece)
            }
        })
    }

    /// Appends the text of [`JsonIndex::line`] to `out` without building its segments: what
    /// a search reads, once per pattern, over every line of a body.
    pub fn write_line(&self, text: &str, line: usize, out: &mut String) {
        let tokens = self.tokens_of(line);
        let depth = self.depths[line] as usize;
        if depth > 0 && !tokens.is_empty() {
            for _ in 0..depth {
                out.push_str(INDENT);
            }
        }
        for token in tokens {
            let piece = &text[token.start as usize..token.end as usize];
            if piece == ":" && token.tone == Tone::Punct {
                out.push_str(": ");
            } else {
                out.push_str(&super::styled::shown(piece));
            }
        }
    }
}

#[derive(Clone, Copy, PartialEq, Eq)]
enum Container {
    /// `expect_key`: the next string is a key.
    Object {
        expect_key: bool,
    },
    Array,
}

#[derive(Default)]
struct Printer {
    index: JsonIndex,
    /// Tokens on the current line so far.
    on_line: usize,
    stack: Vec<Container>,
    /// Per open container: its opening line and its items so far.
    open_spans: Vec<(u32, u32)>,
}

impl Printer {
    /// Indexes valid JSON (checked by the caller), skipping the whitespace between tokens.
    fn print(mut self, text: &str) -> JsonIndex {
        let bytes = text.as_bytes();
        let mut at = 0;
        while at < bytes.len() {
            match bytes[at] {
                b' ' | b'\t' | b'\n' | b'\r' => at += 1,
                b'"' => {
                    let end = string_end(bytes, at);
                    let tone = match self.stack.last() {
                        Some(Container::Object { expect_key: true }) => Tone::Key,
                        _ => Tone::String,
                    };
                    self.push(tone, at, end);
                    at = end;
                }
                open @ (b'{' | b'[') => at = self.open(bytes, at, open),
                close @ (b'}' | b']') => {
                    self.close(at, close);
                    at += 1;
                }
                b',' => {
                    self.push(Tone::Punct, at, at + 1);
                    if let Some((_, items)) = self.open_spans.last_mut() {
                        *items += 1;
                    }
                    if let Some(Container::Object { expect_key }) = self.stack.last_mut() {
                        *expect_key = true;
                    }
                    self.newline();
                    at += 1;
                }
                b':' => {
                    self.push(Tone::Punct, at, at + 1);
                    if let Some(Container::Object { expect_key }) = self.stack.last_mut() {
                        *expect_key = false;
                    }
                    at += 1;
                }
                first => {
                    let end = bytes[at..]
                        .iter()
                        .position(|b| {
                            matches!(b, b',' | b']' | b'}' | b' ' | b'\t' | b'\n' | b'\r')
                        })
                        .map_or(bytes.len(), |n| at + n);
                    let tone = if first == b'-' || first.is_ascii_digit() {
                        Tone::Number
                    } else {
                        Tone::Literal
                    };
                    self.push(tone, at, end);
                    at = end;
                }
            }
        }
        if self.on_line == 0 {
            // The last line was opened but got nothing.
            self.index.line_starts.pop();
            self.index.depths.pop();
        }
        // Spans end inner first; folding reads them by their opening line.
        self.index.spans.sort_unstable_by_key(|s| s.open);
        self.index
    }

    /// An opening `{` or `[` at `at`: a container on lines of its own, or `{}` / `[]` on
    /// one line when empty. Returns where the text goes on.
    fn open(&mut self, bytes: &[u8], at: usize, open: u8) -> usize {
        let close = if open == b'{' { b'}' } else { b']' };
        let next = next_token(bytes, at + 1);
        if bytes.get(next) == Some(&close) {
            // An empty container stays on one line: `{}`, `[]`.
            self.push(Tone::Punct, at, at + 1);
            self.push(Tone::Punct, next, next + 1);
            return next + 1;
        }
        self.push(Tone::Punct, at, at + 1);
        let line = self.index.line_starts.len().saturating_sub(1) as u32;
        self.open_spans.push((line, 1));
        self.stack.push(if open == b'{' {
            Container::Object { expect_key: true }
        } else {
            Container::Array
        });
        self.newline();
        at + 1
    }

    /// A closing `}` or `]` at `at`, on a line of its own; its container's span is done.
    fn close(&mut self, at: usize, close: u8) {
        self.stack.pop();
        self.newline();
        self.push(Tone::Punct, at, at + 1);
        if let Some((open, items)) = self.open_spans.pop() {
            self.index.spans.push(Span {
                open,
                close: self.index.line_starts.len().saturating_sub(1) as u32,
                items,
                object: close == b'}',
            });
        }
    }

    /// A token of the text; the first of a line opens the line at the current depth.
    fn push(&mut self, tone: Tone, start: usize, end: usize) {
        if self.index.line_starts.is_empty() {
            self.open_line();
        }
        if self.on_line == 0 {
            // The depth is the one when the line's first token arrives (a closing bracket
            // pops before it is pushed).
            if let Some(depth) = self.index.depths.last_mut() {
                *depth = u16::try_from(self.stack.len()).unwrap_or(u16::MAX);
            }
        }
        self.index.tokens.push(Token {
            tone,
            start: start as u32,
            end: end as u32,
        });
        self.on_line += 1;
    }

    fn newline(&mut self) {
        if self.index.line_starts.is_empty() {
            self.open_line();
        }
        self.open_line();
    }

    fn open_line(&mut self) {
        self.index.line_starts.push(self.index.tokens.len() as u32);
        self.index.depths.push(0);
        self.on_line = 0;
    }
}

/// The index just past the string starting at `start` (a `"`), escapes skipped.
fn string_end(bytes: &[u8], start: usize) -> usize {
    let mut at = start + 1;
    while at < bytes.len() {
        match bytes[at] {
            b'\\' => at += 2,
            b'"' => return at + 1,
            _ => at += 1,
        }
    }
    bytes.len()
}

/// The index of the next byte that is not JSON whitespace.
fn next_token(bytes: &[u8], from: usize) -> usize {
    bytes[from..]
        .iter()
        .position(|b| !matches!(b, b' ' | b'\t' | b'\n' | b'\r'))
        .map_or(bytes.len(), |n| from + n)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn plain(lines: &[DetailLine]) -> Vec<String> {
        lines
            .iter()
            .map(|l| l.iter().map(|s| s.text.as_str()).collect())
            .collect()
    }

    #[test]
    fn objects_and_arrays_are_indented_in_their_own_order() {
        let lines = pretty(r#"{"z":1,"a":[true,null,{}],"e":[],"n":-1.50e3}"#).expect("json");
        assert_eq!(
            plain(&lines),
            [
                "{",
                r#"  "z": 1,"#,
                r#"  "a": ["#,
                "    true,",
                "    null,",
                "    {}",
                "  ],",
                r#"  "e": [],"#,
                r#"  "n": -1.50e3"#,
                "}",
            ]
        );
    }

    #[test]
    fn tokens_carry_their_tone() {
        let lines = pretty(r#"{"k": "v, \"}\" x", "n": 2, "b": false}"#).expect("json");
        let tones: Vec<(Tone, &str)> = lines[1]
            .iter()
            .chain(&lines[2])
            .chain(&lines[3])
            .filter(|s| s.tone != Tone::Punct)
            .map(|s| (s.tone, s.text.as_str()))
            .collect();
        assert_eq!(
            tones,
            [
                (Tone::Key, r#""k""#),
                (Tone::String, r#""v, \"}\" x""#),
                (Tone::Key, r#""n""#),
                (Tone::Number, "2"),
                (Tone::Key, r#""b""#),
                (Tone::Literal, "false"),
            ]
        );
    }

    #[test]
    fn spans_know_their_lines_and_items_and_write_line_matches_line() {
        let text = r#"{"z":1,"a":[true,null,{}],"e":[],"o":{"k":"v\u001b"}}"#;
        let index = JsonIndex::new(text).expect("json");
        let spans: Vec<(u32, u32, u32, bool)> = index
            .spans()
            .iter()
            .map(|s| (s.open, s.close, s.items, s.object))
            .collect();
        // The root (4 keys), "a" (3 items; its `{}` stays on one line), "o" (1 key).
        assert_eq!(
            spans,
            [(0, 11, 4, true), (2, 6, 3, false), (8, 10, 1, true)]
        );
        for line in 0..index.len() {
            let mut out = String::new();
            index.write_line(text, line, &mut out);
            let built: String = index
                .line(text, line)
                .iter()
                .map(|s| s.text.as_str())
                .collect();
            assert_eq!(out, built, "line {line}");
        }
    }

    #[test]
    fn text_that_is_not_an_object_or_array_of_json_is_left_alone() {
        assert_eq!(pretty("plain text"), None);
        assert_eq!(pretty("{not json"), None);
        assert_eq!(pretty("42"), None);
        assert_eq!(pretty(r#"{"a":1} trailing"#), None);
    }

    #[test]
    fn unsafe_characters_inside_strings_are_escaped() {
        // JSON allows raw C1 controls and bidi overrides inside strings.
        let lines = pretty("{\"k\":\"a\u{9b}2J\u{202e}b\"}").expect("json");
        let text = plain(&lines).join("\n");
        assert!(
            !text.contains('\u{9b}') && !text.contains('\u{202e}'),
            "{text}"
        );
        assert!(text.contains("<U+009B>2J<U+202E>"), "{text}");
    }
}
