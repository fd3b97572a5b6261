//! From parsed flags to a running squall: config, logging, connection, then the TUI or a
//! subcommand. Errors a user can fix come back as plain text, never a stack trace.

use std::process::ExitCode;
use std::sync::Arc;
use std::time::SystemTime;

use color_eyre::eyre::{Result, WrapErr, eyre};

use crate::app::App;
use crate::aws::connect::{ConnectOptions, connect};
use crate::aws::lambda::SdkLambdas;
use crate::aws::sns::SdkTopics;
use crate::aws::sqs::SdkQueues;
use crate::aws::{Backend, ConnectionInfo};
use crate::cli::{Cli, Command, ListKind};
use crate::config::Config;
use crate::ui::Theme;

pub fn run(cli: Cli) -> Result<ExitCode> {
    let config = Config::load(cli.config.as_deref())?;
    let _log_guard = init_logging(&cli, &config)?;
    let runtime = tokio::runtime::Builder::new_multi_thread()
        .enable_all()
        .build()
        .wrap_err("cannot start the async runtime")?;
    runtime.block_on(run_async(cli, config))
}

async fn run_async(cli: Cli, config: Config) -> Result<ExitCode> {
    let backend = if cli.demo {
        crate::sim::demo_backend()
    } else {
        sdk_backend(&cli, &config).await?
    };
    match cli.command {
        Some(Command::Ls {
            what: ListKind::Queues,
            json,
        }) => list_queues(backend, &config, json).await,
        None => {
            let read_only = cli.read_only || config.read_only_for(backend.info.profile.as_deref());
            let app = App::new(
                backend.info.clone(),
                read_only,
                config.keymap.clone(),
                config.queues_refresh,
                SystemTime::now(),
            );
            let theme = Theme::from_env(config.colors);
            crate::runtime::run(app, backend, theme, config.concurrency)
                .await
                .wrap_err("terminal error")?;
            Ok(ExitCode::SUCCESS)
        }
    }
}

async fn sdk_backend(cli: &Cli, config: &Config) -> Result<Backend> {
    let options = ConnectOptions {
        profile: cli.profile.clone(),
        region: cli.region.clone(),
        endpoint_url: cli.endpoint_url.clone(),
        max_attempts: config.max_attempts,
    };
    let (sdk_config, info): (_, ConnectionInfo) = connect(&options).await?;
    Ok(Backend {
        queues: Arc::new(SdkQueues::new(
            aws_sdk_sqs::Client::new(&sdk_config),
            info.region.clone(),
        )),
        topics: Arc::new(SdkTopics::new(aws_sdk_sns::Client::new(&sdk_config))),
        lambdas: Arc::new(SdkLambdas::new(aws_sdk_lambda::Client::new(&sdk_config))),
        info,
    })
}

async fn list_queues(backend: Backend, config: &Config, json: bool) -> Result<ExitCode> {
    let (queues, failures) =
        crate::inventory::collect_queues(backend.queues.clone(), config.concurrency)
            .await
            .map_err(|e| eyre!("squall: {e}"))?;
    for (url, error) in &failures {
        eprintln!("squall: warning: {url}: {error}");
    }
    let text = if json {
        crate::output::queues_json(&queues)?
    } else {
        crate::output::queues_table(&queues)
    };
    println!("{}", text.trim_end());
    Ok(ExitCode::SUCCESS)
}

/// Logs go to a file only when asked; the guard flushes it on exit.
fn init_logging(
    cli: &Cli,
    config: &Config,
) -> Result<Option<tracing_appender::non_blocking::WorkerGuard>> {
    let Some(path) = cli.log_file.clone().or_else(|| config.log_file.clone()) else {
        return Ok(None);
    };
    let file = std::fs::OpenOptions::new()
        .create(true)
        .append(true)
        .open(&path)
        .wrap_err_with(|| format!("cannot open the log file {}", path.display()))?;
    let (writer, guard) = tracing_appender::non_blocking(file);
    tracing_subscriber::fmt()
        .with_writer(writer)
        .with_ansi(false)
        .with_max_level(tracing::Level::DEBUG)
        .try_init()
        .map_err(|e| eyre!("cannot start logging: {e}"))?;
    tracing::info!(version = env!("CARGO_PKG_VERSION"), "squall starting");
    Ok(Some(guard))
}
