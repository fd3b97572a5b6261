//! The viewer's pane: Enter/Esc focus, the `/` search with n/N, folding, and `e`.

use std::time::SystemTime;

use super::super::*;
use super::*;
use crate::app::effect::Work;
use crate::app::jobs::{JobId, Jobs};
use crate::app::keymap::Keymap;
use crate::app::loads::Loads;
use crate::app::views::viewer::detail::tests::message;
use crate::inventory::Inventory;
use crate::messages::{PeekProgress, PeekReport, PeekShape};

const DEEP: &str = r#"{"order":{"id":"ord-1","lines":[{"sku":"needle","qty":1},{"sku":"b","qty":2}]},"note":"needle"}"#;

fn view(bodies: &[&str], fold_depth: usize) -> MessagesView {
    MessagesView::folded(
        PeekResult {
            job: JobId(1),
            request: PeekRequest {
                queue_url: "https://sqs/1/orders".into(),
                queue_name: "orders".into(),
                count: 10,
                max_receive_count: None,
                dlq_name: None,
            },
            messages: bodies
                .iter()
                .enumerate()
                .map(|(i, b)| message(&format!("m-{i}"), b, 1))
                .collect(),
            report: PeekReport {
                shape: PeekShape::Sample,
                progress: PeekProgress::default(),
                end: PeekEnd::Drained,
                hold_lost: Vec::new(),
                release: Default::default(),
            },
        },
        fold_depth,
    )
}

fn with_ctx<T>(f: impl FnOnce(&Ctx) -> T) -> T {
    let (inventory, loads, jobs, keymap) = (
        Inventory::default(),
        Loads::default(),
        Jobs::default(),
        Keymap::default(),
    );
    let ctx = Ctx {
        inventory: &inventory,
        loads: &loads,
        jobs: &jobs,
        keymap: &keymap,
        now: SystemTime::UNIX_EPOCH + std::time::Duration::from_secs(1_800_000_000),
        rows: 20,
        read_only: false,
        spinner_frame: 0,
        metrics: &crate::metrics::MetricsEngine::default(),
        redrives: &crate::app::redrive::Redrives::default(),
        whoami: &crate::app::whoami::WhoamiState::default(),
        logs: &crate::app::logs::LogsState::default(),
        fleet: &crate::app::fleet::Fleet::default(),
    };
    f(&ctx)
}

fn press(view: &mut MessagesView, key: KeyAction) -> Outcome {
    with_ctx(|ctx| view.handle(key, ctx))
}

fn answer(view: &mut MessagesView, ask: Ask, text: Option<&str>) -> Result<Outcome, String> {
    with_ctx(|ctx| view.answer(ask, text, ctx))
}

fn text_of(view: &MessagesView, line: usize) -> String {
    let mut text = String::new();
    view.detail.write_line(line, &mut text);
    text
}

#[test]
fn slash_asks_for_a_pattern_and_enter_finds_and_jumps_to_the_first_match() {
    let mut view = view(&[DEEP, "no such thing"], 0);
    assert!(matches!(
        press(&mut view, KeyAction::Filter),
        Outcome::Ask { ask: Ask::Search, text } if text.is_empty()
    ));
    assert!(matches!(
        answer(&mut view, Ask::Search, Some("needle")),
        Ok(Outcome::Handled)
    ));
    assert_eq!(view.search.position(), "1/2");
    let first = view.search.matches[0];
    assert_eq!(view.cursor, first.line);
    assert!(text_of(&view, first.line).contains("\"needle\""));
    press(&mut view, KeyAction::SearchNext);
    assert_eq!(view.search.position(), "2/2");
    assert_eq!(view.cursor, view.search.matches[1].line);
    press(&mut view, KeyAction::SearchNext);
    assert_eq!(view.search.position(), "1/2", "n wraps");
    press(&mut view, KeyAction::SearchPrevious);
    assert_eq!(view.search.position(), "2/2", "N goes back");
    // The pattern follows the selection to the next message, searched once there.
    press(&mut view, KeyAction::Down);
    assert_eq!(view.search.pattern, "needle");
    assert_eq!(view.search.position(), "0/0");
    // Esc clears the search before it leaves the viewer.
    assert!(matches!(
        press(&mut view, KeyAction::Back),
        Outcome::Handled
    ));
    assert!(!view.search.is_active());
    assert!(matches!(
        press(&mut view, KeyAction::Back),
        Outcome::Ignored
    ));
    assert!(matches!(
        press(&mut view, KeyAction::SearchNext),
        Outcome::Message(..)
    ));
}

