//! Every attribute of one queue, policies pretty-printed.

use ratatui::Frame;
use ratatui::layout::Rect;
use ratatui::text::{Line, Span};
use ratatui::widgets::{Block, Borders, Paragraph};

use super::Theme;
use super::text::{sanitize, truncate};
use crate::app::App;

/// The attribute lines of a queue: `Name  value`, JSON values spread over several lines.
pub fn attribute_lines(
    attributes: &std::collections::BTreeMap<String, String>,
) -> Vec<(String, String)> {
    let mut lines = Vec::new();
    for (name, value) in attributes {
        let pretty = serde_json::from_str::<serde_json::Value>(value)
            .ok()
            .filter(|v| v.is_object() || v.is_array())
            .and_then(|v| serde_json::to_string_pretty(&v).ok());
        match pretty {
            Some(json) => {
                for (i, line) in json.lines().enumerate() {
                    let label = if i == 0 { name.clone() } else { String::new() };
                    lines.push((label, line.to_string()));
                }
            }
            None => lines.push((name.clone(), value.clone())),
        }
    }
    lines
}

pub fn draw(frame: &mut Frame, area: Rect, app: &App, theme: &Theme, url: &str, scroll: usize) {
    let name = crate::domain::arn::queue_name_from_url(url).to_string();
    let block = Block::default()
        .borders(Borders::ALL)
        .border_set(theme.border_set())
        .border_style(theme.border())
        .title(Line::from(vec![Span::styled(
            format!(" Queue {name} "),
            theme.title(),
        )]));
    let inner = block.inner(area);
    frame.render_widget(block, area);

    let Some(queue) = app.queues.queue_by_url(url) else {
        frame.render_widget(
            Paragraph::new("This queue is gone: it was not in the last listing.")
                .style(theme.warning()),
            inner,
        );
        return;
    };
    let label_width = queue
        .attributes
        .keys()
        .map(String::len)
        .max()
        .unwrap_or(0)
        .clamp(4, 40);
    let value_width = (inner.width as usize).saturating_sub(label_width + 2);
    let mut lines = vec![Line::from(vec![
        Span::styled(format!("{:label_width$}  ", "URL"), theme.header()),
        Span::raw(truncate(&queue.url, value_width, theme.ellipsis())),
    ])];
    for (label, value) in attribute_lines(&queue.attributes) {
        lines.push(Line::from(vec![
            Span::styled(format!("{label:label_width$}  "), theme.header()),
            Span::raw(truncate(&sanitize(&value), value_width, theme.ellipsis())),
        ]));
    }
    let scroll = scroll.min(lines.len().saturating_sub(1));
    frame.render_widget(Paragraph::new(lines).scroll((scroll as u16, 0)), inner);
}
