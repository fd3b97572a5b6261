//! What the message viewer costs on the largest bodies SQS carries (1 MiB): the time to
//! open the viewer on one (the detail pane's layout) and the time per frame while scrolling
//! through it (drawing the visible lines at 120x40 on ratatui's TestBackend), and the
//! time of a `/` search over it (once per pattern), of n with its frame, and of Z.
//!
//! Run: `cargo bench --bench viewer` (prints figures; it asserts nothing). Under
//! `cargo test --all-targets` it is only compiled and says it skipped.

use std::hint::black_box;
use std::time::{Instant, SystemTime};

use ratatui::Terminal;
use ratatui::backend::TestBackend;
use squall::app::action::PeekResult;
use squall::app::effect::PeekRequest;
use squall::app::jobs::{JobId, Jobs};
use squall::app::keymap::KeyAction;
use squall::app::keymap::Keymap;
use squall::app::loads::Loads;
use squall::app::views::viewer::MessagesView;
use squall::app::views::{Ask, Ctx, Draw, View};
use squall::config::Config;
use squall::domain::message::ReceivedMessage;
use squall::inventory::Inventory;
use squall::messages::{PeekEnd, PeekProgress, PeekReport, PeekShape};
use squall::ui::Theme;

const MIB: usize = 1024 * 1024;
const FRAMES: usize = 200;

/// A 1 MiB JSON body: an array of nested order objects, pretty-printed over many lines.
fn json_body() -> String {
    let mut body = String::from("[");
    let mut i = 0;
    while body.len() < MIB - 200 {
        if i > 0 {
            body.push(',');
        }
        body.push_str(&format!(
            r#"{{"order_id":"ord-{i:07}","amount":{}.{:02},"paid":{},"customer":{{"id":{i},"tags":["a","b"],"note":"line \"{i}\" \u00e9"}}}}"#,
            i % 1000,
            i % 100,
            i % 2 == 0
        ));
        i += 1;
    }
    body.push(']');
    body
}

/// A 1 MiB plain text body: log-like lines of about 100 characters.
fn text_body() -> String {
    let mut body = String::new();
    let mut i = 0;
    while body.len() < MIB - 200 {
        body.push_str(&format!(
            "2026-11-22T10:{:02}:{:02}Z worker-{} processed order ord-{i:07} in {} ms, status ok\n",
            i % 60,
            i % 60,
            i % 8,
            i % 997
        ));
        i += 1;
    }
    body
}

fn result(body: String) -> PeekResult {
    PeekResult {
        job: JobId(1),
        request: PeekRequest {
            queue_url: "https://sqs/1/orders".into(),
            queue_name: "orders".into(),
            count: 1,
            max_receive_count: Some(5),
            dlq_name: Some("orders-dlq".into()),
        },
        messages: vec![ReceivedMessage {
            message_id: "11111111-aaaa".into(),
            receipt_handle: "h".into(),
            body,
            md5_of_body: None,
            attributes: Default::default(),
            message_attributes: Default::default(),
        }],
        report: PeekReport {
            shape: PeekShape::Sample,
            progress: PeekProgress::default(),
            end: PeekEnd::Drained,
            hold_lost: Vec::new(),
            release: Default::default(),
        },
    }
}

fn measure(name: &str, body: String) {
    let bytes = body.len();
    let started = Instant::now();
    let mut view = MessagesView::new(result(body));
    let open = started.elapsed();

    let inventory = Inventory::default();
    let loads = Loads::default();
    let jobs = Jobs::default();
    let keymap = Keymap::default();
    let metrics = squall::metrics::MetricsEngine::default();
    let redrives = squall::app::redrive::Redrives::default();
    let whoami = squall::app::whoami::WhoamiState::default();
    let logs = squall::app::logs::LogsState::default();
    let fleet = squall::app::fleet::Fleet::default();
    let ctx = Ctx {
        inventory: &inventory,
        loads: &loads,
        jobs: &jobs,
        keymap: &keymap,
        metrics: &metrics,
        redrives: &redrives,
        whoami: &whoami,
        logs: &logs,
        fleet: &fleet,
        now: SystemTime::UNIX_EPOCH,
        rows: 38,
        read_only: false,
        spinner_frame: 0,
    };
    let theme = Theme::new(Config::defaults().expect("defaults").colors, true, false);
    let mut terminal = Terminal::new(TestBackend::new(120, 40)).expect("terminal");
    let started = Instant::now();
    for frame in 0..FRAMES {
        // A page of scrolling per frame, spread over the whole body.
        view.scroll = frame * 30;
        terminal
            .draw(|f| view.draw(f, f.area(), &ctx, &theme))
            .expect("draw");
        black_box(terminal.backend());
    }
    let per_frame = started.elapsed() / FRAMES as u32;
    println!(
        "viewer {name:<5} {bytes} bytes: open {:>9.3} ms, scroll {:>7.3} ms per frame ({} lines laid out)",
        open.as_secs_f64() * 1e3,
        per_frame.as_secs_f64() * 1e3,
        view.detail.len(),
    );

    // `/` then Enter: one search over every line of the body, the matches kept.
    let started = Instant::now();
    let _ = view.answer(Ask::Search, Some("order 0012"), &ctx);
    let _ = view.answer(Ask::Search, Some("ord-000012"), &ctx);
    let search = started.elapsed() / 2;
    let found = view.search.matches.len();
    let started = Instant::now();
    for _ in 0..FRAMES {
        let _ = view.handle(KeyAction::SearchNext, &ctx);
        terminal
            .draw(|f| view.draw(f, f.area(), &ctx, &theme))
            .expect("draw");
        black_box(terminal.backend());
    }
    let per_jump = started.elapsed() / FRAMES as u32;
    // Z twice: fold all but the outermost, then unfold all (the line map rebuilt each time).
    let started = Instant::now();
    let _ = view.handle(KeyAction::FoldAll, &ctx);
    let _ = view.handle(KeyAction::FoldAll, &ctx);
    let fold = started.elapsed() / 2;
    println!(
        "viewer {name:<5} search {:>9.3} ms per pattern ({found} matches), n + frame {:>7.3} ms, fold all {:>7.3} ms",
        search.as_secs_f64() * 1e3,
        per_jump.as_secs_f64() * 1e3,
        fold.as_secs_f64() * 1e3,
    );
}

fn main() {
    if !std::env::args().any(|a| a == "--bench") {
        println!(
            "viewer bench: skipped (not run under `cargo bench`); use `cargo bench --bench viewer`"
        );
        return;
    }
    measure("json", json_body());
    measure("text", text_body());
}
