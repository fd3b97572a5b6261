//! `squall publish TOPIC --message M [--attr k=v] [--group-id G] [--dedup-id D] [--subject S]`.

use std::process::ExitCode;

use color_eyre::eyre::{Result, eyre};

use super::exit;
use super::human::one_line;
use super::send::attributes;
use crate::aws::Backend;
use crate::aws::resolve;
use crate::cli::PublishArgs;
use crate::gate::Shown;
use crate::messages::outgoing::notification;

pub async fn run(backend: &Backend, args: PublishArgs) -> Result<ExitCode> {
    let writers = match backend.writers(&format!("publish to {}", one_line(&args.topic))) {
        Ok(writers) => writers,
        Err(refused) => return Ok(exit::refuse(exit::READ_ONLY, &[refused.to_string()])),
    };
    let topic = resolve::topic(backend, &args.topic)
        .await
        .map_err(|e| eyre!("squall: {}", one_line(&e.to_string())))?;
    let attributes = attributes(&args.attributes)?;
    let built = notification(
        &topic,
        args.message,
        args.subject,
        attributes,
        args.group_id,
        args.dedup_id,
    )
    .map_err(|e| {
        eyre!(
            "squall: {}; nothing was published",
            one_line(&e.to_string())
        )
    })?;
    let message_id = writers
        .topics
        .publish(&topic.arn, &built)
        .await
        .map_err(|e| eyre!("squall: {}", one_line(&e.to_string())))?;
    super::print(&Shown::text(&format!(
        "published to {}: message id {}\n",
        one_line(&topic.name),
        one_line(&message_id)
    )))?;
    Ok(ExitCode::SUCCESS)
}
