//! Live Tail over the AWS SDK: `StartLiveTail` opens an event stream of the groups' new
//! events. The service bills per minute of session, so a session lives exactly as long as
//! its `SdkTail`: dropping it closes the stream and ends the session.

use async_trait::async_trait;
use aws_sdk_cloudwatchlogs::Client;
use aws_sdk_cloudwatchlogs::operation::start_live_tail::StartLiveTailOutput;
use aws_sdk_cloudwatchlogs::types::StartLiveTailResponseStream;
use aws_smithy_runtime_api::box_error::BoxError;
use aws_smithy_runtime_api::client::endpoint::EndpointPrefix;
use aws_smithy_runtime_api::client::interceptors::Intercept;
use aws_smithy_runtime_api::client::interceptors::context::BeforeTransmitInterceptorContextMut;
use aws_smithy_runtime_api::client::runtime_components::RuntimeComponents;
use aws_smithy_types::config_bag::ConfigBag;

use super::{LiveTail, LogEvent, TailEvent};
use crate::aws::ApiError;

pub(super) const START: &str = "StartLiveTail";

/// Live Tail is served from `stream-logs.REGION.amazonaws.com`: the SDK puts `stream-` before
/// the host. An endpoint given by URL (an emulator, a proxy) has no such host, so the
/// prefix goes.
#[derive(Debug)]
struct NoStreamPrefix;

impl Intercept for NoStreamPrefix {
    fn name(&self) -> &'static str {
        "NoStreamPrefix"
    }

    fn modify_before_retry_loop(
        &self,
        _context: &mut BeforeTransmitInterceptorContextMut<'_>,
        _components: &RuntimeComponents,
        cfg: &mut ConfigBag,
    ) -> Result<(), BoxError> {
        cfg.interceptor_state().unset::<EndpointPrefix>();
        Ok(())
    }
}

/// Opens a session on `groups` (`(identifier, name)`: Live Tail names groups by ARN, events
/// come back under the name).
pub(super) async fn start(
    client: &Client,
    endpoint_url_given: bool,
    groups: Vec<(String, String)>,
    pattern: Option<&str>,
) -> Result<Box<dyn LiveTail>, ApiError> {
    let mut request = client
        .start_live_tail()
        .set_log_group_identifiers(Some(groups.iter().map(|(id, _)| id.clone()).collect()))
        .set_log_event_filter_pattern(pattern.map(str::to_string))
        .customize();
    if endpoint_url_given {
        request = request.interceptor(NoStreamPrefix);
    }
    let output = request
        .send()
        .await
        .map_err(|e| ApiError::from_sdk(START, e))?;
    Ok(Box::new(SdkTail {
        stream: output,
        groups,
    }))
}

struct SdkTail {
    stream: StartLiveTailOutput,
    groups: Vec<(String, String)>,
}

impl SdkTail {
    /// The name of the group an event names by ARN (or by name).
    fn name_of(&self, identifier: &str) -> String {
        let bare = identifier.trim_end_matches(":*");
        self.groups
            .iter()
            .find(|(id, name)| id.trim_end_matches(":*") == bare || name == bare)
            .map_or_else(
                || {
                    bare.rsplit(":log-group:")
                        .next()
                        .unwrap_or(bare)
                        .to_string()
                },
                |(_, name)| name.clone(),
            )
    }
}

#[async_trait]
impl LiveTail for SdkTail {
    async fn next(&mut self) -> Result<Option<Vec<TailEvent>>, ApiError> {
        loop {
            let received = self.stream.response_stream.recv().await.map_err(|e| {
                ApiError::new(
                    crate::aws::ErrorKind::Server,
                    START,
                    aws_smithy_types::error::display::DisplayErrorContext(&e).to_string(),
                )
            })?;
            let update = match received {
                None => return Ok(None),
                Some(StartLiveTailResponseStream::SessionUpdate(update)) => update,
                // The session's start and what a newer service adds say nothing to show.
                Some(_) => continue,
            };
            let events = update
                .session_results
                .unwrap_or_default()
                .into_iter()
                .map(|e| TailEvent {
                    log_group: self.name_of(e.log_group_identifier.as_deref().unwrap_or("")),
                    event: LogEvent {
                        log_stream: e.log_stream_name.unwrap_or_default(),
                        timestamp_ms: e.timestamp.unwrap_or_default(),
                        message: e.message.unwrap_or_default(),
                    },
                })
                .collect();
            return Ok(Some(events));
        }
    }
}
