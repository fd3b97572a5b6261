//! Styles by role, from the configured colours; NO_COLOR and non-UTF-8 terminals degrade
//! to modifiers and ASCII.

use ratatui::style::{Color, Modifier, Style};
use ratatui::symbols::border;

use crate::config::ThemeColors;

#[derive(Debug, Clone, Copy, PartialEq)]
pub struct Theme {
    pub colors: ThemeColors,
    /// False under NO_COLOR: styles use bold/reverse only.
    pub color: bool,
    /// True when the terminal cannot show UTF-8: ASCII borders, spinner and ellipsis.
    pub ascii: bool,
}

const ASCII_BORDER: border::Set = border::Set {
    top_left: "+",
    top_right: "+",
    bottom_left: "+",
    bottom_right: "+",
    vertical_left: "|",
    vertical_right: "|",
    horizontal_top: "-",
    horizontal_bottom: "-",
};

impl Theme {
    pub fn new(colors: ThemeColors, color: bool, ascii: bool) -> Theme {
        Theme {
            colors,
            color,
            ascii,
        }
    }

    /// Reads NO_COLOR and the locale (LC_ALL, LC_CTYPE, LANG) from the environment.
    pub fn from_env(colors: ThemeColors) -> Theme {
        let no_color = std::env::var_os("NO_COLOR").is_some_and(|v| !v.is_empty());
        let locale = ["LC_ALL", "LC_CTYPE", "LANG"]
            .iter()
            .find_map(|k| std::env::var(k).ok().filter(|v| !v.is_empty()))
            .unwrap_or_default()
            .to_ascii_lowercase();
        let utf8 = locale.contains("utf-8") || locale.contains("utf8");
        Theme::new(colors, !no_color, !utf8)
    }

    fn fg(&self, color: Color) -> Style {
        if self.color {
            Style::default().fg(color)
        } else {
            Style::default()
        }
    }

    pub fn title(&self) -> Style {
        self.fg(self.colors.title).add_modifier(Modifier::BOLD)
    }

    pub fn header(&self) -> Style {
        self.fg(self.colors.header).add_modifier(Modifier::BOLD)
    }

    pub fn selected(&self) -> Style {
        if self.color {
            Style::default()
                .fg(self.colors.selected_fg)
                .bg(self.colors.selected_bg)
                .add_modifier(Modifier::BOLD)
        } else {
            Style::default().add_modifier(Modifier::REVERSED)
        }
    }

    /// A search match that is not the current one (the current one is `selected`).
    pub fn search_match(&self) -> Style {
        if self.color {
            Style::default()
                .fg(self.colors.selected_fg)
                .bg(self.colors.header)
        } else {
            Style::default().add_modifier(Modifier::UNDERLINED)
        }
    }

    pub fn border(&self) -> Style {
        self.fg(self.colors.border)
    }

    pub fn dim(&self) -> Style {
        if self.color {
            self.fg(self.colors.dim)
        } else {
            Style::default().add_modifier(Modifier::DIM)
        }
    }

    pub fn dlq(&self) -> Style {
        self.fg(self.colors.dlq)
    }

    /// A DLQ with messages in it: the thing on fire.
    pub fn alert(&self) -> Style {
        self.fg(self.colors.error).add_modifier(Modifier::BOLD)
    }

    pub fn warning(&self) -> Style {
        self.fg(self.colors.warning)
    }

    pub fn error(&self) -> Style {
        self.fg(self.colors.error).add_modifier(Modifier::BOLD)
    }

    pub fn ok(&self) -> Style {
        self.fg(self.colors.ok)
    }

    pub fn badge(&self) -> Style {
        if self.color {
            Style::default()
                .fg(Color::Black)
                .bg(self.colors.read_only_badge)
                .add_modifier(Modifier::BOLD)
        } else {
            Style::default().add_modifier(Modifier::REVERSED | Modifier::BOLD)
        }
    }

    pub fn border_set(&self) -> border::Set<'static> {
        if self.ascii {
            ASCII_BORDER
        } else {
            border::ROUNDED
        }
    }

    pub fn spinner(&self, frame: usize) -> &'static str {
        const UNICODE: [&str; 10] = ["⠋", "⠙", "⠹", "⠸", "⠼", "⠴", "⠦", "⠧", "⠇", "⠏"];
        const ASCII: [&str; 4] = ["|", "/", "-", "\\"];
        if self.ascii {
            ASCII[frame % ASCII.len()]
        } else {
            UNICODE[frame % UNICODE.len()]
        }
    }

    pub fn ellipsis(&self) -> &'static str {
        if self.ascii { "~" } else { "…" }
    }

    pub fn separator(&self) -> &'static str {
        if self.ascii { " > " } else { " › " }
    }

    pub fn sort_arrow(&self, descending: bool) -> &'static str {
        match (self.ascii, descending) {
            (true, true) => "v",
            (true, false) => "^",
            (false, true) => "▼",
            (false, false) => "▲",
        }
    }
}
