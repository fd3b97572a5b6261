//! Headless, through the router, the supervisor and the simulated world: `e` in the viewer
//! writes exactly what `squall export` writes and refuses an existing file; the send form
//! goes through the confirm dialog to the same send engine `squall send` uses.

use ratatui::crossterm::event::{KeyCode, KeyEvent, KeyModifiers};
use tokio::sync::mpsc;
use tokio_util::sync::CancellationToken;

use super::tests::{new_app, settle};
use super::*;
use crate::app::modals::Modal;
use crate::app::target::Target;
use crate::app::views::resource_table::TableView;
use crate::app::views::viewer::MessagesView;
use crate::messages::record::{MessageRecord, to_json_line};
use crate::messages::{PeekOptions, peek};
use crate::sim::{self, SimFleet};

struct Driver {
    app: App,
    supervisor: Supervisor,
    rx: mpsc::UnboundedReceiver<Action>,
}

impl Driver {
    async fn new(backend: Backend) -> Driver {
        let (tx, rx) = mpsc::unbounded_channel();
        let mut driver = Driver {
            app: new_app(),
            supervisor: Supervisor::new(backend, tx, 4),
            rx,
        };
        let effects = crate::app::update::start(&mut driver.app);
        driver.settle(effects).await;
        driver
    }

    async fn settle(&mut self, effects: Vec<Effect>) {
        settle(&mut self.app, &mut self.supervisor, &mut self.rx, effects).await;
    }

    async fn key(&mut self, key: KeyEvent) {
        let effects = update(&mut self.app, Action::Key(key));
        self.settle(effects).await;
    }

    async fn press(&mut self, code: KeyCode) {
        self.key(KeyEvent::from(code)).await;
    }

    async fn type_text(&mut self, text: &str) {
        for c in text.chars() {
            self.press(KeyCode::Char(c)).await;
        }
    }

    /// Moves the queues table's selection to `url`.
    async fn select(&mut self, url: &str) {
        let target = Target::Queue(url.to_string());
        for _ in 0..200 {
            let table = self.app.view_as::<TableView>().expect("a table");
            if table.state.selected_row().map(|r| &r.target) == Some(&target) {
                return;
            }
            self.press(KeyCode::Char('j')).await;
        }
        panic!("no row for {url}");
    }

    /// The first standard queue holding messages, selected in the queues table.
    async fn a_queue_with_messages(&mut self) -> crate::domain::Queue {
        let queue = self
            .app
            .inventory
            .queues()
            .iter()
            .find(|q| !q.fifo && q.counts.visible > 0)
            .cloned()
            .expect("a demo queue holding messages");
        self.select(&queue.url).await;
        queue
    }
}

#[tokio::test]
async fn e_writes_the_messages_shown_as_squall_export_does_and_never_overwrites() {
    let dir = tempfile::tempdir().expect("tempdir");
    let mut driver = Driver::new(sim::backend(SimFleet::demo().frozen()).read_only()).await;
    driver.app.export_dir = dir.path().to_path_buf();
    driver.a_queue_with_messages().await;
    driver.press(KeyCode::Char('p')).await;
    if matches!(driver.app.modal, Some(Modal::Confirm(_))) {
        driver.press(KeyCode::Char('y')).await;
    }
    let viewer = driver
        .app
        .view_as::<MessagesView>()
        .expect("the viewer")
        .clone();

    driver.press(KeyCode::Char('e')).await;
    let Some(Modal::Ask { prompt, .. }) = &driver.app.modal else {
        panic!("the export prompt, got {:?}", driver.app.modal);
    };
    let path = std::path::PathBuf::from(prompt.text());
    assert_eq!(path.parent(), Some(dir.path()));
    let name = path.file_name().and_then(|n| n.to_str()).expect("a name");
    assert!(name.starts_with(&viewer.request.queue_name) && name.ends_with(".ndjson"));
    driver.press(KeyCode::Enter).await;

    let written = std::fs::read_to_string(&path).expect("the export");
    let expected: String = viewer
        .messages
        .iter()
        .map(|m| {
            let record = MessageRecord::from_received(m, viewer.request.max_receive_count);
            format!("{}\n", to_json_line(&record).expect("json"))
        })
        .collect();
    assert_eq!(written, expected);
    let bodies: Vec<String> = written
        .lines()
        .map(|l| MessageRecord::parse(l).expect("a record").body)
        .collect();
    let shown: Vec<String> = viewer.messages.iter().map(|m| m.body.clone()).collect();
    assert_eq!(bodies, shown, "bodies byte for byte");
    let status = driver.app.message.clone().expect("a status").text;
    assert!(
        status.contains(&format!("exported {} message", shown.len()))
            && status.contains(&path.display().to_string()),
        "{status}"
    );

    // The same name again (the clock has not moved): refused, and the file is untouched.
    driver.press(KeyCode::Char('e')).await;
    driver.press(KeyCode::Enter).await;
    let status = driver.app.message.clone().expect("a status");
    assert_eq!(status.level, crate::app::state::Level::Error);
    assert!(status.text.contains("never overwrites"), "{}", status.text);
    assert_eq!(
        std::fs::read_to_string(&path).expect("still there"),
        expected
    );
}

#[tokio::test]
async fn the_send_form_sends_through_the_confirm_dialog_with_the_send_engine() {
    let backend = sim::backend(SimFleet::demo().frozen());
    let mut driver = Driver::new(backend.clone()).await;
    let queue = driver.a_queue_with_messages().await;
    driver.press(KeyCode::Char('m')).await;
    assert!(matches!(driver.app.modal, Some(Modal::Form(_))));
    driver.type_text("{\"hello\":").await;
    driver.press(KeyCode::Enter).await;
    driver.type_text("\"tui\"}").await;
    driver.press(KeyCode::Tab).await;
    driver.type_text("origin=squall-form").await;
    driver
        .key(KeyEvent::new(KeyCode::Char('s'), KeyModifiers::CONTROL))
        .await;
    let Some(Modal::Confirm(dialog)) = &driver.app.modal else {
        panic!("the confirm dialog, got {:?}", driver.app.modal);
    };
    assert_eq!(dialog.pending.title, format!("Send to {}", queue.name));
    driver.press(KeyCode::Char('y')).await;
    let status = driver.app.message.clone().expect("a status").text;
    assert!(status.contains("message id"), "{status}");

    // The queue holds it, body and attribute as typed.
    let mut read = Vec::new();
    peek(
        backend.messages.as_ref(),
        &queue.url,
        &PeekOptions::new(200, 1000),
        &CancellationToken::new(),
        &mut read,
    )
    .await;
    let sent = read
        .iter()
        .find(|m| m.body == "{\"hello\":\n\"tui\"}")
        .expect("the message sent");
    assert_eq!(
        sent.message_attributes
            .get("origin")
            .and_then(|a| a.string_value.as_deref()),
        Some("squall-form")
    );
    assert!(
        driver.app.send_draft.is_none(),
        "sent: the next form is empty"
    );
}
