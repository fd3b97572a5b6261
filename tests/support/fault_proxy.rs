//! A loopback HTTP proxy between squall and an emulator that adds latency and injects faults.
//!
//! [`FaultProxy::start`] listens on 127.0.0.1 (an ephemeral port) and, for every request a
//! client sends on a connection, reads the whole HTTP/1.1 request, holds it
//! [`Faults::latency`] (the network distance to real AWS), then decides its fate:
//!
//! * SQS requests (`X-Amz-Target: AmazonSQS.*`, the JSON protocol aws-sdk-sqs speaks) may be
//!   answered by the proxy itself, at the seeded rates of [`Faults`]: a throttling error in
//!   SQS's wire format (HTTP 400, `x-amzn-query-error: RequestThrottled;Sender`, JSON
//!   `__type` `…#RequestThrottled`: the SDK classifies it as throttling and backs off), a
//!   `503 Service Unavailable`, a `500 Internal Server Error`, or a `200` whose body is not
//!   JSON; or forwarded and answered [`Faults::slow_by`] late.
//! * Of the SQS requests forwarded, a second seeded draw picks:
//!   - `SendMessageBatch` requests answered with some entries `Failed`
//!     ([`Faults::partial_failure`]): the proxy takes a seeded subset of the entries (at least
//!     one) out of the request before it forwards it (or answers itself when that is all of
//!     them), and adds them to the `Failed` list of the emulator's answer as `InternalError`,
//!     `SenderFault: false`. An entry reported `Failed` was never delivered.
//!   - requests whose connection is dropped after they were forwarded
//!     ([`Faults::drop_after_forward`], only for [`Faults::drop_operations`] when that names
//!     any): the emulator acted, the client sees its connection close with no response (the
//!     ambiguous case).
//! * `GetQueueAttributes` for a queue named in [`Faults::doomed_queues`] always gets a 503.
//! * Any request, of any service, whose IAM action is in [`Faults::deny_actions`] (e.g.
//!   `sqs:DeleteMessage`, `lambda:ListFunctions`) is answered AccessDenied in that
//!   service's own wire format (tests/support/aws_wire.rs), before any other fault.
//! * Everything else (SNS, Lambda, the rest of SQS) is forwarded unchanged over one upstream
//!   connection per client connection.
//!
//! Every request's IAM action is recorded ([`FaultStats::actions`]), which is what the
//! permission drift tests compare with squall's own list. Lambda `Invoke` requests are kept
//! whole enough to check ([`FaultStats::invokes`]: function, `X-Amz-Invocation-Type`, body),
//! and the answers of chosen ones ([`Faults::drop_invokes`]) are dropped after the emulator
//! acted, as for SQS.
//!
//! Faults are drawn from a splitmix64 sequence over the request number, so a seed gives the
//! same rate every run (which request gets which fault depends on arrival order); partial
//! failures and drops over the request's number within its operation, so a seed gives them
//! to the same, say, `SendMessageBatch` requests every run. The
//! proxy counts what it did ([`FaultProxy::stats`]). Used by the fault tests and by the
//! inventory benchmark (`benches/inventory.rs`, latency only or throttling).

use std::collections::HashMap;
use std::net::SocketAddr;
use std::sync::{Arc, Mutex};
use std::time::Duration;

use tokio::io::{AsyncWriteExt, BufReader};
use tokio::net::{TcpListener, TcpStream};
use tokio::sync::oneshot;
use tokio::task::{JoinHandle, JoinSet};

use super::aws_wire::{access_denied, iam_action};
use super::http_message::{Message, read_message};
pub use super::invoke_wire::InvokeRequest;
use super::invoke_wire::invoke_request;
use super::sqs_wire::{
    batch_len, batch_response, garbage_response, queue_name, server_error_response, split_batch,
    sqs_operation, throttle_response, unavailable_response, with_failures,
};

