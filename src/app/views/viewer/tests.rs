use std::time::SystemTime;

use super::*;
use crate::app::jobs::{JobId, Jobs};
use crate::app::keymap::Keymap;
use crate::app::loads::Loads;
use crate::app::views::viewer::detail::tests::{ENVELOPE, message};
use crate::inventory::Inventory;
use crate::messages::{PeekProgress, PeekReport, PeekShape};

fn result(messages: Vec<ReceivedMessage>, max_receive_count: Option<u32>) -> PeekResult {
    PeekResult {
        job: JobId(1),
        request: PeekRequest {
            queue_url: "https://sqs/1/orders".into(),
            queue_name: "orders".into(),
            count: 10,
            max_receive_count,
            dlq_name: max_receive_count.map(|_| "orders-dlq".to_string()),
        },
        messages,
        report: PeekReport {
            shape: PeekShape::Sample,
            progress: PeekProgress::default(),
            end: PeekEnd::Drained,
            hold_lost: Vec::new(),
            release: Default::default(),
        },
    }
}

fn sample() -> MessagesView {
    MessagesView::new(result(
        vec![
            message("11111111-aaaa", r#"{"event":"a"}"#, 2),
            message("22222222-bbbb", ENVELOPE, 5),
            message("33333333-cccc", "first line\n\u{1b}[2Jsecond", 1),
        ],
        Some(5),
    ))
}

fn with_ctx<T>(rows: usize, f: impl FnOnce(&Ctx) -> T) -> T {
    let inventory = Inventory::default();
    let loads = Loads::default();
    let jobs = Jobs::default();
    let keymap = Keymap::default();
    let ctx = Ctx {
        inventory: &inventory,
        loads: &loads,
        jobs: &jobs,
        keymap: &keymap,
        now: SystemTime::UNIX_EPOCH,
        rows,
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
    with_ctx(20, |ctx| view.handle(key, ctx))
}

fn first_line(view: &MessagesView) -> String {
    view.detail
        .line(0)
        .expect("a line")
        .iter()
        .map(|s| s.text.as_str())
        .collect()
}

#[test]
fn the_sample_is_titled_as_one_and_its_rows_are_built_once() {
    let view = sample();
    assert_eq!(
        view.title,
        "sample of 3 from orders, receive counts rose by one, 1 now at the limit"
    );
    assert_eq!(view.crumb(), "sample orders");
    let row = &view.rows[1];
    assert_eq!(row.id, "22222222");
    assert_eq!(row.receives, "5/5");
    assert!(row.at_limit);
    assert_eq!(row.sent, "01-15 08:00:00");
    assert_eq!(row.preview, r#"sns: {"event":"order_placed","id":7}"#);
    assert_eq!(view.rows[2].preview, "first line");
    assert_eq!(view.rows[0].size, "13 B");
    assert!(!view.grouped);
    assert_eq!(first_line(&view), "message 1 of 3  id 11111111-aaaa");
}

#[test]
fn j_and_k_move_the_selection_and_lay_out_the_pane_again() {
    let mut view = sample();
    assert!(matches!(
        press(&mut view, KeyAction::Down),
        Outcome::Handled
    ));
    assert_eq!(view.selected, 1);
    assert_eq!(first_line(&view), "message 2 of 3  id 22222222-bbbb");
    press(&mut view, KeyAction::Bottom);
    press(&mut view, KeyAction::Down);
    assert_eq!(view.selected, 2, "stops at the last message");
    let pane: Vec<String> = view
        .detail
        .to_vec()
        .iter()
        .map(|l| l.iter().map(|s| s.text.as_str()).collect())
        .collect();
    assert!(pane.contains(&"\\x1b[2Jsecond".to_string()), "{pane:#?}");
    press(&mut view, KeyAction::Top);
    press(&mut view, KeyAction::Up);
    assert_eq!(view.selected, 0, "stops at the first");
}

#[test]
fn v_toggles_the_raw_envelope_only_on_an_envelope_and_resets_on_moving() {
    let mut view = sample();
    let text = view.detail.clone();
    assert!(matches!(
        press(&mut view, KeyAction::ToggleRaw),
        Outcome::Handled
    ));
    assert!(!view.raw_envelope);
    assert!(
        view.hex,
        "v on a body that is not an envelope shows it as hex"
    );
    assert!(
        view.detail
            .to_vec()
            .iter()
            .map(|l| l.iter().map(|s| s.text.as_str()).collect::<String>())
            .any(|l| l.starts_with("00000000  7b 22 65 76"))
    );
    press(&mut view, KeyAction::ToggleRaw);
    assert_eq!(view.detail, text, "v again shows the text");
    press(&mut view, KeyAction::Down);
    let unwrapped = view.detail.clone();
    assert!(matches!(
        press(&mut view, KeyAction::ToggleRaw),
        Outcome::Handled
    ));
    assert!(view.raw_envelope);
    assert_ne!(view.detail, unwrapped);
    press(&mut view, KeyAction::ToggleRaw);
    assert_eq!(view.detail, unwrapped, "v again unwraps it");
    press(&mut view, KeyAction::ToggleRaw);
    press(&mut view, KeyAction::Down);
    press(&mut view, KeyAction::Up);
    assert!(!view.raw_envelope, "the next message opens unwrapped");
    assert!(!view.hex);
    assert_eq!(view.detail, unwrapped);
}

#[test]
fn y_copies_the_selected_body_exactly() {
    let mut view = sample();
    press(&mut view, KeyAction::Bottom);
    match press(&mut view, KeyAction::Yank) {
        Outcome::Effects(effects) => assert_eq!(
            effects,
            vec![Effect::Copy("first line\n\u{1b}[2Jsecond".into())]
        ),
        other => panic!("{other:?}"),
    }
}

#[test]
fn page_keys_scroll_the_pane_and_stop_at_its_last_line() {
    let mut view = sample();
    press(&mut view, KeyAction::Down);
    let lines = view.detail.len();
    // 20 table rows: a 23-row body, 3 list rows, so the pane shows 15 lines.
    let (list, pane) = split_rows(23, 3);
    assert_eq!((list, pane), (3, 15));
    assert!(
        lines > pane,
        "the envelope's pane is longer than the screen"
    );
    press(&mut view, KeyAction::PageDown);
    assert_eq!(view.scroll, 7);
    for _ in 0..10 {
        press(&mut view, KeyAction::PageDown);
    }
    assert_eq!(view.scroll, lines - pane);
    press(&mut view, KeyAction::PageUp);
    assert_eq!(view.scroll, lines - pane - 7);
    press(&mut view, KeyAction::Down);
    assert_eq!(view.scroll, 0, "a new message starts at its top");
}

#[test]
fn the_list_takes_at_most_a_third_of_the_screen() {
    assert_eq!(split_rows(21, 10), (7, 9));
    assert_eq!(split_rows(37, 10), (10, 22));
    assert_eq!(split_rows(9, 10), (3, 1));
}

#[test]
fn the_view_never_resyncs_from_the_inventory() {
    let view = sample();
    let before = with_ctx(20, |ctx| view.revision(ctx));
    let mut inventory = Inventory::default();
    inventory.revision += 5;
    let loads = Loads::default();
    let jobs = Jobs::default();
    let keymap = Keymap::default();
    let ctx = Ctx {
        inventory: &inventory,
        loads: &loads,
        jobs: &jobs,
        keymap: &keymap,
        now: SystemTime::UNIX_EPOCH,
        rows: 20,
        read_only: false,
        spinner_frame: 0,
        metrics: &crate::metrics::MetricsEngine::default(),
        redrives: &crate::app::redrive::Redrives::default(),
        whoami: &crate::app::whoami::WhoamiState::default(),
        logs: &crate::app::logs::LogsState::default(),
        fleet: &crate::app::fleet::Fleet::default(),
    };
    assert_eq!(view.revision(&ctx), before);
}

#[test]
fn a_body_of_control_characters_opens_as_hex() {
    let view = MessagesView::new(result(
        vec![message("44444444-dddd", "\u{0}\u{1}\u{2}\u{3}bin", 1)],
        Some(5),
    ));
    assert!(view.hex);
    let lines: Vec<String> = view
        .detail
        .to_vec()
        .iter()
        .map(|l| l.iter().map(|s| s.text.as_str()).collect())
        .collect();
    assert!(
        lines.contains(&"Body, hex  (v shows it as text)".to_string()),
        "{lines:#?}"
    );
    assert!(
        lines
            .iter()
            .any(|l| l.starts_with("00000000  00 01 02 03 62 69 6e")),
        "{lines:#?}"
    );
}