#[test]
fn esc_in_the_search_prompt_clears_the_search() {
    let mut view = view(&[DEEP], 0);
    let _ = answer(&mut view, Ask::Search, Some("needle"));
    assert!(view.search.is_active());
    let _ = answer(&mut view, Ask::Search, None);
    assert!(!view.search.is_active());
}

#[test]
fn deep_spans_start_folded_and_z_or_enter_toggle_the_one_at_the_cursor() {
    let mut view = view(&[DEEP], 2);
    assert!(view.detail.any_folded());
    let folded = (0..view.detail.len())
        .find(|&l| text_of(&view, l).contains("[…] 2 items"))
        .expect("the lines array folded");
    // Enter goes into the body; j moves the cursor there, not the selection.
    press(&mut view, KeyAction::Open);
    assert_eq!(view.focus, Focus::Pane);
    for _ in 0..folded {
        press(&mut view, KeyAction::Down);
    }
    assert_eq!(view.cursor, folded);
    let before = view.detail.len();
    press(&mut view, KeyAction::Fold);
    assert_eq!(
        view.detail.len(),
        before + 3,
        "unfolded: its two objects (folded, deeper) and the closing bracket"
    );
    press(&mut view, KeyAction::Open);
    assert_eq!(view.detail.len(), before, "Enter folds it again");
    assert_eq!(view.cursor, folded);
    // Z unfolds everything, and again folds all but the outermost.
    press(&mut view, KeyAction::FoldAll);
    assert!(!view.detail.any_folded());
    press(&mut view, KeyAction::FoldAll);
    assert!(view.detail.any_folded());
    // Esc comes back out to the list.
    press(&mut view, KeyAction::Back);
    assert_eq!(view.focus, Focus::List);
    press(&mut view, KeyAction::Up);
    assert_eq!(view.selected, 0);
}

#[test]
fn a_search_unfolds_what_hides_a_match() {
    let mut view = view(&[DEEP], 1);
    let _ = answer(&mut view, Ask::Search, Some("needle"));
    assert_eq!(view.search.position(), "1/2");
    let line = view.search.matches[0].line;
    assert!(text_of(&view, line).contains(r#""sku": "needle""#));
}

#[test]
fn e_asks_for_a_file_and_enter_starts_the_export_job_with_the_messages_shown() {
    let mut view = view(&[DEEP, "two"], 0);
    let Outcome::Ask {
        ask: Ask::ExportPath,
        text,
    } = press(&mut view, KeyAction::Export)
    else {
        panic!("an export prompt");
    };
    assert_eq!(text, "orders-20270115T080000Z.ndjson");
    assert_eq!(
        answer(&mut view, Ask::ExportPath, Some("  "))
            .err()
            .as_deref(),
        Some("a file name is needed, Esc cancels")
    );
    let Ok(Outcome::Job {
        label,
        work: Work::Export(request),
    }) = answer(&mut view, Ask::ExportPath, Some("/tmp/x.ndjson"))
    else {
        panic!("an export job");
    };
    assert_eq!(label, "export orders");
    assert_eq!(request.path, std::path::PathBuf::from("/tmp/x.ndjson"));
    assert_eq!(request.messages, view.messages);
    assert!(matches!(
        answer(&mut view, Ask::ExportPath, None),
        Ok(Outcome::Message(..))
    ));
}
