//! The send / publish form (`m` on a queue or topic row): a multi-line body, `NAME=VALUE`
//! attribute lines, and for FIFO a group id and a deduplication id; a topic adds a
//! subject. Submitting checks it with the same engine `squall send` / `squall publish`
//! use (`messages::outgoing`); an error shows in the form with nothing typed lost, and a
//! good message goes on only as a `PendingOp`, through the one confirm dialog.

use std::collections::BTreeMap;

use ratatui::crossterm::event::{KeyCode, KeyEvent};

use super::super::editor::Editor;
use super::super::effect::Effect;
use super::super::keymap::KeyAction;
use super::super::prompt::Prompt;
use super::super::state::{App, Level};
use super::super::views::Outcome;
use super::Modal;
use super::confirm::{DangerousOp, PendingOp};
use crate::domain::message::AttributeValue;
use crate::domain::untrusted::escape;
use crate::domain::{Queue, Topic};
use crate::messages::outgoing::{
    Draft, DraftError, QueueRules, message_from_draft, message_size, notification, parse_attribute,
};

/// Where the form sends.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum FormTarget {
    Queue {
        url: String,
        name: String,
        rules: QueueRules,
    },
    Topic(Box<Topic>),
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Field {
    Body,
    Subject,
    Attributes,
    GroupId,
    DedupId,
}

impl Field {
    pub fn label(self, topic: bool) -> &'static str {
        match self {
            Field::Body if topic => "Message",
            Field::Body => "Body",
            Field::Subject => "Subject",
            Field::Attributes => "Attributes",
            Field::GroupId => "Group id",
            Field::DedupId => "Dedup id",
        }
    }

    /// Multi-line fields take Enter as a new line.
    pub fn multi_line(self) -> bool {
        matches!(self, Field::Body | Field::Attributes)
    }
}

#[derive(Debug, Clone, PartialEq)]
pub struct SendForm {
    pub target: FormTarget,
    pub body: Editor,
    pub attributes: Editor,
    pub subject: Prompt,
    pub group_id: Prompt,
    pub dedup_id: Prompt,
    pub focus: Field,
    /// Why the last submit was refused.
    pub error: Option<String>,
}

impl SendForm {
    fn new(target: FormTarget) -> SendForm {
        SendForm {
            target,
            body: Editor::default(),
            attributes: Editor::default(),
            subject: Prompt::default(),
            group_id: Prompt::default(),
            dedup_id: Prompt::default(),
            focus: Field::Body,
            error: None,
        }
    }

    pub fn for_queue(queue: &Queue) -> SendForm {
        SendForm::new(FormTarget::Queue {
            url: queue.url.clone(),
            name: queue.name.clone(),
            rules: QueueRules::of(queue),
        })
    }

    pub fn for_topic(topic: &Topic) -> SendForm {
        SendForm::new(FormTarget::Topic(Box::new(topic.clone())))
    }

    pub fn is_topic(&self) -> bool {
        matches!(self.target, FormTarget::Topic(_))
    }

    pub fn fifo(&self) -> bool {
        match &self.target {
            FormTarget::Queue { rules, .. } => rules.fifo,
            FormTarget::Topic(topic) => topic.fifo,
        }
    }

    pub fn target_name(&self) -> &str {
        match &self.target {
            FormTarget::Queue { name, .. } => name,
            FormTarget::Topic(topic) => &topic.name,
        }
    }

    /// The fields in order: a topic has a subject; FIFO has a group and a dedup id.
    pub fn fields(&self) -> Vec<Field> {
        let mut fields = vec![Field::Body];
        if self.is_topic() {
            fields.push(Field::Subject);
        }
        fields.push(Field::Attributes);
        if self.fifo() {
            fields.extend([Field::GroupId, Field::DedupId]);
        }
        fields
    }

