//! The `:whoami` view: the caller, where squall is connected, and one line per capability
//! (works, no permission and the action, unavailable on this endpoint, not tried), laid
//! out when the answer changes.

use std::any::Any;

use super::{Ctx, Outcome, View, navigation_delta, scroll_text};
use crate::app::keymap::KeyAction;
use crate::app::whoami::WhoamiState;
use crate::domain::untrusted::escape_owned;
use crate::whoami::Status;

/// How a line is shown.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Tone {
    Plain,
    Ok,
    Bad,
    Warning,
    Dim,
}

#[derive(Debug, Clone, Default, PartialEq)]
pub struct WhoamiView {
    pub scroll: usize,
    /// `(label, value, tone)`.
    pub lines: Vec<(String, String, Tone)>,
}

/// The lines for what is known (every AWS string escaped).
pub fn whoami_lines(state: &WhoamiState) -> Vec<(String, String, Tone)> {
    let Some(whoami) = &state.result else {
        let text = if state.job.is_some() {
            "probing with harmless calls…"
        } else {
            "not probed"
        };
        return vec![(String::new(), text.to_string(), Tone::Dim)];
    };
    let mut lines = Vec::new();
    let mut plain = |label: &str, value: String| {
        lines.push((label.to_string(), escape_owned(value), Tone::Plain));
    };
    match (&whoami.identity, &whoami.identity_error) {
        (Some(identity), _) => {
            plain("Caller", identity.arn.clone());
            plain("Account", identity.account.clone());
        }
        (None, error) => plain(
            "Caller",
            format!("unknown: {}", error.clone().unwrap_or_default()),
        ),
    }
    plain("Region", whoami.region.clone());
    if let Some(endpoint) = &whoami.endpoint {
        plain("Endpoint", endpoint.clone());
    }
    if let Some(profile) = &whoami.profile {
        plain("Profile", profile.clone());
    }
    if whoami.read_only {
        plain("Mode", "read-only".to_string());
    }
    lines.push((String::new(), String::new(), Tone::Plain));
    for capability in &whoami.capabilities {
        let tone = match capability.status {
            Status::Works => Tone::Ok,
            Status::NoPermission { .. } => Tone::Bad,
            Status::Unavailable { .. } | Status::Failed { .. } => Tone::Warning,
            Status::NotTried { .. } => Tone::Dim,
        };
        let value = escape_owned(capability.status.describe());
        lines.push((capability.label.to_string(), value, tone));
    }
    if !whoami.missing().is_empty() {
        lines.push((String::new(), String::new(), Tone::Plain));
        lines.push((
            String::new(),
            "squall iam-policy prints the policy squall needs".to_string(),
            Tone::Warning,
        ));
    }
    lines
}

impl View for WhoamiView {
    fn crumb(&self) -> String {
        "whoami".to_string()
    }

    fn handle(&mut self, key: KeyAction, ctx: &Ctx) -> Outcome {
        let rows = ctx.rows + 1;
        if let Some(delta) = navigation_delta(key, rows) {
            self.scroll = scroll_text(self.scroll, delta, self.lines.len(), rows);
            return Outcome::Handled;
        }
        Outcome::Ignored
    }

    fn sync(&mut self, ctx: &Ctx) {
        self.lines = whoami_lines(ctx.whoami);
        self.scroll = scroll_text(self.scroll, 0, self.lines.len(), ctx.rows + 1);
    }

    fn revision(&self, ctx: &Ctx) -> u64 {
        ctx.whoami.revision
    }

    fn fit(&mut self, rows: usize) {
        self.scroll = scroll_text(self.scroll, 0, self.lines.len(), rows + 1);
    }

    fn as_any(&self) -> &dyn Any {
        self
    }
}
