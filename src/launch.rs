//! From parsed flags to a running squall: config, logging, connection, then the TUI or a
//! subcommand. Errors a user can fix come back as plain text, never a stack trace.

use std::process::ExitCode;

use color_eyre::eyre::{Result, WrapErr, eyre};

use crate::aws::connect::{ConnectOptions, connect};
use crate::aws::{Backend, ConnectionInfo};
use crate::cli::{Cli, Command, ListKind};
use crate::commands::exit as exit_code;
use crate::config::Config;
use crate::gate::Shown;
use crate::inventory::collect_inventory;
use crate::ui::Theme;

pub fn run(cli: Cli) -> Result<ExitCode> {
    // A demo's journals are its own: never a real run's, nor another demo process's.
    let _demo_data = if cli.demo {
        crate::redrive::journal_files::enter_demo()
    } else {
        None
    };
    // Completions need neither config nor AWS: a fresh bastion can install them first.
    if let Some(Command::Completions { shell }) = cli.command {
        let mut script = Vec::new();
        crate::completions::write(shell, &mut script)?;
        let script = String::from_utf8_lossy(&script).into_owned();
        crate::gate::out(&crate::gate::Shown::squall_own(script))?;
        return Ok(ExitCode::from(exit_code::OK));
    }
    // The policy is derived from squall's own lists: no AWS settings needed.
    if let Some(Command::IamPolicy(args)) = &cli.command {
        return crate::commands::iam_policy::run(args);
    }
    // Reading, listing and removing redrive journals needs no AWS either: they are local files.
    if let Some(Command::Redrive(args)) = &cli.command {
        match &args.show_journal {
            Some(Some(path)) => return crate::commands::redrive::show_journal(path, args.json),
            Some(None) => return crate::commands::redrive_journals::list(args.json),
            None if args.prune_journals => {
                return crate::commands::redrive_journals::prune(args.yes, args.json);
            }
            None => {}
        }
    }
    let config = Config::load(cli.config.as_deref())?;
    let config = Config {
        ascii: config.ascii || cli.ascii,
        ..config
    };
    let _log_guard =
        crate::log_file::init(cli.log_file.clone().or_else(|| config.log_file.clone()))?;
    let runtime = tokio::runtime::Builder::new_multi_thread()
        .enable_all()
        .build()
        .wrap_err("cannot start the async runtime")?;
    runtime.block_on(run_async(cli, config))
}

async fn run_async(cli: Cli, config: Config) -> Result<ExitCode> {
    if cli.demo
        && let Some(refused) = demo_refuses_fleet(&cli)?
    {
        return Ok(refused);
    }
    let contexts = if cli.demo {
        Vec::new()
    } else {
        crate::commands::fleet::contexts(&cli, &config).map_err(|e| eyre!("{e}"))?
    };
    if contexts.len() > 1 {
        return run_fleet(cli, config, contexts).await;
    }
    let backend = if cli.demo {
        let defaults = crate::sim::DemoOptions::default();
        crate::sim::demo_backend_with(
            cli.seed.unwrap_or(crate::sim::DEFAULT_SEED),
            crate::sim::DemoOptions {
                incident_after_s: cli
                    .demo_incident_after_s
                    .unwrap_or(defaults.incident_after_s),
                skip_s: cli.demo_skip_s,
                ..defaults
            },
        )
    } else {
        sdk_backend(&cli, &config, contexts.first()).await?
    };
    // Read-only by construction: the writing capabilities are dropped here, once, so no
    // later code path can reach them.
    let read_only = match contexts.first() {
        Some(context) => context.read_only,
        None => cli.read_only || config.read_only_for(backend.info.profile.as_deref()),
    };
    let backend = if read_only {
        backend.read_only()
    } else {
        backend
    };
    match cli.command {
        Some(Command::Ls { what, json }) => list(backend, &config, what, json).await,
        Some(Command::Peek(args)) => crate::commands::peek::run(&backend, &config, args).await,
        Some(Command::Export(args)) => crate::commands::export::run(&backend, &config, args).await,
        Some(Command::Send(args)) => crate::commands::send::run(&backend, args).await,
        Some(Command::Publish(args)) => crate::commands::publish::run(&backend, args).await,
        Some(Command::Purge(args)) => crate::commands::purge::run(&backend, args).await,
        Some(Command::Redrive(args)) => {
            crate::commands::redrive::run(&backend, &config, args).await
        }
        Some(Command::Logs(args)) => crate::commands::logs::run(&backend, &config, args).await,
        Some(Command::Metrics(args)) => {
            crate::commands::metrics::run(&backend, &config, args).await
        }
        Some(Command::Completions { .. } | Command::IamPolicy(_)) => {
            Ok(ExitCode::from(exit_code::OK))
        }
        Some(Command::Health(args)) => crate::commands::health::run(&backend, &config, args).await,
        Some(Command::Doctor(args)) => crate::commands::doctor::run(&backend, &config, args).await,
        Some(Command::Whoami(args)) => crate::commands::whoami::run(&backend, &args).await,
        // The demo's console shows a fleet: the shop in us-east-1 and a second region.
        None if cli.demo => {
            let seed = cli.seed.unwrap_or(crate::sim::DEFAULT_SEED);
            let members = demo_members(backend, seed, read_only);
            crate::interactive::run_fleet(members, &config, cli.read_only, None).await
        }
        None => {
            crate::interactive::run(
                backend,
                read_only,
                &config,
                cli.read_only,
                cli.endpoint_url.clone(),
            )
            .await
        }
    }
}

