//! The keymap is data: every binding has a description and a group, the defaults come from
//! the one declaration of the actions below, the user's file (`[keys]`) overrides them, and
//! `?` help is generated from it.

use ratatui::crossterm::event::{KeyCode, KeyEvent, KeyModifiers};

/// Declares every key action once, one line each: its variant, the name config files use, its
/// default keys, its help group and description, and whether it changes state in AWS. The
/// enum, `ALL`, `name()`, `from_name()`, `is_dangerous()` and the default keymap follow from
/// this one list, so a new action is one line here (plus the view that handles it).
macro_rules! key_actions {
    ($($variant:ident => $name:literal, [$($key:literal),+], $group:ident, $description:literal
        $(, $dangerous:ident)?;)*) => {
        /// Everything a key can ask for in the normal mode.
        #[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
        pub enum KeyAction {
            $(#[doc = $description] $variant,)*
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

            /// The keys (as written in a config file), help group and description the
            /// action has unless the user's file says otherwise.
            fn declared(self) -> (&'static [&'static str], &'static str, &'static str) {
                match self {
                    $(KeyAction::$variant => (&[$($key),+], stringify!($group), $description),)*
                }
            }
        }
    };
    (@dangerous dangerous) => { true };
    (@dangerous) => { false };
}

key_actions! {
    Quit => "quit", ["q", "ctrl-c"], General, "Quit squall";
    Help => "help", ["?"], General, "Show or hide this help";
    Command => "command", [":"], General, "Command mode (:queues, :topics, :dlq, Tab completes)";
    Filter => "filter", ["/"], General, "Filter rows by regex (start with ! to invert)";
    Back => "back", ["esc"], General, "Clear the filter, or go back one view";
    Refresh => "refresh", ["r", "ctrl-r"], General, "Refresh now";
    Down => "down", ["j", "down"], Navigation, "Move down";
    Up => "up", ["k", "up"], Navigation, "Move up";
    Top => "top", ["g", "home"], Navigation, "Go to the first row";
    Bottom => "bottom", ["G", "end"], Navigation, "Go to the last row";
    PageDown => "page_down", ["ctrl-d", "pagedown"], Navigation, "Half a page down";
    PageUp => "page_up", ["ctrl-u", "pageup"], Navigation, "Half a page up";
    Open => "open", ["enter"], Navigation, "Drill in: topic → subscriptions → queue";
    SortNext => "sort_next", ["s", ">"], Table, "Sort by the next column";
    SortPrevious => "sort_previous", ["<"], Table, "Sort by the previous column";
    SortReverse => "sort_reverse", ["S"], Table, "Reverse the sort order";
    Describe => "describe", ["d"], Resource, "Describe: every attribute, policies as JSON";
    Yank => "yank", ["y"], Resource, "Copy the URL or ARN (viewer: the body), OSC 52";
    Topology => "topology", ["t"], Resource, "Show the row in the fan-out topology";
    Purge => "purge", ["P"], Resource, "Purge the queue: delete every message (asks for its name)", dangerous;
    Peek => "peek", ["p"], Messages, "Peek: a sample of messages (receive counts +1)";
    ToggleRaw => "toggle_raw", ["v"], Messages, "Viewer: the SNS envelope raw or unwrapped";
    CancelJob => "cancel_job", ["x", "ctrl-k"], Jobs, "Cancel the selected job (:jobs)";
    Redrive => "redrive", ["R"], Resource, "Redrive the DLQ: plan, confirm, progress", dangerous;
    ContinueRedrive => "continue_redrive", ["c"], Jobs, "After a redrive's canary: move the rest", dangerous;
    WindowShorter => "window_shorter", ["["], Charts, "Charts: a shorter window (15m 1h 3h 12h 1d 3d)";
    WindowLonger => "window_longer", ["]"], Charts, "Charts: a longer window (15m 1h 3h 12h 1d 3d)";
    SearchNext => "search_next", ["n"], Messages, "Viewer: next match of the / search (/ searches the shown text, smart case)";
    SearchPrevious => "search_previous", ["N"], Messages, "Viewer: previous match of the / search";
    Fold => "fold", ["z"], Messages, "Viewer: fold or unfold the JSON object/array at the cursor (Enter too, in the body)";
    FoldAll => "fold_all", ["Z"], Messages, "Viewer: unfold every JSON object/array, or fold all but the outermost";
    Export => "export", ["e"], Messages, "Viewer: write the messages read to an NDJSON file (as squall export does); logs: errors only";
    Send => "send", ["m"], Messages, "Send a message to the queue (publish to the topic) on the row: a form", dangerous;
    Submit => "submit", ["ctrl-s"], Messages, "Send form: send it (asks to confirm); Enter inserts a new line", dangerous;
    Logs => "logs", ["L"], Logs, "Logs of the row's consumers (viewer: the invocations that handled the message)";
    Follow => "follow", ["f"], Logs, "Logs: follow new lines (polls every 2 s) or stop";
    Signatures => "signatures", ["tab"], Logs, "Logs: error signatures (Enter: examples) or back to the lines";
}

