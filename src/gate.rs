//! The one way out: every byte squall writes to stdout or stderr (human text, JSON, NDJSON,
//! progress lines, error reports) is a [`Shown`], and only this module builds one and writes
//! it. Text that came from AWS (names, alarm reasons, error messages, message bodies) is
//! untrusted until it has passed the one escaping rule of [`crate::domain::untrusted`]:
//!
//! * human text: every line on its own through [`escape`], so line breaks stay and every
//!   other character a terminal could obey (C0, DEL, C1, bidi controls) is drawn visibly;
//! * JSON: serde escapes C0 inside strings, [`json_safe`] the rest (DEL, C1, bidi) as
//!   `\u009b`-style escapes, so a parser still reads the exact text back.
//!
//! Clippy refuses `std::io::stdout`, `std::io::stderr` and the print macros anywhere else
//! (`clippy.toml`, the lint list in `lib.rs`), so a new command cannot forget: its output can
//! only leave as a `Shown`. The TUI's frames are the one other way out (`runtime`), and every
//! cell they draw passes the same rule in `ui::text::truncate`.

use std::io::{self, IsTerminal, Write};

use serde::Serialize;

use crate::domain::untrusted::{escape, json_safe};

/// Text that may leave squall as it is. Built only here, from untrusted text.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Shown(String);

impl Shown {
    /// Human text: each line escaped on its own. Pieces escaped already (a name a command
    /// passed through `escape` to keep it on one line) stay as they are: the rule is
    /// idempotent.
    pub fn text(text: &str) -> Shown {
        let mut out = String::with_capacity(text.len());
        for (i, line) in text.split('\n').enumerate() {
            if i > 0 {
                out.push('\n');
            }
            out.push_str(&escape(line));
        }
        Shown(out)
    }

    /// A value as indented JSON, followed by a newline.
    pub fn json<T: Serialize + ?Sized>(value: &T) -> Result<Shown, serde_json::Error> {
        let text = serde_json::to_string_pretty(value)?;
        Ok(Shown(json_safe(text) + "\n"))
    }

    /// A value as one line of JSON (an NDJSON record), followed by a newline.
    pub fn json_line<T: Serialize + ?Sized>(value: &T) -> Result<Shown, serde_json::Error> {
        let text = serde_json::to_string(value)?;
        Ok(Shown(json_safe(text) + "\n"))
    }

    /// JSON text squall serialized already: the JSON rule applied once more (it is
    /// idempotent), so no string inside can carry a raw C1, DEL or bidi control.
    pub fn json_text(json: String) -> Shown {
        Shown(json_safe(json))
    }

    /// Text squall generated itself from its own definitions, holding no byte from AWS (a
    /// shell completion script, which may need characters the rule would draw visibly).
    pub fn squall_own(text: String) -> Shown {
        Shown(text)
    }

    pub fn as_str(&self) -> &str {
        &self.0
    }

    /// The bytes, for a file squall writes (an export): the same rule as on a terminal,
    /// since such files are read with `cat` and `less`.
    pub fn into_string(self) -> String {
        self.0
    }

    /// This text without trailing white space, ending with one newline.
    fn line(&self) -> String {
        format!("{}\n", self.0.trim_end())
    }
}

/// Writes to stdout; a closed pipe (`squall ls … | head`) ends quietly, not with an error.
pub fn out(text: &Shown) -> io::Result<()> {
    #[allow(clippy::disallowed_methods, reason = "the one output gate")]
    let mut stdout = io::stdout().lock();
    match stdout
        .write_all(text.as_str().as_bytes())
        .and_then(|()| stdout.flush())
    {
        Err(err) if err.kind() == io::ErrorKind::BrokenPipe => Ok(()),
        other => other,
    }
}

/// [`out`], with trailing white space trimmed and one newline at the end.
pub fn out_line(text: &Shown) -> io::Result<()> {
    out(&Shown(text.line()))
}

/// Writes `text` to stderr as one or more whole lines. Nothing else to tell if stderr is
/// gone: the exit code still says what happened.
pub fn err(text: &Shown) {
    #[allow(clippy::disallowed_methods, reason = "the one output gate")]
    let mut stderr = io::stderr().lock();
    let _ = stderr.write_all(text.line().as_bytes());
}

