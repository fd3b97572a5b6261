//! The one rule for text that came from AWS (names, filter policies, attributes, tags, error
//! messages, message bodies) on its way to a terminal: every character that could move the
//! cursor, change colours, write the clipboard (`ESC ]52`), clear the screen or reorder what
//! is shown is drawn visibly instead, so what the engineer sees is what is there.
//!
//! * C0 controls and DEL: `\n`, `\r`, `\t`, else `\x1b`-style (ASCII, so it survives a
//!   non-UTF-8 locale and can be pasted into `printf`);
//! * C1 controls (U+0080–U+009F, which some terminals obey as `ESC` sequences), bidi
//!   embeddings, overrides, isolates and marks, and the Unicode line and paragraph
//!   separators: `<U+202E>`.
//!
//! The TUI applies it when it builds rows, tree lines and describe lines, and again in
//! `ui::text::truncate`, which every drawn cell passes; the `ls` tables apply it per cell.
//! [`escape`] is idempotent, so the second pass changes nothing.
//!
//! A literal backslash is left alone: a policy that spells `\x1b` reads the same as an escaped
//! ESC. That costs nothing in safety and keeps JSON and regexes (full of backslashes) legible.

use std::borrow::Cow;
use std::fmt::Write;

/// Whether `c` must not reach a terminal as itself.
pub fn is_unsafe(c: char) -> bool {
    // `is_control` is exactly C0, DEL and C1 (Unicode category Cc).
    c.is_control() || is_bidi_control(c) || matches!(c, '\u{2028}' | '\u{2029}')
}

/// The characters that change the direction of the text around them (Unicode's
/// Bidi_Control property): they can make `orders` display as something else.
fn is_bidi_control(c: char) -> bool {
    matches!(
        c,
        '\u{061C}' | '\u{200E}' | '\u{200F}' | '\u{202A}'..='\u{202E}' | '\u{2066}'..='\u{2069}'
    )
}

/// `text` as it may be shown: unchanged (borrowed, no allocation) when clean, which is
/// nearly always; otherwise every unsafe character replaced by its visible form.
pub fn escape(text: &str) -> Cow<'_, str> {
    // Printable ASCII (0x20..=0x7e) is the common case (names, ARNs, URLs): one byte scan
    // with a single comparison per byte, which the compiler vectorizes.
    if text.bytes().all(|b| b.wrapping_sub(0x20) < 0x5f) {
        return Cow::Borrowed(text);
    }
    let Some(first) = text.find(is_unsafe) else {
        return Cow::Borrowed(text);
    };
    let mut out = String::with_capacity(text.len() + 8);
    out.push_str(&text[..first]);
    for c in text[first..].chars() {
        push_visible(&mut out, c);
    }
    Cow::Owned(out)
}

/// JSON text made safe to print on a terminal, meaning the same. serde_json writes C0
/// controls inside strings as escapes (`\u001b`, `\n`), but DEL, C1 codes (U+0080–U+009F,
/// which some terminals obey as CSI or OSC) and bidi controls (U+202E and friends) as they
/// are: those become `\u009b`-style escapes here, so a parser reads the exact text back.
/// Outside its strings JSON is ASCII and its one control character is the newline of pretty
/// printing, so every other such character found is inside a string.
pub fn json_safe(json: String) -> String {
    let inside_string = |c: char| c != '\n' && is_unsafe(c);
    if !json.contains(inside_string) {
        return json;
    }
    let mut out = String::with_capacity(json.len() + 16);
    for c in json.chars() {
        if inside_string(c) {
            // Every such character is in the Basic Multilingual Plane: one `\u` escape.
            let _ = write!(out, "\\u{:04x}", u32::from(c));
        } else {
            out.push(c);
        }
    }
    out
}

/// [`escape`] for an owned string: hands the same string back when it is clean.
pub fn escape_owned(text: String) -> String {
    match escape(&text) {
        Cow::Borrowed(_) => text,
        Cow::Owned(escaped) => escaped,
    }
}

fn push_visible(out: &mut String, c: char) {
    match c {
        '\n' => out.push_str("\\n"),
        '\r' => out.push_str("\\r"),
        '\t' => out.push_str("\\t"),
        // Writing to a String cannot fail.
        '\0'..='\u{1f}' | '\u{7f}' => {
            let _ = write!(out, "\\x{:02x}", u32::from(c));
        }
        c if is_unsafe(c) => {
            let _ = write!(out, "<U+{:04X}>", u32::from(c));
        }
        c => out.push(c),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn terminal_sequences_are_shown_not_sent() {
        assert_eq!(
            escape("\u{1b}]52;c;aGk=\u{7}x\u{1b}[2J"),
            "\\x1b]52;c;aGk=\\x07x\\x1b[2J"
        );
        assert_eq!(escape("a\nb\tc\rd\0\u{7f}"), "a\\nb\\tc\\rd\\x00\\x7f");
    }

    #[test]
    fn c1_bidi_and_separators_are_named() {
        assert_eq!(escape("\u{9b}31m"), "<U+009B>31m");
        assert_eq!(escape("\u{85}"), "<U+0085>");
        assert_eq!(
            escape("abc\u{202E}fdp.exe\u{202C}"),
            "abc<U+202E>fdp.exe<U+202C>"
        );
        for c in [
            '\u{061C}', '\u{200E}', '\u{200F}', '\u{202A}', '\u{202B}', '\u{202D}', '\u{2066}',
            '\u{2067}', '\u{2068}', '\u{2069}', '\u{2028}', '\u{2029}',
        ] {
            assert_eq!(escape(&c.to_string()), format!("<U+{:04X}>", u32::from(c)));
        }
    }

    #[test]
    fn clean_text_is_borrowed_unchanged() {
        for text in [
            "orders-dlq",
            "",
            "日本語キュー",
            "naïve → café ✓",
            "{\"a\":\"\\x1b\"}",
        ] {
            assert!(
                matches!(escape(text), Cow::Borrowed(t) if t == text),
                "{text}"
            );
        }
    }

    #[test]
    fn escaping_twice_changes_nothing() {
        let once = escape("\u{1b}[31m\u{202E}\u{9b}\n").into_owned();
        assert_eq!(escape(&once), once);
    }

    #[test]
    fn owned_text_keeps_its_buffer_when_clean() {
        let text = String::from("orders");
        let pointer = text.as_ptr();
        let same = escape_owned(text);
        assert_eq!(same.as_ptr(), pointer);
        assert_eq!(escape_owned("a\u{1b}".into()), "a\\x1b");
    }
}
