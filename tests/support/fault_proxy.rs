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
//!   `503 Service Unavailable`, or a `200` whose body is not JSON; or forwarded and answered
//!   [`Faults::slow_by`] late.
//! * `GetQueueAttributes` for a queue named in [`Faults::doomed_queues`] always gets a 503.
//! * Everything else (SNS, Lambda, the rest of SQS) is forwarded unchanged over one upstream
//!   connection per client connection.
//!
//! Faults are drawn from a splitmix64 sequence over the request number, so a seed gives the
//! same rate every run (which request gets which fault depends on arrival order). The
//! proxy counts what it did ([`FaultProxy::stats`]). Used by the fault tests and by the
//! inventory benchmark (`benches/inventory.rs`, latency only or throttling).

use std::collections::HashMap;
use std::net::SocketAddr;
use std::sync::{Arc, Mutex};
use std::time::Duration;

use tokio::io::{AsyncBufRead, AsyncBufReadExt, AsyncReadExt, AsyncWriteExt, BufReader};
use tokio::net::{TcpListener, TcpStream};
use tokio::sync::oneshot;
use tokio::task::{JoinHandle, JoinSet};

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
    /// Queue names whose `GetQueueAttributes` always gets a 503.
    pub doomed_queues: Vec<String>,
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
    /// `GetQueueAttributes` requests per doomed queue name (all answered 503).
    pub doomed: HashMap<String, u64>,
    /// Client connections accepted.
    pub connections: u64,
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
        let total = faults.throttle + faults.unavailable + faults.slow + faults.garbage;
        assert!(
            (0.0..=1.0).contains(&total),
            "fault rates add up to {total}, more than 1"
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
    Garbage,
    Doomed(String),
}

/// Serves one client connection, request by request, until either side closes it.
async fn serve(client: TcpStream, shared: Arc<Shared>) {
    let _ = client.set_nodelay(true);
    let (client_read, mut client_write) = client.into_split();
    let mut client_read = BufReader::new(client_read);
    let mut upstream: Option<(
        BufReader<tokio::net::tcp::OwnedReadHalf>,
        tokio::net::tcp::OwnedWriteHalf,
    )> = None;
    loop {
        let request = match read_message(&mut client_read).await {
            Ok(Some(request)) => request,
            Ok(None) | Err(_) => return,
        };
        let number = {
            let mut stats = lock(&shared.stats);
            stats.requests += 1;
            stats.requests
        };
        if !shared.faults.latency.is_zero() {
            tokio::time::sleep(shared.faults.latency).await;
        }
        let fate = decide(&shared.faults, number, &request);
        let canned = match &fate {
            Fate::Throttle => Some(throttle_response()),
            Fate::Unavailable | Fate::Doomed(_) => Some(unavailable_response()),
            Fate::Garbage => Some(garbage_response()),
            Fate::Forward | Fate::Slow => None,
        };
        {
            let mut stats = lock(&shared.stats);
            match &fate {
                Fate::Forward => stats.forwarded += 1,
                Fate::Slow => {
                    stats.forwarded += 1;
                    stats.slowed += 1;
                }
                Fate::Throttle => stats.throttled += 1,
                Fate::Unavailable => stats.unavailable += 1,
                Fate::Garbage => stats.garbage += 1,
                Fate::Doomed(name) => *stats.doomed.entry(name.clone()).or_default() += 1,
            }
        }
        let response = match canned {
            Some(response) => response,
            None => {
                if upstream.is_none() {
                    let Ok(server) = TcpStream::connect(shared.upstream).await else {
                        eprintln!("fault proxy: cannot connect to {}", shared.upstream);
                        return;
                    };
                    let _ = server.set_nodelay(true);
                    let (read, write) = server.into_split();
                    upstream = Some((BufReader::new(read), write));
                }
                let Some((server_read, server_write)) = upstream.as_mut() else {
                    return;
                };
                if server_write.write_all(&request.raw).await.is_err() {
                    return;
                }
                let response = match read_message(server_read).await {
                    Ok(Some(response)) => response,
                    Ok(None) | Err(_) => return,
                };
                if matches!(fate, Fate::Slow) {
                    tokio::time::sleep(shared.faults.slow_by).await;
                }
                if response.closes {
                    upstream = None;
                }
                response.raw
            }
        };
        if client_write.write_all(&response).await.is_err() || request.closes {
            return;
        }
    }
}

