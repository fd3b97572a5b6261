//! The logs view's follow by Live Tail: one long job per followed feed holds the session
//! (billed per minute) and sends its lines as they come. The job is cancelled, ending the
//! session, as soon as the feed's view is not on top or its follow is stopped. Where the
//! endpoint has no Live Tail the job answers "polling" and ends, and the view polls every
//! 2 s; the session's budget remembers it, so it is asked once.

use super::{Destination, LogsAnswer, LogsJob, LogsQuery, MAX_SEARCH_LINES, POLL_OVERLAP_MS};
use crate::app::effect::{Effect, Work};
use crate::app::jobs::JobId;
use crate::app::metric_refresh::epoch_ms;
use crate::app::state::App;
use crate::app::views::logs::LogsView;
use crate::logs::SearchRequest;
use crate::logs::live::{FollowMode, tries_live_tail};

/// Ends the sessions of feeds not followed on top: their view left, is covered, or stopped.
pub fn stop_unwatched(app: &mut App) -> Vec<Effect> {
    let watched = app
        .view_as::<LogsView>()
        .filter(|v| v.following)
        .map(|v| v.feed);
    let mut effects = Vec::new();
    for (id, feed) in &mut app.logs.feeds {
        if Some(*id) != watched
            && let Some(job) = feed.tail.take()
        {
            // Asked again when the view is followed again.
            feed.mode = None;
            effects.push(Effect::Cancel(job));
        }
    }
    effects
}

/// Whether feed `id`'s follow should open a Live Tail session now; opens it.
pub fn open(app: &mut App, id: u64) -> Option<Vec<Effect>> {
    let now_ms = epoch_ms(app.now);
    let max_bytes = app.logs.max_scan_bytes;
    let known = app.logs.budget.0.live_tail_works();
    let feed = app.logs.feeds.get_mut(&id)?;
    if feed.tail.is_some() {
        return Some(Vec::new());
    }
    if feed.mode == Some(FollowMode::Polling) || !tries_live_tail(known, feed.groups.len()) {
        feed.mode = Some(FollowMode::Polling);
        return None;
    }
    let label = format!("live tail {}", feed.title);
    let job = app.jobs.start(label.clone(), app.now);
    feed.tail = Some(job);
    let request = SearchRequest {
        groups: feed.groups.clone(),
        start_ms: feed
            .newest_ms
            .map_or(feed.searched_to_ms, |n| n - POLL_OVERLAP_MS),
        end_ms: now_ms,
        pattern: None,
        max_bytes,
        max_lines: MAX_SEARCH_LINES,
    };
    app.logs.revision += 1;
    Some(vec![Effect::Start {
        id: job,
        work: Work::Logs(LogsJob {
            to: Destination::Feed(id),
            generation: feed.generation,
            query: LogsQuery::Tail { request },
            budget: app.logs.budget.clone(),
            now_ms,
            label,
        }),
    }])
}

/// A batch of the session (or its end: polling from here on).
pub fn read(app: &mut App, job: JobId, id: u64, answer: LogsAnswer) {
    let LogsAnswer::Tailed { lines, bytes, mode } = answer else {
        return;
    };
    let Some(feed) = app.logs.feeds.get_mut(&id) else {
        return;
    };
    if feed.tail != Some(job) {
        return;
    }
    feed.merge(lines);
    feed.scanned.bytes += bytes;
    // On "polling" the job ends next; `ended` lets the polls start.
    feed.mode = Some(mode);
    app.logs.revision += 1;
}

/// A tail job ended (cancelled, or failed): false for other jobs.
pub fn ended(app: &mut App, job: JobId) -> bool {
    let Some(feed) = app.logs.feeds.values_mut().find(|f| f.tail == Some(job)) else {
        return false;
    };
    feed.tail = None;
    feed.ended = Some(app.now);
    app.logs.revision += 1;
    true
}
