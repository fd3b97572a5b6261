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
                    let mut first = new_app(backend.info.clone(), read_only, config);
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
    // `e` in the viewer offers a file here; read now, since update does no I/O.
    app.export_dir = std::env::current_dir().unwrap_or_else(|_| ".".into());
    app.redrive_confirm_typed_above = config.redrive_confirm_typed_above;
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
