//! Starting the TUI: the app with its settings, and the connector that `:profile` and
//! `:region` use to reach another account or region the same way squall started.

use std::process::ExitCode;
use std::sync::Arc;
use std::time::SystemTime;

use color_eyre::eyre::{Result, WrapErr};
use futures::FutureExt;

use crate::app::App;
use crate::app::effect::ContextRequest;
use crate::aws::connect::{ConnectError, ConnectOptions, connect};
use crate::aws::{Backend, ConnectionInfo};
use crate::config::Config;
use crate::fleet::Member;
use crate::runtime::Connector;
use crate::theme::Theme;

pub async fn run(
    backend: Backend,
    read_only: bool,
    config: &Config,
    cli_read_only: bool,
    endpoint_url: Option<String>,
) -> Result<ExitCode> {
    let app = new_app(backend.info.clone(), read_only, config);
    let connector = connector(config.clone(), cli_read_only, endpoint_url);
    crate::runtime::run(app, backend, theme(config), config.concurrency, connector)
        .await
        .wrap_err("terminal error")?;
    Ok(ExitCode::SUCCESS)
}

/// The TUI over a fleet: one context per member, in order; the first reachable one is the
/// one squall starts in, and a member that could not connect is a board row saying why.
pub async fn run_fleet(
    members: Vec<Member>,
    config: &Config,
    cli_read_only: bool,
    endpoint_url: Option<String>,
) -> Result<ExitCode> {
    let (app, backends) = fleet_app(members, config)?;
    let connector = connector(config.clone(), cli_read_only, endpoint_url);
    crate::runtime::run_fleet(app, backends, theme(config), config.concurrency, connector)
        .await
        .wrap_err("terminal error")?;
    Ok(ExitCode::SUCCESS)
}

/// The app over `members` and each reachable one's backend under its context id.
pub fn fleet_app(members: Vec<Member>, config: &Config) -> Result<(App, Vec<(usize, Backend)>)> {
    fleet_app_with(members, |info, read_only| new_app(info, read_only, config))
}

/// [`fleet_app`], the first reachable context's app made by `new_app`.
fn fleet_app_with(
    members: Vec<Member>,
    new_app: impl Fn(ConnectionInfo, bool) -> App,
) -> Result<(App, Vec<(usize, Backend)>)> {
    let mut failed = Vec::new();
    let mut app: Option<App> = None;
    let mut backends = Vec::new();
    for member in members {
        let name = member.name();
        let read_only = member.context.read_only;
        match member.backend {
            Err(why) => failed.push((name, why)),
            Ok(backend) => match app.as_mut() {
                None => {
                    let mut first = new_app(backend.info.clone(), read_only);
                    first.set_label(0, name);
                    backends.push((0, backend));
                    app = Some(first);
                }
                Some(app) => {
                    let id = app.add_context(backend.info.clone(), Some(name), read_only);
                    backends.push((id, backend));
                }
            },
        }
    }
    let Some(mut app) = app else {
        let reasons: Vec<String> = failed
            .iter()
            .map(|(name, why)| format!("{name}: {why}"))
            .collect();
        return Err(color_eyre::eyre::eyre!(
            "no context of the fleet could be reached ({})",
            reasons.join("; ")
        ));
    };
    for (name, why) in failed {
        app.add_failed_context(name, why);
    }
    Ok((app, backends))
}

/// The app on `info` with the config's settings.
fn new_app(info: ConnectionInfo, read_only: bool, config: &Config) -> App {
    let mut app = App::new(
        info,
        read_only,
        config.keymap.clone(),
        config.counts_refresh,
        SystemTime::now(),
    );
    app.refresh.listing = config.listing_refresh;
    app.health_thresholds = config.health;
    app.fold_depth = config.fold_depth;
    app.logs.max_scan_bytes = config.logs_max_scan_mb.saturating_mul(1_000_000);
    // `e` in the viewer offers a file here; read now, since update does no I/O.
    app.export_dir = std::env::current_dir().unwrap_or_else(|_| ".".into());
    app.redrive_confirm_typed_above = config.redrive_confirm_typed_above;
    app.canary_watch = crate::redrive::canary::WatchOptions::configured(
        config.redrive_canary_watch,
        config.sweep_cap,
        config.logs_max_scan_mb,
    );
    if config.start_on_health {
        // Over the queues table, so that Esc goes straight to it.
        app.push(Box::new(crate::app::views::health::HealthView::new(
            config.health,
        )));
    }
    app.profiles = crate::aws::profiles::known_profiles();
    // Journals of earlier redrives hold receipt handles: a data dir left open to other users
    // is closed before anything else, and the status bar says so once.
    if let Some(told) = crate::redrive::journal::data_dir()
        .and_then(|dir| crate::redrive::journal_files::secure(&dir))
    {
        app.set_message(crate::app::state::Level::Warning, told);
    }
    app
}

