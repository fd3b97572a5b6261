use std::collections::BTreeMap;

use ratatui::crossterm::event::KeyModifiers;

use super::*;
use crate::domain::Queue;

fn queue(fifo: bool) -> Queue {
    let name = if fifo { "orders.fifo" } else { "orders" };
    let mut queue = Queue::from_attributes(
        &format!("https://sqs.eu-west-1.amazonaws.com/1/{name}"),
        BTreeMap::new(),
        "eu-west-1",
    );
    queue.fifo = fifo;
    queue
}

fn typed(form: &mut SendForm, text: &str) {
    for c in text.chars() {
        let code = if c == '\n' {
            KeyCode::Enter
        } else {
            KeyCode::Char(c)
        };
        form.edit(KeyEvent::from(code));
    }
}

#[test]
fn fields_follow_the_target_and_tab_cycles_them() {
    assert_eq!(
        SendForm::for_queue(&queue(false)).fields(),
        [Field::Body, Field::Attributes]
    );
    let mut form = SendForm::for_queue(&queue(true));
    assert_eq!(
        form.fields(),
        [
            Field::Body,
            Field::Attributes,
            Field::GroupId,
            Field::DedupId
        ]
    );
    form.move_focus(1);
    assert_eq!(form.focus, Field::Attributes);
    form.move_focus(-2);
    assert_eq!(form.focus, Field::DedupId, "wraps around");
    form.focus = Field::GroupId;
    form.edit(KeyEvent::from(KeyCode::Enter));
    assert_eq!(
        form.focus,
        Field::DedupId,
        "Enter in a one-line field moves on"
    );
}

#[test]
fn enter_in_the_body_is_a_new_line_and_a_good_form_becomes_a_pending_send() {
    let mut form = SendForm::for_queue(&queue(false));
    typed(&mut form, "line one\nline two");
    form.focus = Field::Attributes;
    typed(&mut form, "tenant=acme\n\n# a comment\nn:Number=3");
    let pending = form.pending().expect("valid");
    assert_eq!(pending.title, "Send to orders");
    assert_eq!(pending.typed, None, "y confirms");
    assert!(pending.effects[0].starts_with("Sends one message of"));
    assert_eq!(
        pending.effects[1],
        "Attributes: n=3 (Number), tenant=acme (String)"
    );
    let DangerousOp::Send {
        message, queue_url, ..
    } = &pending.op
    else {
        panic!("{:?}", pending.op);
    };
    assert_eq!(queue_url, "https://sqs.eu-west-1.amazonaws.com/1/orders");
    assert_eq!(message.body, "line one\nline two");
    assert_eq!(message.message_attributes.len(), 2);
    assert!(pending.op.writes());
}

#[test]
fn validation_errors_name_the_problem_and_keep_the_text() {
    let standard = SendForm::for_queue(&queue(false));
    assert!(
        standard
            .pending()
            .expect_err("empty")
            .contains("body is empty")
    );
    let mut form = SendForm::for_queue(&queue(true));
    typed(&mut form, "{}");
    form.focus = Field::DedupId;
    typed(&mut form, "d1");
    assert_eq!(
        form.pending().expect_err("no group"),
        "FIFO: a group id is needed"
    );
    form.focus = Field::GroupId;
    typed(&mut form, "g1");
    form.focus = Field::Attributes;
    typed(&mut form, "ok=1\nbroken");
    assert_eq!(
        form.pending().expect_err("bad line"),
        "attributes line 2: expected NAME=VALUE or NAME:TYPE=VALUE"
    );
    assert_eq!(form.body.text(), "{}", "nothing typed is lost");
    assert_eq!(form.group_id.text(), "g1");
    form.edit(KeyEvent::from(KeyCode::Backspace));
    for _ in 0.."broken".len() {
        form.edit(KeyEvent::from(KeyCode::Backspace));
    }
    let pending = form.pending().expect("valid now");
    assert!(
        pending.effects[0].contains("group g1, dedup id d1"),
        "{:?}",
        pending.effects
    );
}

#[test]
fn a_topic_form_publishes_with_a_subject() {
    let topic =
        crate::domain::Topic::from_attributes("arn:aws:sns:eu-west-1:1:events", BTreeMap::new());
    let mut form = SendForm::for_topic(&topic);
    assert_eq!(
        form.fields(),
        [Field::Body, Field::Subject, Field::Attributes]
    );
    typed(&mut form, "hello");
    form.focus = Field::Subject;
    typed(&mut form, "Greeting");
    let pending = form.pending().expect("valid");
    assert_eq!(pending.title, "Publish to events");
    let DangerousOp::Publish { notification, .. } = &pending.op else {
        panic!("{:?}", pending.op);
    };
    assert_eq!(notification.subject.as_deref(), Some("Greeting"));
    assert_eq!(notification.message, "hello");
    // ctrl-s is the form's key, never text.
    form.edit(KeyEvent::new(KeyCode::Char('s'), KeyModifiers::CONTROL));
    assert_eq!(form.subject.text(), "Greeting");
}
