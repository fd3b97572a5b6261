//! JSON bodies pretty-printed for the message viewer, token by token from the text itself:
//! keys keep their order (and duplicates), numbers their exact digits, strings their
//! escapes. Each token is tagged with a tone for syntax colouring, and goes through the
//! viewer's escaping like every other piece of a message.

use super::message_detail::{DetailLine, Segment, Tone};

const INDENT: &str = "  ";

/// `text` as indented lines when it is JSON (an object or an array); `None` otherwise, for
/// the caller to show it as text.
pub fn pretty(text: &str) -> Option<Vec<DetailLine>> {
    let trimmed = text.trim_start();
    if !(trimmed.starts_with('{') || trimmed.starts_with('[')) {
        return None;
    }
    serde_json::from_str::<serde::de::IgnoredAny>(text).ok()?;
    Some(Printer::default().print(text))
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
    lines: Vec<DetailLine>,
    line: DetailLine,
    stack: Vec<Container>,
}

impl Printer {
    /// Prints valid JSON (checked by the caller), skipping the whitespace between tokens.
    fn print(mut self, text: &str) -> Vec<DetailLine> {
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
                    self.push(tone, &text[at..end]);
                    at = end;
                }
                open @ (b'{' | b'[') => {
                    let close = if open == b'{' { b'}' } else { b']' };
                    let next = next_token(bytes, at + 1);
                    if bytes.get(next) == Some(&close) {
                        // An empty container stays on one line: `{}`, `[]`.
                        self.push(Tone::Punct, &text[at..=at]);
                        self.push(Tone::Punct, &text[next..=next]);
                        at = next + 1;
                        continue;
                    }
                    self.push(Tone::Punct, &text[at..=at]);
                    self.stack.push(if open == b'{' {
                        Container::Object { expect_key: true }
                    } else {
                        Container::Array
                    });
                    self.newline();
                    at += 1;
                }
                b'}' | b']' => {
                    self.stack.pop();
                    self.newline();
                    self.push(Tone::Punct, &text[at..=at]);
                    at += 1;
                }
                b',' => {
                    self.push(Tone::Punct, ",");
                    if let Some(Container::Object { expect_key }) = self.stack.last_mut() {
                        *expect_key = true;
                    }
                    self.newline();
                    at += 1;
                }
                b':' => {
                    self.push(Tone::Punct, ": ");
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
                    self.push(tone, &text[at..end]);
                    at = end;
                }
            }
        }
        if !self.line.is_empty() {
            self.lines.push(std::mem::take(&mut self.line));
        }
        self.lines
    }

    fn push(&mut self, tone: Tone, text: &str) {
        if self.line.is_empty() && !self.stack.is_empty() {
            self.line.push(Segment::trusted(
                Tone::Punct,
                INDENT.repeat(self.stack.len()),
            ));
        }
        self.line.push(Segment::untrusted(tone, text));
    }

    fn newline(&mut self) {
        self.lines.push(std::mem::take(&mut self.line));
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
