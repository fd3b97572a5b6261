//! The `?` screen's lines, generated from the keymap and the command table. In read-only
//! mode the keys that change state are not listed: they do not exist there.

use super::command_mode::COMMANDS;
use super::keymap::Keymap;

/// The help text as (key column, description) lines, grouped, in keymap order.
pub fn help_lines(keymap: &Keymap, read_only: bool) -> Vec<(String, String)> {
    let mut groups: Vec<&str> = Vec::new();
    for binding in keymap.bindings() {
        if !groups.contains(&binding.group.as_str()) {
            groups.push(&binding.group);
        }
    }
    let mut lines = Vec::new();
    for group in groups {
        lines.push((group.to_string(), String::new()));
        for binding in keymap
            .bindings()
            .iter()
            .filter(|b| b.group == group && !(read_only && b.action.is_dangerous()))
        {
            let keys: Vec<String> = binding.keys.iter().map(|k| k.display()).collect();
            lines.push((format!("  {}", keys.join(" ")), binding.description.clone()));
        }
        lines.push((String::new(), String::new()));
    }
    lines.push(("Commands".to_string(), String::new()));
    for spec in COMMANDS {
        let mut names = format!("  :{}", spec.name);
        if let Some(argument) = spec.argument() {
            names.push_str(&format!(" {argument}"));
        }
        for alias in spec.aliases {
            names.push_str(&format!(" :{alias}"));
        }
        lines.push((names, spec.description.to_string()));
    }
    lines
}