/// What the proxy does to the traffic. Rates are shares of SQS requests, 0.0 to 1.0; their
/// sum must not exceed 1.
#[derive(Debug, Clone, Default)]
pub struct Faults {
    pub seed: u64,
    /// Held before forwarding or answering, every request (not only SQS).
    pub latency: Duration,
    /// Answered `400 RequestThrottled`.
    pub throttle: f64,
    /// Answered `503 Service Unavailable`.
    pub unavailable: f64,
    /// Forwarded, and the response held `slow_by` before it goes back.
    pub slow: f64,
    pub slow_by: Duration,
    /// Answered `200 OK` with a body that is not JSON.
    pub garbage: f64,
    /// Answered `500 Internal Server Error`.
    pub server_error: f64,
    /// Share of the forwarded `SendMessageBatch` requests answered with some of their
    /// entries `Failed` (those entries are not forwarded).
    pub partial_failure: f64,
    /// Share of the forwarded SQS requests (of [`Faults::drop_operations`], when it names
    /// any) whose client connection is closed once the emulator has answered, with no
    /// response. `partial_failure + drop_after_forward` must not exceed 1.
    pub drop_after_forward: f64,
    /// Operations (`SendMessageBatch`, `DeleteMessageBatch`, …) that
    /// [`Faults::drop_after_forward`] applies to; empty: every SQS operation.
    pub drop_operations: Vec<String>,
    /// Queue names whose `GetQueueAttributes` always gets a 503.
    pub doomed_queues: Vec<String>,
    /// IAM actions (`sqs:DeleteMessage`, `sns:Publish`, `lambda:ListFunctions`, …) always
    /// answered AccessDenied, whatever the service.
    pub deny_actions: Vec<String>,
    /// Lambda `Invoke` requests (1 for the first) forwarded and then answered by closing
    /// the client's connection: the emulator took the event, the client never hears of it.
    pub drop_invokes: Vec<u64>,
}

/// What the proxy did so far.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct FaultStats {
    /// Requests read from clients.
    pub requests: u64,
    /// Requests sent on to the emulator (slowed ones included).
    pub forwarded: u64,
    pub throttled: u64,
    pub unavailable: u64,
    pub slowed: u64,
    pub garbage: u64,
    /// Answered 500.
    pub server_errors: u64,
    /// `SendMessageBatch` requests answered with some entries `Failed`, and how many entries
    /// were (all of them never forwarded).
    pub partial: u64,
    pub failed_entries: u64,
    /// Connections dropped after the request was forwarded, per operation.
    pub dropped: HashMap<String, u64>,
    /// `GetQueueAttributes` requests per doomed queue name (all answered 503).
    pub doomed: HashMap<String, u64>,
    /// Client connections accepted.
    pub connections: u64,
    /// SQS requests read, per operation (`SendMessageBatch`, …).
    pub operations: HashMap<String, u64>,
    /// Requests read, per IAM action (`sqs:SendMessage`, `lambda:ListFunctions`, …), of
    /// every service; denied ones included.
    pub actions: HashMap<String, u64>,
    /// Requests answered AccessDenied, per IAM action.
    pub denied: HashMap<String, u64>,
    /// Lambda `Invoke` requests, in the order read (denied and dropped ones included).
    pub invokes: Vec<InvokeRequest>,
}

/// A running proxy; [`FaultProxy::shutdown`] stops it (dropping it leaves the tasks to the
/// runtime, which ends them when it shuts down).
pub struct FaultProxy {
    addr: SocketAddr,
    stats: Arc<Mutex<FaultStats>>,
    stop: oneshot::Sender<()>,
    accept: JoinHandle<()>,
}

