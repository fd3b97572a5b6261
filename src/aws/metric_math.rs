//! Whether an endpoint takes CloudWatch metric math, decided once per endpoint (one
//! `MetricSource`, so one backend) and remembered: emulators refuse it (LocalStack answers
//! HTTP 500, which the SDK would retry like an outage), and asking again on every call and
//! in every view only costs time.

use std::sync::OnceLock;

use tokio::sync::Mutex;

use super::ApiError;

/// What is known of one endpoint's metric math.
#[derive(Debug, Default)]
pub struct MathSupport {
    /// Set once: `Some(error)` refused (the answer it gave), `None` taken.
    decided: OnceLock<Option<ApiError>>,
    /// Held while a call asks with math for the first time, so that calls made side by side
    /// wait for that answer instead of each asking.
    probing: Mutex<()>,
}

impl MathSupport {
    /// `Some(true)` taken, `Some(false)` refused, `None` not known yet.
    pub fn known(&self) -> Option<bool> {
        self.decided.get().map(Option::is_none)
    }

    /// Why the endpoint refused metric math, once it has.
    pub fn refusal(&self) -> Option<&ApiError> {
        self.decided.get().and_then(Option::as_ref)
    }

    pub fn note_taken(&self) {
        let _ = self.decided.set(None);
    }

    /// Remembers the refusal and logs it, once.
    pub fn note_refused(&self, error: ApiError) {
        let message = error.to_string();
        if self.decided.set(Some(error)).is_ok() {
            tracing::warn!(
                "this endpoint refuses CloudWatch metric math ({message}); ratios are computed \
                 by squall from their inputs, and math is not asked for again"
            );
        }
    }

    /// Held by the one call that finds out; the others wait, then read `known`.
    pub async fn probe(&self) -> tokio::sync::MutexGuard<'_, ()> {
        self.probing.lock().await
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn decided_once_the_first_answer_stays() {
        let support = MathSupport::default();
        assert_eq!(support.known(), None);
        support.note_refused(ApiError::server("GetMetricData", "500"));
        assert_eq!(support.known(), Some(false));
        support.note_taken();
        assert_eq!(support.known(), Some(false));
        assert!(support.refusal().is_some());
        let taken = MathSupport::default();
        taken.note_taken();
        assert_eq!(taken.known(), Some(true));
    }
}
