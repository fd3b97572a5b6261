//! The two shapes every overlay and panel shares: a bordered panel with a title in the
//! theme's border set, and a dialog centred over an area.

use ratatui::Frame;
use ratatui::layout::Rect;
use ratatui::style::Style;
use ratatui::text::Line;
use ratatui::widgets::{Block, Borders, Clear};

use super::Theme;

/// A bordered panel: the theme's border set (ASCII where only ASCII shows), its border in
/// `border`, and `title` on the top edge.
pub fn panel<'a>(title: impl Into<Line<'a>>, border: Style, theme: &Theme) -> Block<'a> {
    Block::default()
        .borders(Borders::ALL)
        .border_set(theme.border_set())
        .border_style(border)
        .title(title)
}

/// A `width` × `height` area centred in `area` (clipped to it). An odd margin leaves the
/// extra cell below and to the right, as squall always drew it (`Flex::Center` gives it to
/// the top, which would move every dialog by a row).
pub fn centred(area: Rect, width: u16, height: u16) -> Rect {
    let (width, height) = (width.min(area.width), height.min(area.height));
    Rect {
        x: area.x + (area.width - width) / 2,
        y: area.y + (area.height - height) / 2,
        width,
        height,
    }
}

/// Draws `block` as a dialog over whatever is under `area` (cleared first); returns the
/// area inside its borders.
pub fn dialog(frame: &mut Frame, area: Rect, block: Block) -> Rect {
    let inner = block.inner(area);
    frame.render_widget(Clear, area);
    frame.render_widget(block, area);
    inner
}