fn theme(config: &Config) -> Theme {
    let theme = Theme::from_env(config.colors);
    Theme {
        ascii: theme.ascii || config.ascii,
        ..theme
    }
}

/// Connects like the command line does: a profile's own region unless the switch names
/// one (falling back to the current region when the profile has none), the same
/// endpoint, and the profile's read-only setting.
pub fn connector(config: Config, cli_read_only: bool, endpoint_url: Option<String>) -> Connector {
    Arc::new(move |current: ConnectionInfo, request: ContextRequest| {
        let switching_profile = request.profile.is_some();
        let profile = request.profile.or(current.profile.clone());
        let region = request
            .region
            .or_else(|| (!switching_profile).then(|| current.region.clone()));
        let mut options = ConnectOptions {
            profile: profile.clone(),
            region,
            endpoint_url: endpoint_url.clone(),
            max_attempts: config.max_attempts,
        };
        let read_only = cli_read_only || config.read_only_for(profile.as_deref());
        async move {
            let connected = match connect(&options).await {
                Err(ConnectError::NoRegion(_)) if options.region.is_none() => {
                    options.region = Some(current.region.clone());
                    connect(&options).await
                }
                other => other,
            };
            let (sdk_config, info) = connected.map_err(|e| first_line(&e.to_string()))?;
            let backend = crate::aws::sdk_backend(&sdk_config, info);
            Ok((
                if read_only {
                    backend.read_only()
                } else {
                    backend
                },
                read_only,
            ))
        }
        .boxed()
    })
}

/// The connect errors are screens of advice; the status line takes their first line.
fn first_line(text: &str) -> String {
    let line = text.lines().next().unwrap_or(text);
    line.strip_prefix("squall: ").unwrap_or(line).to_string()
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::fleet::Context;

    fn context(region: &str, read_only: bool) -> Context {
        Context {
            profile: Some("prod".into()),
            region: Some(region.into()),
            label: None,
            read_only,
        }
    }

    fn plain_app(info: ConnectionInfo, read_only: bool) -> App {
        let config = Config::defaults().expect("defaults");
        App::new(info, read_only, config.keymap, None, SystemTime::UNIX_EPOCH)
    }

    fn sim(region: &str) -> Backend {
        let mut backend = crate::sim::backend(crate::sim::SimFleet::demo());
        backend.info.region = region.into();
        backend.info.profile = Some("prod".into());
        backend
    }

    #[test]
    fn the_first_reachable_member_starts_and_an_unreachable_one_is_a_failed_context() {
        let members = vec![
            Member {
                context: context("us-west-2", false),
                backend: Err("the SSO session has expired".into()),
                account: None,
            },
            Member::ready(context("us-east-1", false), sim("us-east-1")),
            Member::ready(context("eu-west-1", true), sim("eu-west-1")),
        ];
        let (app, backends) = fleet_app_with(members, plain_app).expect("a fleet");
        assert_eq!(app.info.region, "us-east-1");
        let ids: Vec<usize> = backends.iter().map(|(id, _)| *id).collect();
        assert_eq!(ids, [0, 1]);
        assert_eq!(app.fleet.label(0), "prod/us-east-1");
        assert_eq!(app.fleet.label(1), "prod/eu-west-1");
        let failed: Vec<(&str, &str)> = app.fleet.failed().collect();
        assert_eq!(failed, [("prod/us-west-2", "the SSO session has expired")]);
        let eu = &app.fleet.parked[0];
        assert!(eu.read_only, "eu-west-1's read-only setting is its own");
        assert!(!app.read_only);
        assert!(
            backends[1].1.writers("purge").is_err(),
            "its backend cannot write"
        );
    }

    #[test]
    fn no_reachable_member_is_an_error_naming_each() {
        let member = |region: &str| Member {
            context: context(region, false),
            backend: Err(format!("no credentials for {region}")),
            account: None,
        };
        let Err(error) = fleet_app_with(vec![member("us-east-1"), member("eu-west-1")], plain_app)
        else {
            panic!("no app without a context")
        };
        let text = error.to_string();
        assert!(
            text.contains("prod/us-east-1: no credentials for us-east-1"),
            "{text}"
        );
        assert!(text.contains("prod/eu-west-1"), "{text}");
    }
}
