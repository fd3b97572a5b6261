//! Snapshot tests (80x24) of the viewer's search and folding, and of the send form and its
//! confirm dialog, over the demo world on a frozen clock.

mod support;

use ratatui::Terminal;
use ratatui::backend::TestBackend;
use ratatui::crossterm::event::{KeyCode, KeyEvent, KeyModifiers};
use ratatui::style::Modifier;
use squall::app::modals::Modal;
use squall::app::{Action, App, update};
use squall::config::Config;
use squall::domain::message::ReceivedMessage;
use squall::ui::{self, Theme};
use support::sim_app::*;

const ORDER: &str = r#"{"event":"order_placed","order":{"id":7,"customer":{"id":"c-9","address":{"city":"Lyon","zip":"69001"}},"lines":[{"sku":"A-1","qty":2},{"sku":"B-2","qty":1}]},"note":"ship \u001b[2J fast"}"#;

fn received(id: &str, body: &str) -> ReceivedMessage {
    let sent = (START_S - 60) * 1000;
    ReceivedMessage {
        message_id: id.into(),
        receipt_handle: "h".into(),
        body: body.into(),
        md5_of_body: None,
        attributes: [
            ("ApproximateReceiveCount".to_string(), "2".to_string()),
            ("SentTimestamp".to_string(), sent.to_string()),
        ]
        .into(),
        message_attributes: Default::default(),
    }
}

/// The viewer on `bodies`, JSON spans opening at depth 2 or deeper folded.
fn viewer(bodies: &[&str]) -> App {
    let mut app = loaded_app(&backend());
    app.fold_depth = 2;
    let messages = bodies
        .iter()
        .enumerate()
        .map(|(i, b)| received(&format!("0f3c1a52-7d1e-4e55-9a0b-00000000000{i}"), b))
        .collect();
    open_viewer(&mut app, messages);
    app
}

fn ctrl(app: &mut App, c: char) {
    let _ = update(
        app,
        Action::Key(KeyEvent::new(KeyCode::Char(c), KeyModifiers::CONTROL)),
    );
}

/// The modifiers of the first cell of `needle` inside the pane's JSON (`"needle"`).
fn match_cells(app: &App, width: u16, height: u16, needle: &str) -> Vec<Modifier> {
    marks(app, width, height, &format!("\"{needle}\""))
        .into_iter()
        .map(|(_, after)| after)
        .collect()
}

/// For each row showing `needle`: the modifiers of its first cell and of the next one
/// (drawn without colour, as under NO_COLOR).
fn marks(app: &App, width: u16, height: u16, needle: &str) -> Vec<(Modifier, Modifier)> {
    let theme = Theme::new(Config::defaults().expect("defaults").colors, false, false);
    let mut terminal = Terminal::new(TestBackend::new(width, height)).expect("terminal");
    terminal
        .draw(|frame| ui::draw(frame, app, &theme))
        .expect("draw");
    let buffer = terminal.backend().buffer();
    let mut found = Vec::new();
    for y in 0..height {
        let row: String = (0..width)
            .map(|x| buffer[(x, y)].symbol().to_string())
            .collect();
        // Every column here is one character wide (ASCII bodies).
        if let Some(at) = row.find(needle) {
            let at = at as u16;
            found.push((buffer[(at, y)].modifier, buffer[(at + 1, y)].modifier));
        }
    }
    found
}

#[test]
fn viewer_search_highlights_matches_and_counts_them() {
    let mut app = viewer(&[ORDER]);
    // "lines" starts folded; the search opens what hides a match.
    type_keys(&mut app, "/sku");
    insta::assert_snapshot!(
        "viewer_search_prompt_80x24",
        render(&mut app, 80, 24, false)
    );
    press(&mut app, KeyCode::Enter);
    press(&mut app, KeyCode::Char('n'));
    insta::assert_snapshot!(
        "viewer_search_highlights_80x24",
        render(&mut app, 80, 24, false)
    );
    // The cell of the opening quote is not part of the match; the next one is.
    let cells = match_cells(&app, 80, 24, "sku");
    assert_eq!(cells.len(), 2, "{cells:?}");
    assert!(
        cells[0].contains(Modifier::UNDERLINED),
        "a match: {cells:?}"
    );
    assert!(
        cells[1].contains(Modifier::REVERSED),
        "the current one: {cells:?}"
    );
    press(&mut app, KeyCode::Esc);
    assert!(
        !render(&mut app, 80, 24, false).contains("/sku"),
        "Esc clears"
    );
}

#[test]
fn viewer_folded_json_body() {
    let mut app = viewer(&[ORDER]);
    insta::assert_snapshot!("viewer_json_folded_80x24", render(&mut app, 80, 24, false));
    // Into the body, down to "lines", and z opens it (its objects, deeper, stay folded).
    press(&mut app, KeyCode::Enter);
    for _ in 0..10 {
        press(&mut app, KeyCode::Char('j'));
    }
    press(&mut app, KeyCode::Char('z'));
    insta::assert_snapshot!(
        "viewer_json_unfolded_one_80x24",
        render(&mut app, 80, 24, false)
    );
}

#[test]
fn send_form_and_its_confirm_dialog() {
    let mut app = loaded_app(&backend());
    type_keys(&mut app, ":queues");
    press(&mut app, KeyCode::Enter);
    press(&mut app, KeyCode::Char('m'));
    assert!(matches!(app.modal, Some(Modal::Form(_))));
    type_keys(&mut app, "{\"event\":\"replay\",");
    press(&mut app, KeyCode::Enter);
    type_keys(&mut app, " \"id\":7}");
    press(&mut app, KeyCode::Tab);
    type_keys(&mut app, "tenant=acme");
    press(&mut app, KeyCode::Enter);
    type_keys(&mut app, "broken line");
    ctrl(&mut app, 's');
    insta::assert_snapshot!(
        "send_form_with_an_error_80x24",
        render(&mut app, 80, 24, false)
    );
    for _ in 0.."broken line".len() + 1 {
        press(&mut app, KeyCode::Backspace);
    }
    ctrl(&mut app, 's');
    assert!(matches!(app.modal, Some(Modal::Confirm(_))));
    insta::assert_snapshot!("send_confirm_dialog_80x24", render(&mut app, 80, 24, false));
    // Cancelled: the form opens again as it was.
    press(&mut app, KeyCode::Esc);
    press(&mut app, KeyCode::Char('m'));
    let Some(Modal::Form(form)) = &app.modal else {
        panic!("the form again");
    };
    assert_eq!(form.body.text(), "{\"event\":\"replay\",\n \"id\":7}");
}

#[test]
fn read_only_has_no_send_key() {
    let mut app = loaded_app(&backend());
    app.read_only = true;
    type_keys(&mut app, ":queues");
    press(&mut app, KeyCode::Enter);
    let screen = render(&mut app, 120, 30, false);
    assert!(!screen.contains("<m> send"), "{screen}");
    press(&mut app, KeyCode::Char('m'));
    assert!(app.modal.is_none());
    assert!(
        app.message
            .as_ref()
            .is_some_and(|m| m.text.starts_with("read-only"))
    );
    press(&mut app, KeyCode::Char('?'));
    let help = render(&mut app, 120, 60, false);
    assert!(!help.contains("Send a message"), "{help}");
    assert!(!help.contains("ctrl-s"), "{help}");
}