impl FaultProxy {
    /// Starts the proxy in front of `upstream` on the current tokio runtime.
    pub async fn start(upstream: SocketAddr, faults: Faults) -> FaultProxy {
        let total = faults.throttle
            + faults.unavailable
            + faults.slow
            + faults.garbage
            + faults.server_error;
        assert!(
            (0.0..=1.0).contains(&total),
            "fault rates add up to {total}, more than 1"
        );
        let after = faults.partial_failure + faults.drop_after_forward;
        assert!(
            (0.0..=1.0).contains(&after),
            "partial failures and drops add up to {after}, more than 1"
        );
        let listener = TcpListener::bind(("127.0.0.1", 0))
            .await
            .expect("binding the fault proxy");
        let addr = listener.local_addr().expect("the fault proxy's address");
        let stats = Arc::new(Mutex::new(FaultStats::default()));
        let (stop, stopped) = oneshot::channel();
        let shared = Arc::new(Shared {
            upstream,
            faults,
            stats: Arc::clone(&stats),
        });
        let accept = tokio::spawn(accept_loop(listener, shared, stopped));
        FaultProxy {
            addr,
            stats,
            stop,
            accept,
        }
    }

    /// `http://127.0.0.1:PORT`, for `--endpoint-url`.
    pub fn endpoint(&self) -> String {
        format!("http://{}", self.addr)
    }

    pub fn stats(&self) -> FaultStats {
        lock(&self.stats).clone()
    }

    /// Stops accepting, aborts the connections still open, and returns the final counts.
    pub async fn shutdown(self) -> FaultStats {
        // The accept loop only ends on this signal, so the receiver is still there.
        let _ = self.stop.send(());
        self.accept.await.expect("the fault proxy's accept loop");
        lock(&self.stats).clone()
    }
}

struct Shared {
    upstream: SocketAddr,
    faults: Faults,
    stats: Arc<Mutex<FaultStats>>,
}

fn lock(stats: &Mutex<FaultStats>) -> std::sync::MutexGuard<'_, FaultStats> {
    stats
        .lock()
        .unwrap_or_else(|poisoned| poisoned.into_inner())
}

async fn accept_loop(
    listener: TcpListener,
    shared: Arc<Shared>,
    mut stopped: oneshot::Receiver<()>,
) {
    let mut connections = JoinSet::new();
    loop {
        tokio::select! {
            _ = &mut stopped => break,
            // Reap finished connections so the set stays small.
            Some(_) = connections.join_next(), if !connections.is_empty() => {}
            accepted = listener.accept() => match accepted {
                Ok((client, _)) => {
                    lock(&shared.stats).connections += 1;
                    connections.spawn(serve(client, Arc::clone(&shared)));
                }
                Err(e) => eprintln!("fault proxy: accept: {e}"),
            },
        }
    }
    drop(listener);
    // Aborts whatever is still open (idle keep-alive connections) and waits for it.
    connections.shutdown().await;
}

/// What happens to one request.
enum Fate {
    Forward,
    Slow,
    Throttle,
    Unavailable,
    ServerError,
    Garbage,
    Doomed(String),
    /// Answered AccessDenied for this IAM action.
    Deny(String),
    /// Forwarded without the entries at these positions, which are answered `Failed`.
    Partial(Vec<usize>),
    /// Forwarded, then the client connection is closed without the answer.
    Drop(String),
}

