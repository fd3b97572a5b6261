//! The `:` commands: names, aliases, descriptions, and completion.

use super::tables::TableKind;

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Command {
    Table(TableKind),
    Topology,
    Help,
    Quit,
}

pub struct CommandSpec {
    pub command: Command,
    pub name: &'static str,
    pub aliases: &'static [&'static str],
    pub description: &'static str,
}

pub const COMMANDS: &[CommandSpec] = &[
    CommandSpec {
        command: Command::Table(TableKind::Queues),
        name: "queues",
        aliases: &["queue", "sqs"],
        description: "All SQS queues with counts and dead-letter links",
    },
    CommandSpec {
        command: Command::Table(TableKind::Dlqs),
        name: "dlq",
        aliases: &["dlqs", "dead"],
        description: "Only dead-letter queues, deepest first, with their sources",
    },
    CommandSpec {
        command: Command::Table(TableKind::Topics),
        name: "topics",
        aliases: &["topic", "sns"],
        description: "SNS topics with subscription counts",
    },
    CommandSpec {
        command: Command::Table(TableKind::Subscriptions),
        name: "subscriptions",
        aliases: &["subs", "sub"],
        description: "Subscriptions: filter policy, raw delivery, their own DLQ",
    },
    CommandSpec {
        command: Command::Table(TableKind::Lambdas),
        name: "lambdas",
        aliases: &["lambda", "functions"],
        description: "Lambda functions and the queues they consume",
    },
    CommandSpec {
        command: Command::Topology,
        name: "topology",
        aliases: &["topo", "tree"],
        description: "The fan-out: topic → subscription → queue → DLQ and consumers",
    },
    CommandSpec {
        command: Command::Help,
        name: "help",
        aliases: &["h"],
        description: "Keys and commands",
    },
    CommandSpec {
        command: Command::Quit,
        name: "quit",
        aliases: &["q", "q!", "exit"],
        description: "Quit squall",
    },
];

/// The command a typed line names, by name or alias.
pub fn parse(line: &str) -> Result<Command, String> {
    let word = line.trim();
    COMMANDS
        .iter()
        .find(|spec| spec.name == word || spec.aliases.contains(&word))
        .map(|spec| spec.command)
        .ok_or_else(|| {
            let names: Vec<String> = COMMANDS.iter().map(|s| format!(":{}", s.name)).collect();
            format!("unknown command :{word} (try {})", names.join(", "))
        })
}

/// Command names that start with what was typed, for the completion hint and Tab.
pub fn completions(prefix: &str) -> Vec<&'static str> {
    let prefix = prefix.trim_start();
    COMMANDS
        .iter()
        .map(|spec| spec.name)
        .filter(|name| name.starts_with(prefix))
        .collect()
}

/// What Tab turns the line into: the only match, or the longest prefix all matches share.
pub fn complete(prefix: &str) -> Option<String> {
    let matches = completions(prefix);
    let first = matches.first()?;
    let common = matches.iter().fold(first.to_string(), |common, name| {
        common
            .chars()
            .zip(name.chars())
            .take_while(|(a, b)| a == b)
            .map(|(a, _)| a)
            .collect()
    });
    if matches.len() == 1 {
        Some(first.to_string())
    } else {
        (common.len() > prefix.trim_start().len()).then_some(common)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn parses_names_and_aliases() {
        assert_eq!(parse("queues"), Ok(Command::Table(TableKind::Queues)));
        assert_eq!(parse(" sqs "), Ok(Command::Table(TableKind::Queues)));
        assert_eq!(parse("subs"), Ok(Command::Table(TableKind::Subscriptions)));
        assert_eq!(parse("topo"), Ok(Command::Topology));
        assert_eq!(parse("q"), Ok(Command::Quit));
        let err = parse("topicz").expect_err("unknown");
        assert!(err.contains(":queues"), "{err}");
    }

    #[test]
    fn completes_unique_prefixes() {
        assert_eq!(complete("qu"), None); // queues and quit share only "qu"
        assert_eq!(complete("que"), Some("queues".to_string()));
        assert_eq!(complete("h"), Some("help".to_string()));
        assert_eq!(
            complete("to"),
            Some("top".to_string()),
            "topics and topology share it"
        );
        assert_eq!(complete("su"), Some("subscriptions".to_string()));
        assert_eq!(complete("x"), None);
        assert_eq!(completions("q"), vec!["queues", "quit"]);
    }
}