impl KeyAction {
    pub fn from_name(name: &str) -> Option<KeyAction> {
        KeyAction::ALL.iter().copied().find(|a| a.name() == name)
    }

    /// The built-in binding: what the action is bound to when the user's file is silent.
    pub fn default_binding(self) -> Result<Binding, String> {
        let (keys, group, description) = self.declared();
        let keys = keys.iter().map(|key| KeyChord::parse(key));
        Ok(Binding {
            action: self,
            keys: keys
                .collect::<Result<_, _>>()
                .map_err(|e| format!("default keys of {}: {e}", self.name()))?,
            group: group.to_string(),
            description: description.to_string(),
        })
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

    /// The built-in bindings, in the order of `KeyAction::ALL` so that help reads the same
    /// every time.
    pub fn defaults() -> Result<Keymap, String> {
        let bindings = KeyAction::ALL.iter().map(|a| a.default_binding());
        Ok(Keymap::new(bindings.collect::<Result<_, _>>()?))
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

    fn chords(keys: &[&str]) -> Vec<KeyChord> {
        keys.iter()
            .map(|k| KeyChord::parse(k).unwrap_or_else(|e| panic!("{e}")))
            .collect()
    }

    /// The declaration gives what config/default.toml's `[keys]` said before it moved here
    /// (all 34 entries were compared when it moved; these are the ones people know by heart).
    #[test]
    fn the_declared_defaults_are_the_bindings_squall_always_had() {
        let keymap = Keymap::defaults().unwrap_or_else(|e| panic!("{e}"));
        assert_eq!(keymap.bindings().len(), 37);
        let binding = |action: KeyAction| {
            let found = keymap.bindings().iter().find(|b| b.action == action);
            found
                .cloned()
                .unwrap_or_else(|| panic!("{action:?} unbound"))
        };
        let quit = binding(KeyAction::Quit);
        assert_eq!(quit.keys, chords(&["q", "ctrl-c"]));
        assert_eq!(
            (quit.group.as_str(), quit.description.as_str()),
            ("General", "Quit squall")
        );
        assert_eq!(binding(KeyAction::Bottom).keys, chords(&["G", "end"]));
        assert_eq!(
            binding(KeyAction::PageDown).keys,
            chords(&["ctrl-d", "pagedown"])
        );
        assert_eq!(binding(KeyAction::SortNext).keys, chords(&["s", ">"]));
        assert_eq!(binding(KeyAction::CancelJob).keys, chords(&["x", "ctrl-k"]));
        let purge = binding(KeyAction::Purge);
        assert_eq!(purge.keys, chords(&["P"]));
        assert_eq!(
            purge.description,
            "Purge the queue: delete every message (asks for its name)"
        );
        assert_eq!(binding(KeyAction::Redrive).keys, chords(&["R"]));
        assert_eq!(binding(KeyAction::Submit).keys, chords(&["ctrl-s"]));
        assert_eq!(binding(KeyAction::Submit).group, "Messages");
        let mut groups: Vec<&str> = Vec::new();
        for b in keymap.bindings() {
            if !groups.contains(&b.group.as_str()) {
                groups.push(&b.group);
            }
        }
        let help_order = [
            "General",
            "Navigation",
            "Table",
            "Resource",
            "Messages",
            "Jobs",
            "Charts",
            "Logs",
        ];
        assert_eq!(groups, help_order, "the ? help's sections, in order");
    }

    /// Every action has a key by default, and no key is bound to two actions (the first
    /// would silently win).
    #[test]
    fn every_action_has_a_default_key_and_no_key_is_bound_twice() {
        let keymap = Keymap::defaults().unwrap_or_else(|e| panic!("{e}"));
        let mut seen = std::collections::HashMap::new();
        for binding in keymap.bindings() {
            assert!(
                !binding.keys.is_empty(),
                "{:?} binds no key",
                binding.action
            );
            for chord in &binding.keys {
                if let Some(other) = seen.insert(*chord, binding.action) {
                    panic!(
                        "{} bound to {other:?} and {:?}",
                        chord.display(),
                        binding.action
                    );
                }
            }
        }
        assert_eq!(KeyAction::ALL.len(), keymap.bindings().len());
    }

    /// The default keymap has one home: config/default.toml no longer lists it.
    #[test]
    fn config_default_toml_holds_no_second_keymap() {
        let file: toml::Table =
            toml::from_str(crate::config::DEFAULT_CONFIG).unwrap_or_else(|e| panic!("{e}"));
        assert!(
            file.get("keys").is_none(),
            "[keys] is back in config/default.toml"
        );
    }
}