/// `--demo` checks `--profiles`/`--regions` as a real run does (a bad list is an error),
/// and refuses more than one context: an acting verb as a fleet refuses it, the others
/// because the demo's command line serves its one us-east-1 shop. A user's `[fleet]` is
/// not the demo's.
fn demo_refuses_fleet(cli: &Cli) -> Result<Option<ExitCode>> {
    let flags = crate::commands::fleet::flags(cli);
    let contexts = crate::fleet::contexts(&flags, &[], &|_| false).map_err(|e| eyre!("{e}"))?;
    if contexts.len() < 2 {
        return Ok(None);
    }
    if let Some(verb) = cli.command.as_ref().and_then(one_context_verb) {
        return Ok(crate::commands::fleet::refuse_many(verb, &contexts));
    }
    Ok(Some(crate::commands::exit::refuse(
        exit_code::FAILED,
        &[
            "--demo serves one context on the command line: its us-east-1 shop".to_string(),
            "drop --profiles/--regions (the demo's console shows its second region beside it)"
                .to_string(),
        ],
    )))
}

/// The verbs that act in one context (or read one resource) and refuse a fleet.
fn one_context_verb(command: &Command) -> Option<&'static str> {
    match command {
        Command::Peek(_) => Some("peek"),
        Command::Export(_) => Some("export"),
        Command::Send(_) => Some("send"),
        Command::Publish(_) => Some("publish"),
        Command::Purge(_) => Some("purge"),
        Command::Redrive(_) => Some("redrive"),
        Command::Logs(_) => Some("logs"),
        Command::Metrics(_) => Some("metrics"),
        Command::Whoami(_) => Some("whoami"),
        _ => None,
    }
}

/// More than one context: the verbs that read (`ls`, `health`, `doctor`) look at all of
/// them; every other verb acts in one context and refuses.
async fn run_fleet(
    cli: Cli,
    config: Config,
    contexts: Vec<crate::fleet::Context>,
) -> Result<ExitCode> {
    if let Some(Command::Completions { .. } | Command::IamPolicy(_)) = &cli.command {
        return Ok(ExitCode::from(exit_code::OK));
    }
    let one_context_verb = cli.command.as_ref().and_then(one_context_verb);
    if let Some(verb) = one_context_verb {
        let refused = crate::commands::fleet::refuse_many(verb, &contexts);
        return Ok(refused.unwrap_or(ExitCode::from(exit_code::FAILED)));
    }
    let members = fleet_members(&cli, &config, contexts).await;
    match cli.command {
        Some(Command::Ls { what, json }) => {
            crate::commands::fleet_ls::run(&members, &config, what, json).await
        }
        Some(Command::Health(args)) => {
            crate::commands::fleet_health::run(&members, &config, args).await
        }
        Some(Command::Doctor(args)) => {
            crate::commands::fleet_doctor::run(&members, &config, args).await
        }
        // The console over the fleet: one board, every context's tables.
        None => {
            crate::interactive::run_fleet(members, &config, cli.read_only, cli.endpoint_url).await
        }
        _ => Err(eyre!(
            "squall: this command takes one context: pass one --profile/--region"
        )),
    }
}