/// Serves one client connection, request by request, until either side closes it.
async fn serve(client: TcpStream, shared: Arc<Shared>) {
    let _ = client.set_nodelay(true);
    let (client_read, mut client_write) = client.into_split();
    let mut client_read = BufReader::new(client_read);
    let mut upstream: Option<Upstream> = None;
    loop {
        let request = match read_message(&mut client_read).await {
            Ok(Some(request)) => request,
            Ok(None) | Err(_) => return,
        };
        let (number, of_operation) = {
            let mut stats = lock(&shared.stats);
            stats.requests += 1;
            let action = iam_action(&request);
            if action == "lambda:InvokeFunction" {
                stats.invokes.push(invoke_request(&request));
            }
            *stats.actions.entry(action).or_default() += 1;
            let of_operation = match sqs_operation(&request) {
                Some(operation) => {
                    let n = stats.operations.entry(operation.to_string()).or_default();
                    *n += 1;
                    *n
                }
                None => 0,
            };
            // An Invoke's number among the Invokes stands in for an SQS operation's.
            let of_operation = match iam_action(&request).as_str() {
                "lambda:InvokeFunction" => stats.invokes.len() as u64,
                _ => of_operation,
            };
            (stats.requests, of_operation)
        };
        if !shared.faults.latency.is_zero() {
            tokio::time::sleep(shared.faults.latency).await;
        }
        let fate = decide(&shared.faults, number, of_operation, &request);
        let closes = request.closes;
        // Made while the request is still here (a denial answers in its service's format).
        let denial = match &fate {
            Fate::Deny(action) => Some(access_denied(&request, action)),
            _ => None,
        };
        // A partial failure forwards what is left of the batch (nothing: answered here).
        let (forward, failed) = match &fate {
            Fate::Partial(positions) => split_batch(request, positions),
            _ => (Some(request), Vec::new()),
        };
        let canned = match &fate {
            Fate::Throttle => Some(throttle_response()),
            Fate::Unavailable | Fate::Doomed(_) => Some(unavailable_response()),
            Fate::Deny(_) => denial,
            Fate::ServerError => Some(server_error_response()),
            Fate::Garbage => Some(garbage_response()),
            Fate::Partial(_) if forward.is_none() => Some(batch_response(&[], &failed)),
            Fate::Forward | Fate::Slow | Fate::Partial(_) | Fate::Drop(_) => None,
        };
        count(&shared.stats, &fate, canned.is_none(), failed.len());
        let response = match (canned, forward) {
            (Some(response), _) => response,
            (None, None) => return,
            (None, Some(request)) => {
                let Some(response) = forward_one(&shared, &mut upstream, &request).await else {
                    return;
                };
                if response.closes {
                    upstream = None;
                }
                match &fate {
                    Fate::Slow => {
                        tokio::time::sleep(shared.faults.slow_by).await;
                        response.raw
                    }
                    // The emulator acted; the client never hears of it.
                    Fate::Drop(_) => return,
                    Fate::Partial(_) => with_failures(&response, &failed),
                    _ => response.raw,
                }
            }
        };
        if client_write.write_all(&response).await.is_err() || closes {
            return;
        }
    }
}

type Upstream = (
    BufReader<tokio::net::tcp::OwnedReadHalf>,
    tokio::net::tcp::OwnedWriteHalf,
);

/// Sends `request` to the emulator over this connection's upstream connection (opened on
/// first use) and reads its answer; `None` when the emulator cannot be reached.
async fn forward_one(
    shared: &Shared,
    upstream: &mut Option<Upstream>,
    request: &Message,
) -> Option<Message> {
    if upstream.is_none() {
        let Ok(server) = TcpStream::connect(shared.upstream).await else {
            eprintln!("fault proxy: cannot connect to {}", shared.upstream);
            return None;
        };
        let _ = server.set_nodelay(true);
        let (read, write) = server.into_split();
        *upstream = Some((BufReader::new(read), write));
    }
    let (server_read, server_write) = upstream.as_mut()?;
    server_write.write_all(&request.raw).await.ok()?;
    read_message(server_read).await.ok().flatten()
}

fn count(stats: &Mutex<FaultStats>, fate: &Fate, forwarded: bool, failed: usize) {
    let mut stats = lock(stats);
    match fate {
        Fate::Forward => stats.forwarded += 1,
        Fate::Slow => {
            stats.forwarded += 1;
            stats.slowed += 1;
        }
        Fate::Throttle => stats.throttled += 1,
        Fate::Unavailable => stats.unavailable += 1,
        Fate::ServerError => stats.server_errors += 1,
        Fate::Garbage => stats.garbage += 1,
        Fate::Doomed(name) => *stats.doomed.entry(name.clone()).or_default() += 1,
        Fate::Deny(action) => *stats.denied.entry(action.clone()).or_default() += 1,
        Fate::Partial(_) => {
            if forwarded {
                stats.forwarded += 1;
            }
            stats.partial += 1;
            stats.failed_entries += failed as u64;
        }
        Fate::Drop(operation) => {
            stats.forwarded += 1;
            *stats.dropped.entry(operation.clone()).or_default() += 1;
        }
    }
}

