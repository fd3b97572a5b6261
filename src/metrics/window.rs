//! Chart windows and the CloudWatch period each one is asked at: one-minute points up to
//! three hours, coarser beyond so a window never holds more than ~300 points.

use std::fmt;

#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord, Default)]
pub enum Window {
    M15,
    #[default]
    H1,
    H3,
    H12,
    D1,
    D3,
}

impl Window {
    pub const ALL: [Window; 6] = [
        Window::M15,
        Window::H1,
        Window::H3,
        Window::H12,
        Window::D1,
        Window::D3,
    ];

    pub fn span_s(self) -> i64 {
        match self {
            Window::M15 => 15 * 60,
            Window::H1 => 3600,
            Window::H3 => 3 * 3600,
            Window::H12 => 12 * 3600,
            Window::D1 => 24 * 3600,
            Window::D3 => 72 * 3600,
        }
    }

    pub fn span_ms(self) -> i64 {
        self.span_s() * 1000
    }

    /// The period asked of CloudWatch for this window.
    pub fn period_s(self) -> u32 {
        match self {
            Window::M15 | Window::H1 | Window::H3 => 60,
            Window::H12 | Window::D1 => 300,
            Window::D3 => 900,
        }
    }

    /// The next longer window (`]`), staying at the longest.
    pub fn longer(self) -> Window {
        let i = Window::ALL.iter().position(|w| *w == self).unwrap_or(0);
        Window::ALL[(i + 1).min(Window::ALL.len() - 1)]
    }

    /// The next shorter window (`[`), staying at the shortest.
    pub fn shorter(self) -> Window {
        let i = Window::ALL.iter().position(|w| *w == self).unwrap_or(0);
        Window::ALL[i.saturating_sub(1)]
    }

    /// `15m`, `1h`, `3h`, `12h`, `1d`, `3d` (also `60m`, `24h`, `72h`).
    pub fn parse(text: &str) -> Result<Window, String> {
        let seconds = humantime::parse_duration(text.trim())
            .map_err(|e| format!("{text:?} is not a window ({e}); try 15m, 1h, 3h, 12h, 1d or 3d"))?
            .as_secs();
        Window::ALL
            .into_iter()
            .find(|w| w.span_s() as u64 == seconds)
            .ok_or_else(|| format!("no {text} window; windows are 15m, 1h, 3h, 12h, 1d and 3d"))
    }
}

impl fmt::Display for Window {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(match self {
            Window::M15 => "15m",
            Window::H1 => "1h",
            Window::H3 => "3h",
            Window::H12 => "12h",
            Window::D1 => "1d",
            Window::D3 => "3d",
        })
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn windows_parse_step_and_keep_points_few() {
        assert_eq!(Window::parse("3h"), Ok(Window::H3));
        assert_eq!(Window::parse("24h"), Ok(Window::D1));
        assert!(Window::parse("2h").is_err());
        assert!(Window::parse("soon").is_err());
        assert_eq!(Window::M15.shorter(), Window::M15);
        assert_eq!(Window::D3.longer(), Window::D3);
        assert_eq!(Window::H1.longer(), Window::H3);
        for w in Window::ALL {
            assert!(w.span_s() / i64::from(w.period_s()) <= 300, "{w}");
            assert_eq!(Window::parse(&w.to_string()), Ok(w));
        }
    }
}
