//! The `:` commands: names, aliases, arguments, descriptions, completion, and running them.

use super::effect::{ContextRequest, Effect};
use super::modals::Modal;
use super::state::{App, Level};
use super::views::health::HealthView;
use super::views::jobs::JobsView;
use super::views::resource_table::TableView;
use super::views::topology::TopologyView;
use crate::resource_rows::TableKind;

/// What a command does when run: a plain one acts on the app; one with an argument gets
/// it too.
#[derive(Debug, Clone, Copy)]
enum Shape {
    Plain(fn(&mut App) -> Vec<Effect>),
    /// Takes one argument, named for help (`NAME`).
    WithArgument(fn(&mut App, String) -> Vec<Effect>, &'static str),
    /// May take one argument (help shows it in brackets: `[TARGET]`).
    OptionalArgument(fn(&mut App, Option<String>) -> Vec<Effect>, &'static str),
}

/// One `:` command, declared once: its names, its help, and what it does. Adding a
/// command (or a view opened by one) is one entry in [`COMMANDS`].
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
            Shape::WithArgument(_, name) | Shape::OptionalArgument(_, name) => Some(name),
        }
    }
}

/// A parsed command line: the command and its argument, ready to run.
#[derive(Clone)]
pub struct Command {
    spec: &'static CommandSpec,
    argument: Option<String>,
}

impl Command {
    /// The command's name (whatever alias was typed).
    pub fn name(&self) -> &'static str {
        self.spec.name
    }

    pub fn argument(&self) -> Option<&str> {
        self.argument.as_deref()
    }
}

impl std::fmt::Debug for Command {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        write!(f, ":{}", self.spec.name)?;
        match &self.argument {
            Some(argument) => write!(f, " {argument}"),
            None => Ok(()),
        }
    }
}

/// A new root view: the stack is replaced by it.
fn root(app: &mut App, view: Box<dyn super::views::View>) -> Vec<Effect> {
    app.reset_stack(view);
    Vec::new()
}

fn table(app: &mut App, kind: TableKind) -> Vec<Effect> {
    root(app, Box::new(TableView::new(kind, None)))
}