/// `squall: TEXT` on stderr, each line escaped (the common shape of a warning or error).
pub fn say(text: &str) {
    err(&Shown::text(&format!("squall: {text}")));
}

/// Whether a person is watching stderr (progress lines make sense).
pub fn stderr_is_terminal() -> bool {
    #[allow(clippy::disallowed_methods, reason = "the one output gate")]
    io::stderr().is_terminal()
}

/// Whether stdout is a terminal (the TUI needs one).
pub fn stdout_is_terminal() -> bool {
    #[allow(clippy::disallowed_methods, reason = "the one output gate")]
    io::stdout().is_terminal()
}

/// NDJSON on stdout, one [`Shown`] record at a time, buffered.
pub struct StdoutLines(io::BufWriter<io::Stdout>);

impl StdoutLines {
    pub fn new() -> StdoutLines {
        #[allow(clippy::disallowed_methods, reason = "the one output gate")]
        StdoutLines(io::BufWriter::new(io::stdout()))
    }

    pub fn write(&mut self, record: &Shown) -> io::Result<()> {
        self.0.write_all(record.as_str().as_bytes())
    }

    pub fn flush(&mut self) -> io::Result<()> {
        self.0.flush()
    }
}

impl Default for StdoutLines {
    fn default() -> StdoutLines {
        StdoutLines::new()
    }
}

/// Progress of a long read on stderr, one line rewritten in place (only for a person
/// watching).
pub struct ProgressLine {
    enabled: bool,
    width: usize,
}

impl ProgressLine {
    pub fn new(enabled: bool) -> ProgressLine {
        ProgressLine { enabled, width: 0 }
    }

    pub fn show(&mut self, text: &str) {
        if !self.enabled {
            return;
        }
        let text = Shown::text(&text.replace('\n', " "));
        let pad = self.width.saturating_sub(text.as_str().len());
        #[allow(clippy::disallowed_methods, reason = "the one output gate")]
        let mut stderr = io::stderr().lock();
        let _ = write!(stderr, "\r{}{}", text.as_str(), " ".repeat(pad));
        let _ = stderr.flush();
        self.width = text.as_str().len();
    }

    /// Ends the line, so that what follows starts on its own.
    pub fn finish(&mut self) {
        if self.enabled && self.width > 0 {
            err(&Shown::text(""));
            self.width = 0;
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::domain::untrusted::is_unsafe;

    /// A string from AWS carrying each kind of character a terminal may obey.
    const HOSTILE: &str = "orders\u{1b}]52;c;eA==\u{7}\u{9b}31m\u{7f}\u{85}abc\u{202e}fdp\u{2066}";

    #[test]
    fn human_text_keeps_its_lines_and_shows_everything_else() {
        let shown = Shown::text(&format!("a {HOSTILE}\nb\tc\r\n"));
        assert!(!shown.as_str().contains(|c| c != '\n' && is_unsafe(c)));
        assert_eq!(
            shown.as_str(),
            "a orders\\x1b]52;c;eA==\\x07<U+009B>31m\\x7f<U+0085>abc<U+202E>fdp<U+2066>\n\
             b\\tc\\r\n"
        );
        assert_eq!(Shown::text(shown.as_str()), shown, "idempotent");
    }

    #[test]
    fn json_escapes_c1_del_and_bidi_and_reads_back_exact() {
        for shown in [
            Shown::json(&[HOSTILE]).expect("json"),
            Shown::json_line(&[HOSTILE]).expect("json"),
            Shown::json_text(serde_json::to_string(&[HOSTILE]).expect("json")),
        ] {
            assert!(
                !shown.as_str().contains(|c| c != '\n' && is_unsafe(c)),
                "{shown:?}"
            );
            let back: Vec<String> = serde_json::from_str(shown.as_str()).expect("parses");
            assert_eq!(back, [HOSTILE]);
        }
        let line = Shown::json_line(&[HOSTILE]).expect("json");
        assert_eq!(line.as_str().matches('\n').count(), 1);
        assert!(line.as_str().contains("\\u009b") && line.as_str().contains("\\u202e"));
    }

    #[test]
    fn a_line_ends_with_one_newline() {
        assert_eq!(Shown::text("x\n\n").line(), "x\n");
        assert_eq!(Shown::text("x").line(), "x\n");
    }
}