    pub fn line_field(&self, field: Field) -> Option<&Prompt> {
        match field {
            Field::Subject => Some(&self.subject),
            Field::GroupId => Some(&self.group_id),
            Field::DedupId => Some(&self.dedup_id),
            Field::Body | Field::Attributes => None,
        }
    }

    fn move_focus(&mut self, step: isize) {
        let fields = self.fields();
        let at = fields.iter().position(|f| *f == self.focus).unwrap_or(0) as isize;
        let next = (at + step).rem_euclid(fields.len() as isize) as usize;
        self.focus = fields[next];
    }

    /// A key that edits the focused field (Enter is a new line in the body and the
    /// attributes, the next field elsewhere).
    fn edit(&mut self, key: KeyEvent) {
        let changed = match self.focus {
            Field::Body => self.body.edit(key),
            Field::Attributes => self.attributes.edit(key),
            _ if key.code == KeyCode::Enter => {
                self.move_focus(1);
                false
            }
            Field::Subject => self.subject.edit(key),
            Field::GroupId => self.group_id.edit(key),
            Field::DedupId => self.dedup_id.edit(key),
        };
        if changed {
            self.error = None;
        }
    }

    /// The attribute lines (`NAME=VALUE` or `NAME:TYPE=VALUE`; blank lines and `#`
    /// comments skipped), checked as `--attr` is.
    fn parsed_attributes(&self) -> Result<BTreeMap<String, AttributeValue>, String> {
        let mut attributes = BTreeMap::new();
        for (number, line) in self.attributes.lines().iter().enumerate() {
            let line = line.trim();
            if line.is_empty() || line.starts_with('#') {
                continue;
            }
            if !line.contains('=') {
                return Err(format!(
                    "attributes line {}: expected NAME=VALUE or NAME:TYPE=VALUE",
                    number + 1
                ));
            }
            let (name, value) = parse_attribute(line)
                .map_err(|e| format!("attributes line {}: {e}", number + 1))?;
            attributes.insert(name, value);
        }
        Ok(attributes)
    }

    /// The confirm dialog's operation for what the form holds, or why it cannot be sent.
    pub fn pending(&self) -> Result<PendingOp, String> {
        let attributes = self.parsed_attributes()?;
        let optional = |prompt: &Prompt| {
            let text = prompt.text().trim();
            (!text.is_empty()).then(|| text.to_string())
        };
        let group_id = optional(&self.group_id);
        let dedup_id = optional(&self.dedup_id);
        let body = self.body.text();
        let described = describe_attributes(&attributes);
        match &self.target {
            FormTarget::Queue { url, name, rules } => {
                let draft = Draft {
                    body,
                    attributes,
                    group_id,
                    deduplication_id: dedup_id,
                    delay_seconds: None,
                };
                let message = message_from_draft(draft, rules).map_err(form_error)?;
                let mut effects = vec![format!(
                    "Sends one message of {} bytes to {name}{}.",
                    message_size(&message),
                    fifo_ids(
                        message.group_id.as_deref(),
                        message.deduplication_id.as_deref()
                    )
                )];
                effects.push(described);
                effects.push(format!("Body: {}", preview(&message.body)));
                Ok(PendingOp {
                    title: format!("Send to {name}"),
                    effects,
                    risks: vec![
                        "Its consumers will process it; a sent message cannot be taken back."
                            .to_string(),
                    ],
                    typed: None,
                    op: DangerousOp::Send {
                        queue_url: url.clone(),
                        queue_name: name.clone(),
                        max_batch_bytes: rules.max_message_bytes,
                        message: Box::new(message),
                    },
                })
            }
            FormTarget::Topic(topic) => {
                let subject = optional(&self.subject);
                let built = notification(topic, body, subject, attributes, group_id, dedup_id)
                    .map_err(form_error)?;
                let mut effects = vec![format!(
                    "Publishes one message of {} bytes to {}{}.",
                    built.message.len(),
                    topic.name,
                    fifo_ids(built.group_id.as_deref(), built.deduplication_id.as_deref())
                )];
                if let Some(subject) = &built.subject {
                    effects.push(format!("Subject: {}", preview(subject)));
                }
                effects.push(described);
                effects.push(format!("Message: {}", preview(&built.message)));
                Ok(PendingOp {
                    title: format!("Publish to {}", topic.name),
                    effects,
                    risks: vec![
                        "Every subscription receives it; a published message cannot be taken back."
                            .to_string(),
                    ],
                    typed: None,
                    op: DangerousOp::Publish {
                        topic_arn: topic.arn.clone(),
                        topic_name: topic.name.clone(),
                        notification: Box::new(built),
                    },
                })
            }
        }
    }
}

