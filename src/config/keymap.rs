//! The keymap is data: every binding has a description and a group, the defaults come from
//! config/default.toml, the user's file overrides them, and `?` help is generated from it.

use ratatui::crossterm::event::{KeyCode, KeyEvent, KeyModifiers};

/// Declares every key action once: its variant, the name config files use, and whether it
/// changes state in AWS. The enum, `ALL`, `name()`, `from_name()` and `is_dangerous()`
/// follow from this one list; config/default.toml holds each one's default keys, group and
/// description (a test checks that the two agree).
macro_rules! key_actions {
    ($($(#[doc = $doc:literal])* $variant:ident => $name:literal $(, $dangerous:ident)?;)*) => {
        /// Everything a key can ask for in the normal mode.
        #[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
        pub enum KeyAction {
            $($(#[doc = $doc])* $variant,)*
        }

        impl KeyAction {
            pub const ALL: &'static [KeyAction] = &[$(KeyAction::$variant,)*];

            /// The name used in config files.
            pub fn name(self) -> &'static str {
                match self {
                    $(KeyAction::$variant => $name,)*
                }
            }

            /// Changes state in AWS: hidden and refused in read-only mode, and only ever
            /// done through the confirm dialog. A peek is not one: it changes no message
            /// (it raises receive counts, which its own confirmation states), so read-only
            /// keeps it.
            pub fn is_dangerous(self) -> bool {
                match self {
                    $(KeyAction::$variant => key_actions!(@dangerous $($dangerous)?),)*
                }
            }
        }
    };
    (@dangerous dangerous) => { true };
    (@dangerous) => { false };
}

key_actions! {
    Quit => "quit";
    Help => "help";
    Command => "command";
    Filter => "filter";
    Back => "back";
    Refresh => "refresh";
    Down => "down";
    Up => "up";
    Top => "top";
    Bottom => "bottom";
    PageDown => "page_down";
    PageUp => "page_up";
    Open => "open";
    SortNext => "sort_next";
    SortPrevious => "sort_previous";
    SortReverse => "sort_reverse";
    Describe => "describe";
    Yank => "yank";
    Topology => "topology";
    Purge => "purge", dangerous;
    /// Read a sample of a queue's messages (changes no message, raises receive counts).
    Peek => "peek";
    /// In the message viewer: the SNS envelope raw, or unwrapped.
    ToggleRaw => "toggle_raw";
    CancelJob => "cancel_job";
    /// Move a DLQ's messages back: the redrive dialog (plan, settings, confirm).
    Redrive => "redrive", dangerous;
    /// Redrive progress: after a canary, move the rest.
    ContinueRedrive => "continue_redrive", dangerous;
    /// Charts: the next shorter / longer window (15m … 3d).
    WindowShorter => "window_shorter";
    WindowLonger => "window_longer";
    /// Viewer: the next / previous match of the `/` search.
    SearchNext => "search_next";
    SearchPrevious => "search_previous";
    /// Viewer: fold or unfold the JSON object or array at the cursor; all of them.
    Fold => "fold";
    FoldAll => "fold_all";
    /// Viewer: write the messages read as NDJSON to a file.
    Export => "export";
    /// Send a message to the queue, or publish to the topic, on the row (a form).
    Send => "send", dangerous;
    /// In the send form: send what it holds (through the confirm dialog).
    Submit => "submit", dangerous;
}

impl KeyAction {
    pub fn from_name(name: &str) -> Option<KeyAction> {
        KeyAction::ALL.iter().copied().find(|a| a.name() == name)
    }
}

/// One key with its modifiers, as written in the config (`ctrl-d`, `G`, `enter`).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub struct KeyChord {
    pub code: KeyCode,
    pub modifiers: KeyModifiers,
}

impl KeyChord {
    pub fn parse(text: &str) -> Result<KeyChord, String> {
        let mut modifiers = KeyModifiers::NONE;
        let mut rest = text;
        // A lone "-" is a key, not a modifier separator.
        while rest.len() > 1 {
            let lower = rest.to_ascii_lowercase();
            if let Some(stripped) = lower.strip_prefix("ctrl-") {
                modifiers |= KeyModifiers::CONTROL;
                rest = &rest[rest.len() - stripped.len()..];
            } else if let Some(stripped) = lower.strip_prefix("alt-") {
                modifiers |= KeyModifiers::ALT;
                rest = &rest[rest.len() - stripped.len()..];
            } else if let Some(stripped) = lower.strip_prefix("shift-") {
                modifiers |= KeyModifiers::SHIFT;
                rest = &rest[rest.len() - stripped.len()..];
            } else {
                break;
            }
        }
        let mut chars = rest.chars();
        let code = match (chars.next(), chars.next()) {
            (Some(c), None) => KeyCode::Char(c),
            _ => match rest.to_ascii_lowercase().as_str() {
                "enter" | "return" => KeyCode::Enter,
                "esc" | "escape" => KeyCode::Esc,
                "tab" => KeyCode::Tab,
                "backtab" => KeyCode::BackTab,
                "space" => KeyCode::Char(' '),
                "up" => KeyCode::Up,
                "down" => KeyCode::Down,
                "left" => KeyCode::Left,
                "right" => KeyCode::Right,
                "home" => KeyCode::Home,
                "end" => KeyCode::End,
                "pageup" => KeyCode::PageUp,
                "pagedown" => KeyCode::PageDown,
                "backspace" => KeyCode::Backspace,
                "delete" | "del" => KeyCode::Delete,
                "insert" => KeyCode::Insert,
                other => match other.strip_prefix('f').and_then(|n| n.parse::<u8>().ok()) {
                    Some(n) if (1..=12).contains(&n) => KeyCode::F(n),
                    _ => return Err(format!("unknown key {text:?}")),
                },
            },
        };
        Ok(KeyChord::new(code, modifiers))
    }

    /// Normalises so that a chord from the config and one from the terminal compare equal:
    /// a character's case already says whether shift was held.
    pub fn new(code: KeyCode, modifiers: KeyModifiers) -> KeyChord {
        let (code, modifiers) = match code {
            KeyCode::Char(c)
                if modifiers.contains(KeyModifiers::SHIFT) && c.is_ascii_alphabetic() =>
            {
                (
                    KeyCode::Char(c.to_ascii_uppercase()),
                    modifiers - KeyModifiers::SHIFT,
                )
            }
            KeyCode::Char(c) if modifiers.contains(KeyModifiers::CONTROL) => (
                KeyCode::Char(c.to_ascii_lowercase()),
                modifiers - KeyModifiers::SHIFT,
            ),
            KeyCode::Char(_) => (code, modifiers - KeyModifiers::SHIFT),
            KeyCode::BackTab => (KeyCode::BackTab, modifiers - KeyModifiers::SHIFT),
            KeyCode::Tab if modifiers.contains(KeyModifiers::SHIFT) => {
                (KeyCode::BackTab, modifiers - KeyModifiers::SHIFT)
            }
            _ => (code, modifiers),
        };
        KeyChord { code, modifiers }
    }

    pub fn from_event(event: &KeyEvent) -> KeyChord {
        KeyChord::new(event.code, event.modifiers)
    }

    /// How the chord is shown in help: the way it is written in the config.
    pub fn display(&self) -> String {
        let mut text = String::new();
        if self.modifiers.contains(KeyModifiers::CONTROL) {
            text.push_str("ctrl-");
        }
        if self.modifiers.contains(KeyModifiers::ALT) {
            text.push_str("alt-");
        }
        if self.modifiers.contains(KeyModifiers::SHIFT) {
            text.push_str("shift-");
        }
        let key = match self.code {
            KeyCode::Char(' ') => "space".to_string(),
            KeyCode::Char(c) => c.to_string(),
            KeyCode::Enter => "enter".to_string(),
            KeyCode::Esc => "esc".to_string(),
            KeyCode::Tab => "tab".to_string(),
            KeyCode::BackTab => "shift-tab".to_string(),
            KeyCode::Up => "up".to_string(),
            KeyCode::Down => "down".to_string(),
            KeyCode::Left => "left".to_string(),
            KeyCode::Right => "right".to_string(),
            KeyCode::Home => "home".to_string(),
            KeyCode::End => "end".to_string(),
            KeyCode::PageUp => "pageup".to_string(),
            KeyCode::PageDown => "pagedown".to_string(),
            KeyCode::Backspace => "backspace".to_string(),
            KeyCode::Delete => "delete".to_string(),
            KeyCode::Insert => "insert".to_string(),
            KeyCode::F(n) => format!("f{n}"),
            other => format!("{other:?}").to_ascii_lowercase(),
        };
        text.push_str(&key);
        text
    }
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Binding {
    pub action: KeyAction,
    pub keys: Vec<KeyChord>,
    pub group: String,
    pub description: String,
}

#[derive(Debug, Clone, PartialEq, Eq, Default)]
pub struct Keymap {
    bindings: Vec<Binding>,
}

impl Keymap {
    pub fn new(bindings: Vec<Binding>) -> Keymap {
        Keymap { bindings }
    }

    /// The action bound to a key, if any. ctrl-c always quits, whatever the config says,
    /// so that a broken keymap can never trap the user.
    pub fn action_for(&self, event: &KeyEvent) -> Option<KeyAction> {
        let chord = KeyChord::from_event(event);
        if chord == KeyChord::new(KeyCode::Char('c'), KeyModifiers::CONTROL) {
            return Some(KeyAction::Quit);
        }
        self.bindings
            .iter()
            .find(|b| b.keys.contains(&chord))
            .map(|b| b.action)
    }

    pub fn bindings(&self) -> &[Binding] {
        &self.bindings
    }

    /// The first key bound to an action, as text, for hints ("? help").
    pub fn first_key(&self, action: KeyAction) -> Option<String> {
        self.bindings
            .iter()
            .find(|b| b.action == action)
            .and_then(|b| b.keys.first())
            .map(KeyChord::display)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn key(code: KeyCode, modifiers: KeyModifiers) -> KeyEvent {
        KeyEvent::new(code, modifiers)
    }

    #[test]
    fn parses_chords_as_written_in_config() {
        assert_eq!(
            KeyChord::parse("ctrl-d"),
            Ok(KeyChord::new(KeyCode::Char('d'), KeyModifiers::CONTROL))
        );
        assert_eq!(
            KeyChord::parse("G"),
            Ok(KeyChord::new(KeyCode::Char('G'), KeyModifiers::NONE))
        );
        assert_eq!(KeyChord::parse("shift-g"), KeyChord::parse("G"));
        assert_eq!(
            KeyChord::parse("-"),
            Ok(KeyChord::new(KeyCode::Char('-'), KeyModifiers::NONE))
        );
        assert_eq!(
            KeyChord::parse("f5"),
            Ok(KeyChord::new(KeyCode::F(5), KeyModifiers::NONE))
        );
        assert_eq!(
            KeyChord::parse("PageDown"),
            Ok(KeyChord::new(KeyCode::PageDown, KeyModifiers::NONE))
        );
        assert!(KeyChord::parse("hyper-x").is_err());
        assert!(KeyChord::parse("f13").is_err());
    }

    #[test]
    fn terminal_events_match_config_chords() {
        let keymap = Keymap::new(vec![
            Binding {
                action: KeyAction::Bottom,
                keys: vec![KeyChord::parse("G").unwrap_or_else(|e| panic!("{e}"))],
                group: "Navigation".into(),
                description: "bottom".into(),
            },
            Binding {
                action: KeyAction::PageDown,
                keys: vec![KeyChord::parse("ctrl-d").unwrap_or_else(|e| panic!("{e}"))],
                group: "Navigation".into(),
                description: "page".into(),
            },
        ]);
        // Terminals report 'G' with SHIFT held.
        assert_eq!(
            keymap.action_for(&key(KeyCode::Char('G'), KeyModifiers::SHIFT)),
            Some(KeyAction::Bottom)
        );
        assert_eq!(
            keymap.action_for(&key(KeyCode::Char('d'), KeyModifiers::CONTROL)),
            Some(KeyAction::PageDown)
        );
        assert_eq!(
            keymap.action_for(&key(KeyCode::Char('d'), KeyModifiers::NONE)),
            None
        );
        assert_eq!(
            keymap.action_for(&key(KeyCode::Char('c'), KeyModifiers::CONTROL)),
            Some(KeyAction::Quit)
        );
    }

    #[test]
    fn every_action_name_round_trips() {
        for &action in KeyAction::ALL {
            assert_eq!(KeyAction::from_name(action.name()), Some(action));
        }
        assert_eq!(KeyAction::from_name("launch_missiles"), None);
    }

    /// The declaration and the default keymap in config/default.toml name the same actions,
    /// and each default binding has keys, a group and a description for help.
    #[test]
    fn the_default_keymap_and_the_declaration_agree() {
        let file: toml::Table =
            toml::from_str(crate::config::DEFAULT_CONFIG).unwrap_or_else(|e| panic!("{e}"));
        let keys = file
            .get("keys")
            .and_then(toml::Value::as_table)
            .unwrap_or_else(|| panic!("config/default.toml has no [keys]"));
        let declared: std::collections::BTreeSet<&str> =
            KeyAction::ALL.iter().map(|a| a.name()).collect();
        let in_file: std::collections::BTreeSet<&str> = keys.keys().map(String::as_str).collect();
        assert_eq!(
            declared, in_file,
            "declared key actions vs [keys] in config/default.toml"
        );
        assert_eq!(
            KeyAction::ALL.len(),
            declared.len(),
            "a name declared twice"
        );
        for (name, binding) in keys {
            for field in ["keys", "group", "description"] {
                assert!(binding.get(field).is_some(), "keys.{name} has no {field}");
            }
            let chords = binding.get("keys").and_then(toml::Value::as_array);
            assert!(
                chords.is_some_and(|c| !c.is_empty()),
                "keys.{name} binds no key"
            );
        }
    }
}
