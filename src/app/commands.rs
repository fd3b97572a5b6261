//! The `:` commands: names, aliases, arguments, descriptions, completion, and running them.

use super::effect::{ContextRequest, Effect};
use super::modals::Modal;
use super::state::{App, Level};
use super::views::jobs::JobsView;
use super::views::resource_table::TableView;
use super::views::topology::TopologyView;
use crate::resource_rows::TableKind;

#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Command {
    Table(TableKind),
    Topology,
    Jobs,
    /// The health board: live problems, worst first.
    Health,
    /// Switch to a profile from the AWS config files.
    Profile(String),
    Region(String),
    /// Charts: `:window 3h`.
    Window(String),
    /// Metrics requested in the last hour and what they cost.
    Cost,
    /// Charts of the selected queue, topic or function.
    Charts,
    /// Who the credentials are and which capabilities work here.
    Whoami,
    Help,
    Quit,
}

#[derive(Debug, Clone, Copy)]
enum Shape {
    Plain(fn() -> Command),
    /// Takes one argument.
    WithArgument(fn(String) -> Command, &'static str),
}

pub struct CommandSpec {
    shape: Shape,
    pub name: &'static str,
    pub aliases: &'static [&'static str],
    pub description: &'static str,
}

impl CommandSpec {
    /// `NAME` for commands that take one, for help.
    pub fn argument(&self) -> Option<&'static str> {
        match self.shape {
            Shape::Plain(_) => None,
            Shape::WithArgument(_, name) => Some(name),
        }
    }
}

pub const COMMANDS: &[CommandSpec] = &[
    CommandSpec {
        shape: Shape::Plain(|| Command::Table(TableKind::Queues)),
        name: "queues",
        aliases: &["queue", "sqs"],
        description: "All SQS queues with counts and dead-letter links",
    },
    CommandSpec {
        shape: Shape::Plain(|| Command::Table(TableKind::Dlqs)),
        name: "dlq",
        aliases: &["dlqs", "dead"],
        description: "Only dead-letter queues, deepest first, with their sources",
    },
    CommandSpec {
        shape: Shape::Plain(|| Command::Table(TableKind::Topics)),
        name: "topics",
        aliases: &["topic", "sns"],
        description: "SNS topics with subscription counts",
    },
    CommandSpec {
        shape: Shape::Plain(|| Command::Table(TableKind::Subscriptions)),
        name: "subscriptions",
        aliases: &["subs", "sub"],
        description: "Subscriptions: filter policy, raw delivery, their own DLQ",
    },
    CommandSpec {
        shape: Shape::Plain(|| Command::Table(TableKind::Lambdas)),
        name: "lambdas",
        aliases: &["lambda", "functions"],
        description: "Lambda functions and the queues they consume",
    },
    CommandSpec {
        shape: Shape::Plain(|| Command::Topology),
        name: "topology",
        aliases: &["topo", "tree"],
        description: "The fan-out: topic → subscription → queue → DLQ and consumers",
    },
    CommandSpec {
        shape: Shape::Plain(|| Command::Health),
        name: "health",
        aliases: &["burning"],
        description: "The health board: what is burning now, worst first",
    },
    CommandSpec {
        shape: Shape::Plain(|| Command::Jobs),
        name: "jobs",
        aliases: &["job"],
        description: "Running and recent background jobs; x cancels one",
    },
    CommandSpec {
        shape: Shape::WithArgument(Command::Profile, "NAME"),
        name: "profile",
        aliases: &["ctx"],
        description: "Switch to an AWS profile and reload everything (Tab completes)",
    },
    CommandSpec {
        shape: Shape::WithArgument(Command::Region, "REGION"),
        name: "region",
        aliases: &[],
        description: "Switch to a region and reload everything (Tab completes)",
    },
    CommandSpec {
        shape: Shape::WithArgument(Command::Window, "WINDOW"),
        name: "window",
        aliases: &[],
        description: "Charts' window: 15m, 1h, 3h, 12h, 1d or 3d (also [ and ])",
    },
    CommandSpec {
        shape: Shape::Plain(|| Command::Cost),
        name: "cost",
        aliases: &[],
        description: "CloudWatch metrics requested in the last hour and their cost",
    },
    CommandSpec {
        shape: Shape::Plain(|| Command::Charts),
        name: "charts",
        aliases: &["metrics", "chart"],
        description: "Charts of the selected queue (with DLQ and consumers), topic or function",
    },
    CommandSpec {
        shape: Shape::Plain(|| Command::Whoami),
        name: "whoami",
        aliases: &["iam", "permissions"],
        description: "Who these credentials are and what works here (harmless probes)",
    },
    CommandSpec {
        shape: Shape::Plain(|| Command::Help),
        name: "help",
        aliases: &["h"],
        description: "Keys and commands",
    },
    CommandSpec {
        shape: Shape::Plain(|| Command::Quit),
        name: "quit",
        aliases: &["q", "q!", "exit"],
        description: "Quit squall",
    },
];

