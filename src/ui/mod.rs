//! Drawing. Every function here reads state and never changes it. Each view draws
//! itself through its `Draw` implementation in this folder; modals draw over the stack.

pub mod charts;
pub mod confirm;
pub mod describe;
pub mod frame;
pub mod header;
pub mod health;
pub mod help;
pub mod jobs;
pub mod logs;
pub mod prompt_bar;
pub mod redrive;
pub mod resource_table;
pub mod send_form;
pub mod sparkline_column;
pub mod status_bar;
pub mod text;
pub mod topology;
pub mod viewer;
pub mod whoami;

use ratatui::Frame;
use ratatui::layout::{Constraint, Layout, Rect};

use crate::app::App;
use crate::app::modals::Modal;
pub use crate::theme::Theme;

/// Rows of chrome around the table body: header, borders, column header, status bar.
const CHROME_ROWS: u16 = 5;

/// How many table rows fit in a terminal of `height` rows (for paging).
pub fn table_rows_for(height: u16, app: &App) -> usize {
    let extra = u16::from(has_message_line(app));
    height.saturating_sub(CHROME_ROWS + extra).max(1) as usize
}

/// Rows inside the help overlay of a terminal `height` rows high.
pub fn help_rows_for(height: u16) -> usize {
    overlay(Rect::new(0, 0, 100, height))
        .height
        .saturating_sub(2)
        .max(1) as usize
}

fn has_message_line(app: &App) -> bool {
    matches!(
        app.modal,
        Some(Modal::Command(_)) | Some(Modal::Filter(_)) | Some(Modal::Ask { .. })
    ) || app.message.is_some()
}

pub fn draw(frame: &mut Frame, app: &App, theme: &Theme) {
    let area = frame.area();
    let message_rows = u16::from(has_message_line(app));
    let [header_area, body_area, message_area, status_area] = Layout::vertical([
        Constraint::Length(1),
        Constraint::Min(1),
        Constraint::Length(message_rows),
        Constraint::Length(1),
    ])
    .areas(area);

    header::draw(frame, header_area, app, theme);
    app.view().draw(frame, body_area, &app.ctx(), theme);
    if message_rows > 0 {
        prompt_bar::draw(frame, message_area, app, theme);
    }
    status_bar::draw(frame, status_area, app, theme);
    match &app.modal {
        Some(Modal::Help { scroll }) => help::draw(frame, overlay(area), app, theme, *scroll),
        Some(Modal::Confirm(dialog)) => confirm::draw(frame, body_area, dialog, theme),
        Some(Modal::Form(form)) => send_form::draw(frame, body_area, form, app, theme),
        Some(Modal::Redrive(dialog)) => redrive::dialog::draw(frame, body_area, dialog, theme),
        _ => {}
    }
}

/// The help overlay's area: between the header and the status bar, at most 100 wide
/// (full width on narrow terminals, where a margin would only show clutter).
fn overlay(area: Rect) -> Rect {
    let width = area.width.min(100);
    let height = area.height.saturating_sub(2).max(area.height.min(3));
    crate::ui::frame::centred(area, width, height)
}