/// The fate of request number `number` (the `of_operation`th of its SQS operation): denied
/// actions first, doomed queues next, then a seeded draw for SQS over `number`, then one for
/// what is forwarded over `of_operation`.
fn decide(faults: &Faults, number: u64, of_operation: u64, request: &Message) -> Fate {
    if !faults.deny_actions.is_empty() {
        let action = iam_action(request);
        if faults.deny_actions.contains(&action) {
            return Fate::Deny(action);
        }
    }
    let Some(operation) = sqs_operation(request) else {
        if faults.drop_invokes.contains(&of_operation)
            && iam_action(request) == "lambda:InvokeFunction"
        {
            return Fate::Drop("Invoke".to_string());
        }
        return Fate::Forward;
    };
    if operation == "GetQueueAttributes"
        && let Some(name) = queue_name(request)
        && faults.doomed_queues.contains(&name)
    {
        return Fate::Doomed(name);
    }
    let draw = unit_interval(splitmix64(
        faults.seed ^ number.wrapping_mul(0x9E37_79B9_7F4A_7C15),
    ));
    let mut edge = faults.throttle;
    if draw < edge {
        return Fate::Throttle;
    }
    edge += faults.unavailable;
    if draw < edge {
        return Fate::Unavailable;
    }
    edge += faults.garbage;
    if draw < edge {
        return Fate::Garbage;
    }
    edge += faults.server_error;
    if draw < edge {
        return Fate::ServerError;
    }
    edge += faults.slow;
    if draw < edge {
        return Fate::Slow;
    }
    // Faults of forwarded requests: a second draw, so that the first one (and the faults a
    // seed gives) stays what it was without them. It is over the request's number within its
    // operation, so that a seed gives the same fate to, say, the 3rd SendMessageBatch
    // whatever else was sent in between.
    let draw = unit_interval(splitmix64(
        (faults.seed ^ 0x5EED_FA17).wrapping_add(of_operation.wrapping_mul(0xD1B5_4A32_D192_ED03)),
    ));
    let mut edge = 0.0;
    if operation == "SendMessageBatch" {
        edge += faults.partial_failure;
        if draw < edge
            && let Some(entries) = batch_len(request)
            && entries > 0
        {
            return Fate::Partial(failing_entries(faults.seed, of_operation, entries));
        }
    }
    edge += faults.drop_after_forward;
    if draw < edge
        && (faults.drop_operations.is_empty()
            || faults.drop_operations.iter().any(|o| o == operation))
    {
        return Fate::Drop(operation.to_string());
    }
    Fate::Forward
}

/// The positions of a batch of `entries` that fail: each with even odds, at least one.
fn failing_entries(seed: u64, number: u64, entries: usize) -> Vec<usize> {
    let mut failing: Vec<usize> = (0..entries)
        .filter(|&i| {
            splitmix64(seed ^ number.rotate_left(17) ^ (i as u64).wrapping_mul(0xA24B_AED4)) & 1
                == 1
        })
        .collect();
    if failing.is_empty() {
        failing.push((splitmix64(seed ^ number) % entries as u64) as usize);
    }
    failing
}

fn splitmix64(seed: u64) -> u64 {
    let mut z = seed.wrapping_add(0x9E37_79B9_7F4A_7C15);
    z = (z ^ (z >> 30)).wrapping_mul(0xBF58_476D_1CE4_E5B9);
    z = (z ^ (z >> 27)).wrapping_mul(0x94D0_49BB_1331_11EB);
    z ^ (z >> 31)
}

/// The top 53 bits as a float in [0, 1).
fn unit_interval(bits: u64) -> f64 {
    (bits >> 11) as f64 / (1u64 << 53) as f64
}