/// Region names for `:region` completion (the commercial partition's).
pub const REGIONS: &[&str] = &[
    "af-south-1",
    "ap-east-1",
    "ap-northeast-1",
    "ap-northeast-2",
    "ap-northeast-3",
    "ap-south-1",
    "ap-south-2",
    "ap-southeast-1",
    "ap-southeast-2",
    "ap-southeast-3",
    "ap-southeast-4",
    "ap-southeast-5",
    "ca-central-1",
    "ca-west-1",
    "eu-central-1",
    "eu-central-2",
    "eu-north-1",
    "eu-south-1",
    "eu-south-2",
    "eu-west-1",
    "eu-west-2",
    "eu-west-3",
    "il-central-1",
    "me-central-1",
    "me-south-1",
    "mx-central-1",
    "sa-east-1",
    "us-east-1",
    "us-east-2",
    "us-west-1",
    "us-west-2",
];

fn spec_for(word: &str) -> Option<&'static CommandSpec> {
    COMMANDS
        .iter()
        .find(|spec| spec.name == word || spec.aliases.contains(&word))
}

/// The command a typed line names, by name or alias, with its argument.
pub fn parse(line: &str) -> Result<Command, String> {
    let mut words = line.split_whitespace();
    let word = words.next().unwrap_or_default();
    let argument = words.next();
    let Some(spec) = spec_for(word) else {
        let names: Vec<String> = COMMANDS.iter().map(|s| format!(":{}", s.name)).collect();
        return Err(format!(
            "unknown command :{word} (try {})",
            names.join(", ")
        ));
    };
    if words.next().is_some() {
        return Err(format!(":{} takes at most one argument", spec.name));
    }
    match (spec.shape, argument) {
        (Shape::Plain(make), None) => Ok(make()),
        (Shape::Plain(_), Some(_)) => Err(format!(":{} takes no argument", spec.name)),
        (Shape::WithArgument(make, _), Some(argument)) => Ok(make(argument.to_string())),
        (Shape::WithArgument(_, name), None) => {
            Err(format!(":{} needs a {name} (Tab completes)", spec.name))
        }
    }
}

/// Candidates for what is typed: command names, or a command's argument.
pub fn completions(text: &str, profiles: &[String]) -> Vec<String> {
    let text = text.trim_start();
    match text.split_once(' ') {
        None => COMMANDS
            .iter()
            .map(|spec| spec.name)
            .filter(|name| name.starts_with(text))
            .map(str::to_string)
            .collect(),
        Some((word, argument)) => {
            let argument = argument.trim_start();
            let choices: Vec<String> = match spec_for(word).map(|s| s.name) {
                Some("profile") => profiles.to_vec(),
                Some("region") => REGIONS.iter().map(|r| r.to_string()).collect(),
                _ => Vec::new(),
            };
            choices
                .into_iter()
                .filter(|c| c.starts_with(argument))
                .map(|c| format!("{word} {c}"))
                .collect()
        }
    }
}

/// What Tab turns the line into: the only match, or the longest prefix all matches share.
pub fn complete(text: &str, profiles: &[String]) -> Option<String> {
    let matches = completions(text, profiles);
    let first = matches.first()?;
    if matches.len() == 1 {
        return Some(first.clone());
    }
    let common = matches.iter().fold(first.clone(), |common, name| {
        common
            .chars()
            .zip(name.chars())
            .take_while(|(a, b)| a == b)
            .map(|(a, _)| a)
            .collect()
    });
    (common.len() > text.trim_start().len()).then_some(common)
}