/// Every context connected, each to a backend of its own sharing one budget of
/// `aws.concurrency` calls; a context that cannot connect is a member holding its error.
pub async fn fleet_members(
    cli: &Cli,
    config: &Config,
    contexts: Vec<crate::fleet::Context>,
) -> Vec<crate::fleet::Member> {
    crate::fleet::connect_all(
        contexts,
        cli.endpoint_url.clone(),
        config.max_attempts,
        config.concurrency,
    )
    .await
}

/// The one context's backend: the flags', or the one `[fleet]` entry's profile and region.
async fn sdk_backend(
    cli: &Cli,
    config: &Config,
    context: Option<&crate::fleet::Context>,
) -> Result<Backend> {
    let options = ConnectOptions {
        profile: context.map_or(cli.profile.clone(), |c| c.profile.clone()),
        region: context.map_or(cli.region.clone(), |c| c.region.clone()),
        endpoint_url: cli.endpoint_url.clone(),
        max_attempts: config.max_attempts,
    };
    let (sdk_config, info): (_, ConnectionInfo) = connect(&options).await?;
    Ok(crate::aws::sdk_backend(&sdk_config, info))
}

/// `squall ls KIND [--json]`. Exit status 1 when the listing itself fails. Anything else
/// missing after retries (a queue not described, a secondary listing such as Lambda for
/// `ls topology`) is named on stderr, one line each (JSON lines with `--json`), the rest
/// prints, and the exit status is 4 (incomplete).
async fn list(backend: Backend, config: &Config, what: ListKind, json: bool) -> Result<ExitCode> {
    let (kind, sources) = crate::commands::fleet_ls::listing(what);
    let collected = collect_inventory(&backend, config.concurrency, sources).await;
    let primary = sources[0];
    if let Some((source, error)) = collected.failed_sources.iter().find(|(s, _)| *s == primary) {
        let error = error.to_string();
        return Err(eyre!(
            "squall: listing {} failed: {}",
            source.label(),
            crate::domain::untrusted::escape(&error)
        ));
    }
    let inventory = &collected.inventory;
    let text = match (kind, json) {
        (Some(kind), true) => Shown::json_text(crate::output::json(kind, inventory)?),
        (Some(kind), false) => Shown::text(&crate::output::table(kind, inventory)),
        (None, true) => Shown::json_text(crate::output::topology_json(inventory)?),
        (None, false) => Shown::text(&crate::output::topology_text(
            inventory,
            Theme::from_env(config.colors).ascii,
        )),
    };
    let code = print_output(&text)?;
    let missing = crate::incomplete::missing(&collected, primary);
    if missing.is_empty() {
        return Ok(code);
    }
    crate::incomplete::report(&missing, json, true)?;
    Ok(ExitCode::from(exit_code::INCOMPLETE))
}

/// Prints to stdout through the output gate; a closed pipe (`squall ls ... | head`) ends
/// quietly, not with a panic.
fn print_output(text: &Shown) -> Result<ExitCode> {
    match crate::gate::out_line(text) {
        Ok(()) => Ok(ExitCode::SUCCESS),
        Err(err) => Err(eyre!("squall: cannot write the output: {err}")),
    }
}

/// The demo's fleet: the shop in us-east-1 (`backend`, as `--demo` always had it) and the
/// checkout fleet in eu-west-1 on the same seed.
pub fn demo_members(backend: Backend, seed: u64, read_only: bool) -> Vec<crate::fleet::Member> {
    let context = |region: &str| crate::fleet::Context {
        profile: None,
        region: Some(region.to_string()),
        label: Some(region.to_string()),
        read_only,
    };
    vec![
        crate::fleet::Member::ready(context(&backend.info.region.clone()), backend),
        crate::fleet::Member::ready(
            context(crate::sim::EU_REGION),
            crate::sim::demo_eu_backend(seed),
        ),
    ]
}