/// The engine's errors name the CLI's flags; the form names its fields.
fn form_error(error: DraftError) -> String {
    match error {
        DraftError::MissingGroup => "FIFO: a group id is needed".to_string(),
        DraftError::MissingDeduplication => {
            "FIFO without content-based deduplication: a dedup id is needed".to_string()
        }
        other => other.to_string(),
    }
}

fn fifo_ids(group: Option<&str>, dedup: Option<&str>) -> String {
    let mut text = String::new();
    if let Some(group) = group {
        text.push_str(&format!(", group {}", escape(group)));
    }
    if let Some(dedup) = dedup {
        text.push_str(&format!(", dedup id {}", escape(dedup)));
    }
    text
}

/// `Attributes: tenant=acme (String), n=3 (Number)` or `No message attributes.`
fn describe_attributes(attributes: &BTreeMap<String, AttributeValue>) -> String {
    if attributes.is_empty() {
        return "No message attributes.".to_string();
    }
    let listed: Vec<String> = attributes
        .iter()
        .map(|(name, value)| {
            let shown = match (&value.string_value, &value.binary_value) {
                (Some(text), _) => escape(text).into_owned(),
                (None, Some(bytes)) => format!("{} bytes", bytes.len()),
                (None, None) => String::new(),
            };
            format!("{}={shown} ({})", escape(name), escape(&value.data_type))
        })
        .collect();
    format!("Attributes: {}", listed.join(", "))
}

/// The first line, escaped, cut to 60 characters.
fn preview(text: &str) -> String {
    let first = text.split('\n').next().unwrap_or_default();
    let mut cut: String = first.chars().take(60).collect();
    if cut.len() < first.len() || text.contains('\n') {
        cut.push_str(" …");
    }
    escape(&cut).into_owned()
}

/// A key while the form is open.
pub fn key(app: &mut App, mut form: SendForm, key: KeyEvent) -> Vec<Effect> {
    if app.keymap.action_for(&key) == Some(KeyAction::Submit) {
        return match form.pending() {
            Ok(pending) => {
                // Kept, so that a cancelled confirmation reopens the form as it was.
                form.error = None;
                app.send_draft = Some(form);
                super::super::update::apply(app, None, Outcome::Confirm(pending))
            }
            Err(error) => {
                form.error = Some(error);
                app.modal = Some(Modal::Form(Box::new(form)));
                Vec::new()
            }
        };
    }
    match key.code {
        KeyCode::Esc => {
            app.send_draft = Some(form);
            app.set_message(
                Level::Info,
                "nothing was sent (the form keeps what you typed: open it again)".to_string(),
            );
            return Vec::new();
        }
        KeyCode::Tab => form.move_focus(1),
        KeyCode::BackTab => form.move_focus(-1),
        _ => form.edit(key),
    }
    app.modal = Some(Modal::Form(Box::new(form)));
    Vec::new()
}

/// The form to open for `fresh`'s target: the kept draft when it is for the same one.
pub fn reopen(app: &mut App, fresh: SendForm) -> SendForm {
    match app.send_draft.take() {
        Some(draft) if draft.target == fresh.target => draft,
        other => {
            app.send_draft = other;
            fresh
        }
    }
}

#[cfg(test)]
mod tests;
