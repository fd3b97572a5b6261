//! Connecting each context of the fleet to a `Backend` of its own: its profile's
//! credentials, its region, the endpoint, read-only applied per context. A context that
//! cannot connect (expired SSO, unknown profile, no region) becomes a `Member` holding its
//! error: one row saying so, never the end of the run.

use crate::aws::Backend;
use crate::aws::connect::{ConnectError, ConnectOptions, connect};

use super::{Budget, Context};

/// One context of the fleet, connected or not.
#[derive(Clone)]
pub struct Member {
    /// Its region filled in once connected (from the profile when not named).
    pub context: Context,
    /// The context's own backend (read-only when the context is), or why it could not
    /// connect, on one line.
    pub backend: Result<Backend, String>,
    /// The account its credentials belong to (STS `GetCallerIdentity`), when known.
    pub account: Option<String>,
}

impl Member {
    /// A context already connected (the demo's simulated regions, tests).
    pub fn ready(context: Context, backend: Backend) -> Member {
        let backend = if context.read_only {
            backend.read_only()
        } else {
            backend
        };
        Member {
            context,
            backend: Ok(backend),
            account: None,
        }
    }

    /// The display name of its context (`label`, else `profile/region`).
    pub fn name(&self) -> String {
        self.context.name()
    }

    pub fn error(&self) -> Option<&str> {
        self.backend.as_ref().err().map(String::as_str)
    }
}

/// Connects one context: `endpoint_url` (`--endpoint-url`) goes to every context, and a
/// profile's own `endpoint_url` in the AWS config files is read as for one context. With a
/// `budget`, the backend's reading calls share it with the other contexts.
pub async fn connect_one(
    context: Context,
    endpoint_url: Option<String>,
    max_attempts: u32,
    budget: Option<&Budget>,
) -> Member {
    let options = ConnectOptions {
        profile: context.profile.clone(),
        region: context.region.clone(),
        endpoint_url,
        max_attempts,
    };
    let (sdk_config, info) = match connect(&options).await {
        Ok(connected) => connected,
        Err(error) => {
            return Member {
                context,
                backend: Err(failure_line(&error)),
                account: None,
            };
        }
    };
    let mut context = context;
    context.region = Some(info.region.clone());
    let backend = crate::aws::sdk_backend(&sdk_config, info);
    let backend = match budget {
        Some(budget) => budget.apply(backend),
        None => backend,
    };
    let mut member = Member::ready(context, backend);
    member.account = account_of(&member).await;
    member
}

/// Every context, connected at once (one `Budget` of `concurrency` calls shared by all of
/// them when there is more than one), in the order given.
pub async fn connect_all(
    contexts: Vec<Context>,
    endpoint_url: Option<String>,
    max_attempts: u32,
    concurrency: usize,
) -> Vec<Member> {
    let budget = (contexts.len() > 1).then(|| Budget::new(concurrency));
    let connecting = contexts
        .into_iter()
        .map(|context| connect_one(context, endpoint_url.clone(), max_attempts, budget.as_ref()));
    futures::future::join_all(connecting).await
}

/// How long the account may take: it is a nicety (rows fall back to their ARN's account),
/// and an endpoint that does not answer must not hold the whole fleet's output back.
pub(crate) const ACCOUNT_WAIT: std::time::Duration = std::time::Duration::from_secs(5);

/// The account of the member's credentials, if STS answers in time.
pub(crate) async fn account_of(member: &Member) -> Option<String> {
    let backend = member.backend.as_ref().ok()?;
    let asked = backend.identity.caller_identity();
    let identity = tokio::time::timeout(ACCOUNT_WAIT, asked).await.ok()?.ok()?;
    Some(identity.account).filter(|a| !a.is_empty())
}

/// The connection error's first line, without the `squall:` prefix (the rest of the text
/// is advice for a single context: `--profile`, `--demo`).
fn failure_line(error: &ConnectError) -> String {
    // The flag it names would be wrong: the profile came from --profiles or [fleet].
    if let ConnectError::BadProfile { value, problem, .. } = error {
        return format!("profile {value:?} is not usable: {problem}");
    }
    let text = error.to_string();
    let first = text.lines().next().unwrap_or_default();
    let first = first.strip_prefix("squall: ").unwrap_or(first);
    first.trim_end_matches('.').to_string()
}