/// Runs a command: a new root view, a context switch, help or quit.
pub fn run(app: &mut App, command: Command) -> Vec<Effect> {
    match command {
        Command::Quit => {
            app.quitting = true;
            return vec![Effect::Quit];
        }
        Command::Help => app.modal = Some(Modal::Help { scroll: 0 }),
        Command::Table(kind) => app.reset_stack(Box::new(TableView::new(kind, None))),
        Command::Topology => app.reset_stack(Box::new(TopologyView::focused(None))),
        Command::Jobs => app.reset_stack(Box::new(JobsView::new())),
        Command::Health => app.reset_stack(Box::new(super::views::health::HealthView::new(
            app.health_thresholds,
        ))),
        Command::Profile(profile) => return switch(app, Some(profile), None),
        Command::Region(region) => return switch(app, None, Some(region)),
        Command::Window(text) => return super::metrics::window_command(app, &text),
        Command::Cost => super::metrics::cost_command(app),
        Command::Charts => super::metrics::charts_command(app),
        Command::Whoami => return super::whoami::open(app),
    }
    Vec::new()
}

fn switch(app: &mut App, profile: Option<String>, region: Option<String>) -> Vec<Effect> {
    if app.info.demo {
        app.set_message(
            Level::Error,
            "the demo fleet has one region and no profiles".to_string(),
        );
        return Vec::new();
    }
    if let Some(name) = &profile
        && !app.profiles.is_empty()
        && !app.profiles.contains(name)
    {
        app.set_message(
            Level::Error,
            format!(
                "no profile {name} in the AWS config files (known: {})",
                app.profiles.join(", ")
            ),
        );
        return Vec::new();
    }
    let target = match (&profile, &region) {
        (Some(p), _) => format!("profile {p}"),
        (_, Some(r)) => format!("region {r}"),
        _ => String::new(),
    };
    app.set_message(Level::Info, format!("switching to {target}…"));
    vec![Effect::SwitchContext(ContextRequest { profile, region })]
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn parses_names_aliases_and_arguments() {
        assert_eq!(parse("queues"), Ok(Command::Table(TableKind::Queues)));
        assert_eq!(parse(" sqs "), Ok(Command::Table(TableKind::Queues)));
        assert_eq!(parse("subs"), Ok(Command::Table(TableKind::Subscriptions)));
        assert_eq!(parse("topo"), Ok(Command::Topology));
        assert_eq!(parse("q"), Ok(Command::Quit));
        assert_eq!(parse("jobs"), Ok(Command::Jobs));
        assert_eq!(parse("health"), Ok(Command::Health));
        assert_eq!(
            parse("region us-west-2"),
            Ok(Command::Region("us-west-2".into()))
        );
        assert_eq!(parse("ctx prod"), Ok(Command::Profile("prod".into())));
        assert!(parse("region").expect_err("needs one").contains("REGION"));
        assert!(parse("queues extra").is_err());
        assert!(parse("region a b").is_err());
        let err = parse("topicz").expect_err("unknown");
        assert!(err.contains(":queues"), "{err}");
    }

    #[test]
    fn completes_commands_profiles_and_regions() {
        let profiles = vec![
            "prod-ops".to_string(),
            "prod-read".to_string(),
            "dev".into(),
        ];
        assert_eq!(complete("qu", &profiles), None); // queues and quit share only "qu"
        assert_eq!(complete("que", &profiles), Some("queues".to_string()));
        assert_eq!(complete("h", &profiles), Some("he".to_string())); // health and help
        assert_eq!(complete("hel", &profiles), Some("help".to_string()));
        assert_eq!(complete("hea", &profiles), Some("health".to_string()));
        assert_eq!(complete("to", &profiles), Some("top".to_string()));
        assert_eq!(complete("x", &profiles), None);
        assert_eq!(
            complete("profile d", &profiles),
            Some("profile dev".to_string())
        );
        assert_eq!(
            complete("profile p", &profiles),
            Some("profile prod-".to_string())
        );
        assert_eq!(
            complete("region us-west-", &profiles),
            None,
            "us-west-1 and us-west-2 share only what is typed"
        );
        assert_eq!(
            complete("region eu-north", &profiles),
            Some("region eu-north-1".to_string())
        );
        assert_eq!(
            completions("q", &profiles),
            vec!["queues".to_string(), "quit".to_string()]
        );
    }
}
