//! `squall purge QUEUE --yes`: PurgeQueue, after saying what it deletes.

use std::process::ExitCode;

use color_eyre::eyre::{Result, eyre};

use super::exit;
use super::human::one_line;
use crate::aws::Backend;
use crate::aws::resolve;
use crate::cli::PurgeArgs;
use crate::gate::Shown;

pub async fn run(backend: &Backend, args: PurgeArgs) -> Result<ExitCode> {
    let writers = match backend.writers(&format!("purge {}", one_line(&args.queue))) {
        Ok(writers) => writers,
        Err(refused) => return Ok(exit::refuse(exit::READ_ONLY, &[refused.to_string()])),
    };
    let queue = resolve::queue(backend, &args.queue)
        .await
        .map_err(|e| eyre!("squall: {}", one_line(&e.to_string())))?;
    let name = one_line(&queue.name);
    let counts = queue.counts;
    let total = counts.visible + counts.in_flight + counts.delayed;
    if !args.yes {
        return Ok(exit::refuse(
            exit::NEEDS_YES,
            &[
                format!("not purging {name} without --yes."),
                format!(
                    "PurgeQueue deletes every message in {name} for good: about {total} now ({} \
                     visible, {} in flight, {} delayed; approximate counts), and any sent in \
                     the next seconds.",
                    counts.visible, counts.in_flight, counts.delayed
                ),
                "Run again with --yes to purge.".to_string(),
            ],
        ));
    }
    writers
        .queues
        .purge_queue(&queue.url)
        .await
        .map_err(|e| eyre!("squall: {}", one_line(&e.to_string())))?;
    super::print(&Shown::text(&format!(
        "purged {name}: about {total} messages deleted (SQS may take up to 60 s to finish)\n"
    )))?;
    Ok(ExitCode::SUCCESS)
}