/// The fate of request number `number`: doomed queues first, then a seeded draw for SQS.
fn decide(faults: &Faults, number: u64, request: &Message) -> Fate {
    let Some(operation) = request.sqs_operation() else {
        return Fate::Forward;
    };
    if operation == "GetQueueAttributes"
        && let Some(name) = request.queue_name()
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
    edge += faults.slow;
    if draw < edge {
        return Fate::Slow;
    }
    Fate::Forward
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

/// SQS's throttling error in the JSON protocol (awsQueryCompatible): the code travels in
/// `x-amzn-query-error`, and `__type` names the same shape.
fn throttle_response() -> Vec<u8> {
    json_response(
        "400 Bad Request",
        &[("x-amzn-query-error", "RequestThrottled;Sender")],
        r#"{"__type":"com.amazonaws.sqs#RequestThrottled","message":"Request is throttled."}"#,
    )
}

fn unavailable_response() -> Vec<u8> {
    let body = "Service Unavailable";
    format!(
        "HTTP/1.1 503 Service Unavailable\r\nContent-Type: text/plain\r\n\
         Content-Length: {}\r\n\r\n{body}",
        body.len()
    )
    .into_bytes()
}

fn garbage_response() -> Vec<u8> {
    json_response("200 OK", &[], "<html>this is not JSON")
}

fn json_response(status: &str, headers: &[(&str, &str)], body: &str) -> Vec<u8> {
    let mut head = format!(
        "HTTP/1.1 {status}\r\nContent-Type: application/x-amz-json-1.0\r\n\
         x-amzn-RequestId: fault-proxy\r\nContent-Length: {}\r\n",
        body.len()
    );
    for (name, value) in headers {
        head.push_str(&format!("{name}: {value}\r\n"));
    }
    head.push_str("\r\n");
    head.push_str(body);
    head.into_bytes()
}

/// One HTTP/1.1 message as read off the wire: its bytes, to pass on unchanged, and the few
/// headers the proxy looks at.
struct Message {
    raw: Vec<u8>,
    /// Where the body starts in `raw`.
    body_at: usize,
    /// `X-Amz-Target`, e.g. `AmazonSQS.GetQueueAttributes`.
    target: Option<String>,
    /// `Connection: close`: the sender closes after this message.
    closes: bool,
}

impl Message {
    fn sqs_operation(&self) -> Option<&str> {
        self.target.as_deref()?.strip_prefix("AmazonSQS.")
    }

    /// The last path segment of the JSON body's `QueueUrl`.
    fn queue_name(&self) -> Option<String> {
        let body: serde_json::Value = serde_json::from_slice(&self.raw[self.body_at..]).ok()?;
        let url = body.get("QueueUrl")?.as_str()?;
        url.rsplit('/').next().map(str::to_string)
    }
}

/// Reads one request or response (head, then a Content-Length or chunked body). `None` at a
/// clean end of stream before the first byte.
async fn read_message<R: AsyncBufRead + Unpin>(reader: &mut R) -> std::io::Result<Option<Message>> {
    let mut raw = Vec::new();
    let mut content_length = 0usize;
    let mut chunked = false;
    let mut target = None;
    let mut closes = false;
    let mut first = true;
    loop {
        let start = raw.len();
        if reader.read_until(b'\n', &mut raw).await? == 0 {
            return if first {
                Ok(None)
            } else {
                Err(std::io::ErrorKind::UnexpectedEof.into())
            };
        }
        let line = String::from_utf8_lossy(&raw[start..])
            .trim_end()
            .to_string();
        if first {
            first = false;
            continue;
        }
        if line.is_empty() {
            break;
        }
        let Some((name, value)) = line.split_once(':') else {
            continue;
        };
        let (name, value) = (name.trim().to_ascii_lowercase(), value.trim());
        match name.as_str() {
            "content-length" => content_length = value.parse().unwrap_or(0),
            "transfer-encoding" => chunked = value.to_ascii_lowercase().contains("chunked"),
            "x-amz-target" => target = Some(value.to_string()),
            "connection" => closes = value.eq_ignore_ascii_case("close"),
            _ => {}
        }
    }
    let body_at = raw.len();
    if chunked {
        read_chunked(reader, &mut raw).await?;
    } else if content_length > 0 {
        let start = raw.len();
        raw.resize(start + content_length, 0);
        reader.read_exact(&mut raw[start..]).await?;
    }
    Ok(Some(Message {
        raw,
        body_at,
        target,
        closes,
    }))
}

/// Copies a chunked body, trailers included, into `raw`.
async fn read_chunked<R: AsyncBufRead + Unpin>(
    reader: &mut R,
    raw: &mut Vec<u8>,
) -> std::io::Result<()> {
    loop {
        let start = raw.len();
        if reader.read_until(b'\n', raw).await? == 0 {
            return Err(std::io::ErrorKind::UnexpectedEof.into());
        }
        let line = String::from_utf8_lossy(&raw[start..]).to_string();
        let size_text = line.trim().split(';').next().unwrap_or_default();
        let size = usize::from_str_radix(size_text, 16)
            .map_err(|_| std::io::Error::new(std::io::ErrorKind::InvalidData, "bad chunk size"))?;
        if size == 0 {
            // Trailers, then the empty line.
            loop {
                let start = raw.len();
                if reader.read_until(b'\n', raw).await? == 0 {
                    return Err(std::io::ErrorKind::UnexpectedEof.into());
                }
                if raw[start..].iter().all(|b| b.is_ascii_whitespace()) {
                    return Ok(());
                }
            }
        }
        // The chunk and its CRLF.
        let start = raw.len();
        raw.resize(start + size + 2, 0);
        reader.read_exact(&mut raw[start..]).await?;
    }
}
