//! Fitting text into columns by display width: long names end in an ellipsis, never wrap.

use unicode_width::{UnicodeWidthChar, UnicodeWidthStr};

use crate::domain::untrusted::escape;

/// `text` cut to at most `width` terminal columns, ending in `ellipsis` when cut.
///
/// Every piece of text the TUI draws in a cell comes through here, so this is also where
/// the untrusted-text rule is applied last (rows, tree lines and describe lines arrive
/// escaped already; escaping is idempotent, and free for clean text). The width is that
/// of the escaped text, which is what is drawn.
pub fn truncate(text: &str, width: usize, ellipsis: &str) -> String {
    let text = escape(text);
    if text.width() <= width {
        return text.into_owned();
    }
    let ellipsis_width = ellipsis.width();
    if width <= ellipsis_width {
        return ellipsis.chars().take(width).collect();
    }
    let budget = width - ellipsis_width;
    let mut out = String::new();
    let mut used = 0;
    for c in text.chars() {
        let w = c.width().unwrap_or(0);
        if used + w > budget {
            break;
        }
        used += w;
        out.push(c);
    }
    out.push_str(ellipsis);
    out
}

/// "5s ago", "3m ago", "2h ago".
pub fn ago(seconds: u64) -> String {
    match seconds {
        0..=59 => format!("{seconds}s ago"),
        60..=3599 => format!("{}m ago", seconds / 60),
        _ => format!("{}h ago", seconds / 3600),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn truncates_by_display_width_with_ellipsis() {
        assert_eq!(truncate("orders", 10, "…"), "orders");
        assert_eq!(truncate("orders-dead-letter", 8, "…"), "orders-…");
        assert_eq!(truncate("日本語キュー", 5, "…"), "日本…");
        assert_eq!(truncate("abc", 1, "…"), "…");
        assert_eq!(truncate("abcdef", 4, "~"), "abc~");
        assert_eq!(truncate("abc", 0, "…"), "");
    }

    #[test]
    fn control_characters_are_shown_and_counted_in_the_width() {
        assert_eq!(truncate("a\u{1b}[31mb\n", 20, "…"), "a\\x1b[31mb\\n");
        assert_eq!(truncate("\u{202E}abc", 6, "…"), "<U+20…");
    }

    #[test]
    fn ago_reads_naturally() {
        assert_eq!(ago(5), "5s ago");
        assert_eq!(ago(125), "2m ago");
        assert_eq!(ago(7300), "2h ago");
    }
}