pub const COMMANDS: &[CommandSpec] = &[
    CommandSpec {
        shape: Shape::Plain(|app| table(app, TableKind::Queues)),
        name: "queues",
        aliases: &["queue", "sqs"],
        description: "All SQS queues with counts and dead-letter links",
    },
    CommandSpec {
        shape: Shape::Plain(|app| table(app, TableKind::Dlqs)),
        name: "dlq",
        aliases: &["dlqs", "dead"],
        description: "Only dead-letter queues, deepest first, with their sources",
    },
    CommandSpec {
        shape: Shape::Plain(|app| table(app, TableKind::Topics)),
        name: "topics",
        aliases: &["topic", "sns"],
        description: "SNS topics with subscription counts",
    },
    CommandSpec {
        shape: Shape::Plain(|app| table(app, TableKind::Subscriptions)),
        name: "subscriptions",
        aliases: &["subs", "sub"],
        description: "Subscriptions: filter policy, raw delivery, their own DLQ",
    },
    CommandSpec {
        shape: Shape::Plain(|app| table(app, TableKind::Lambdas)),
        name: "lambdas",
        aliases: &["lambda", "functions"],
        description: "Lambda functions and the queues they consume",
    },
    CommandSpec {
        shape: Shape::Plain(|app| root(app, Box::new(TopologyView::focused(None)))),
        name: "topology",
        aliases: &["topo", "tree"],
        description: "The fan-out: topic → subscription → queue → DLQ and consumers",
    },
    CommandSpec {
        shape: Shape::Plain(|app| {
            let thresholds = app.health_thresholds;
            root(app, Box::new(HealthView::new(thresholds)))
        }),
        name: "health",
        aliases: &["burning"],
        description: "The health board: what is burning now, worst first",
    },
    CommandSpec {
        shape: Shape::Plain(|app| root(app, Box::new(JobsView::new()))),
        name: "jobs",
        aliases: &["job"],
        description: "Running and recent background jobs; x cancels one",
    },
    CommandSpec {
        shape: Shape::WithArgument(|app, profile| switch(app, Some(profile), None), "NAME"),
        name: "profile",
        aliases: &["ctx"],
        description: "Switch to an AWS profile and reload everything (Tab completes)",
    },
    CommandSpec {
        shape: Shape::WithArgument(|app, region| switch(app, None, Some(region)), "REGION"),
        name: "region",
        aliases: &[],
        description: "Switch to a region and reload everything (Tab completes)",
    },
    CommandSpec {
        shape: Shape::WithArgument(
            |app, text| super::metric_refresh::window_command(app, &text),
            "WINDOW",
        ),
        name: "window",
        aliases: &[],
        description: "Charts' window: 15m, 1h, 3h, 12h, 1d or 3d (also [ and ])",
    },
    CommandSpec {
        shape: Shape::Plain(|app| {
            super::metric_refresh::cost_command(app);
            Vec::new()
        }),
        name: "cost",
        aliases: &[],
        description: "CloudWatch metrics requested in the last hour and their cost",
    },
    CommandSpec {
        shape: Shape::Plain(|app| {
            super::metric_refresh::charts_command(app);
            Vec::new()
        }),
        name: "charts",
        aliases: &["metrics", "chart"],
        description: "Charts of the selected queue (with DLQ and consumers), topic or function",
    },
    CommandSpec {
        shape: Shape::OptionalArgument(
            |app, target| match target {
                Some(name) => super::logs::open::open_named(app, &name),
                None => super::logs::open::open_selected(app),
            },
            "[TARGET]",
        ),
        name: "logs",
        aliases: &["log"],
        description: "Consumer logs of a function, queue, DLQ or topic (the selected row's \
                      without TARGET): tail, / filter, e errors, Tab signatures",
    },
    CommandSpec {
        shape: Shape::Plain(super::whoami::open),
        name: "whoami",
        aliases: &["iam", "permissions"],
        description: "Who these credentials are and what works here (harmless probes)",
    },
    CommandSpec {
        shape: Shape::Plain(|app| {
            app.modal = Some(Modal::Help { scroll: 0 });
            Vec::new()
        }),
        name: "help",
        aliases: &["h"],
        description: "Keys and commands",
    },
    CommandSpec {
        shape: Shape::Plain(|app| {
            app.quitting = true;
            vec![Effect::Quit]
        }),
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
        (Shape::Plain(_), Some(_)) => Err(format!(":{} takes no argument", spec.name)),
        (Shape::WithArgument(_, name), None) => {
            Err(format!(":{} needs a {name} (Tab completes)", spec.name))
        }
        (_, argument) => Ok(Command {
            spec,
            argument: argument.map(str::to_string),
        }),
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
    match (command.spec.shape, command.argument) {
        (Shape::Plain(run), _) => run(app),
        (Shape::WithArgument(run, _), Some(argument)) => run(app, argument),
        (Shape::OptionalArgument(run, _), argument) => run(app, argument),
        // `parse` makes no such command; running it as given asks for nothing.
        (Shape::WithArgument(..), None) => Vec::new(),
    }
}

fn switch(app: &mut App, profile: Option<String>, region: Option<String>) -> Vec<Effect> {
    if app.info.demo {
        app.set_message(
            Level::Error,
            "the demo's regions are fixed: there is no other region or profile to switch to"
                .to_string(),
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
    // With a fleet, the switch replaces this context (the selected row's), whichever the
    // selection is on when it connects.
    app.fleet.switching_from = Some(app.fleet.active);
    vec![Effect::SwitchContext(ContextRequest { profile, region })]
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn parses_names_aliases_and_arguments() {
        let parsed = |line: &str| parse(line).map(|c| (c.name(), c.argument().map(str::to_string)));
        assert_eq!(parsed("queues"), Ok(("queues", None)));
        assert_eq!(parsed(" sqs "), Ok(("queues", None)));
        assert_eq!(parsed("subs"), Ok(("subscriptions", None)));
        assert_eq!(parsed("topo"), Ok(("topology", None)));
        assert_eq!(parsed("q"), Ok(("quit", None)));
        assert_eq!(parsed("jobs"), Ok(("jobs", None)));
        assert_eq!(parsed("health"), Ok(("health", None)));
        assert_eq!(
            parsed("region us-west-2"),
            Ok(("region", Some("us-west-2".into())))
        );
        assert_eq!(parsed("ctx prod"), Ok(("profile", Some("prod".into()))));
        assert!(parse("region").expect_err("needs one").contains("REGION"));
        assert!(parse("queues extra").is_err());
        assert!(parse("region a b").is_err());
        let err = parse("topicz").expect_err("unknown");
        assert!(err.contains(":queues"), "{err}");
    }

    #[test]
    fn every_name_and_alias_names_one_command() {
        let mut seen = std::collections::BTreeSet::new();
        for spec in COMMANDS {
            for word in std::iter::once(&spec.name).chain(spec.aliases) {
                assert!(seen.insert(*word), ":{word} names two commands");
            }
        }
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
