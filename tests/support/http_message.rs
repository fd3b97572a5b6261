//! One HTTP/1.1 message as the loopback proxies read it off the wire: its bytes, to pass on
//! unchanged, and the parts of its head the proxies look at (request line, headers), plus
//! the canned answers they make themselves.

use tokio::io::{AsyncBufRead, AsyncBufReadExt, AsyncReadExt};

pub struct Message {
    pub raw: Vec<u8>,
    /// Where the body starts in `raw`.
    pub body_at: usize,
    /// The request's method and path (query string included); empty for a response.
    pub method: String,
    pub path: String,
    /// Every header, its name in lower case, in order.
    pub headers: Vec<(String, String)>,
    /// `Connection: close`: the sender closes after this message.
    pub closes: bool,
    /// `Transfer-Encoding: chunked`: `raw` holds the chunk framing.
    pub chunked: bool,
}

impl Message {
    /// The first header called `name` (lower case).
    pub fn header(&self, name: &str) -> Option<&str> {
        self.headers
            .iter()
            .find(|(n, _)| n == name)
            .map(|(_, v)| v.as_str())
    }

    /// The body's bytes (not for chunked bodies: requests and emulator answers have a length).
    pub fn body(&self) -> Option<&[u8]> {
        (!self.chunked).then(|| &self.raw[self.body_at..])
    }

    /// The body as JSON.
    pub fn json_body(&self) -> Option<serde_json::Value> {
        serde_json::from_slice(self.body()?).ok()
    }

    /// The same message with another body (and its `Content-Length`).
    pub fn with_body(&self, body: &[u8]) -> Message {
        let head = String::from_utf8_lossy(&self.raw[..self.body_at]);
        let mut raw = Vec::with_capacity(self.body_at + body.len() + 8);
        for line in head.split_inclusive("\r\n") {
            let name = line.split(':').next().unwrap_or_default().trim();
            if name.eq_ignore_ascii_case("content-length") {
                raw.extend_from_slice(format!("Content-Length: {}\r\n", body.len()).as_bytes());
            } else {
                raw.extend_from_slice(line.as_bytes());
            }
        }
        let body_at = raw.len();
        raw.extend_from_slice(body);
        Message {
            raw,
            body_at,
            method: self.method.clone(),
            path: self.path.clone(),
            headers: self.headers.clone(),
            closes: self.closes,
            chunked: false,
        }
    }
}

/// A response with `content_type`, the given extra headers and `body`.
pub fn response(
    status: &str,
    content_type: &str,
    headers: &[(&str, &str)],
    body: &[u8],
) -> Vec<u8> {
    let mut head = format!(
        "HTTP/1.1 {status}\r\nContent-Type: {content_type}\r\n\
         x-amzn-RequestId: fault-proxy\r\nContent-Length: {}\r\n",
        body.len()
    );
    for (name, value) in headers {
        head.push_str(&format!("{name}: {value}\r\n"));
    }
    head.push_str("\r\n");
    let mut raw = head.into_bytes();
    raw.extend_from_slice(body);
    raw
}

/// A response in the JSON protocol (SQS's).
pub fn json_response(status: &str, headers: &[(&str, &str)], body: &str) -> Vec<u8> {
    response(
        status,
        "application/x-amz-json-1.0",
        headers,
        body.as_bytes(),
    )
}

/// Reads one request or response (head, then a Content-Length or chunked body). `None` at a
/// clean end of stream before the first byte.
pub async fn read_message<R: AsyncBufRead + Unpin>(
    reader: &mut R,
) -> std::io::Result<Option<Message>> {
    let mut raw = Vec::new();
    let mut content_length = 0usize;
    let mut message = Message {
        raw: Vec::new(),
        body_at: 0,
        method: String::new(),
        path: String::new(),
        headers: Vec::new(),
        closes: false,
        chunked: false,
    };
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
            // A request line ("GET /path HTTP/1.1"); a status line starts with "HTTP/".
            if !line.starts_with("HTTP/") {
                let mut parts = line.split_whitespace();
                message.method = parts.next().unwrap_or_default().to_string();
                message.path = parts.next().unwrap_or_default().to_string();
            }
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
            "transfer-encoding" => message.chunked = value.to_ascii_lowercase().contains("chunked"),
            "connection" => message.closes = value.eq_ignore_ascii_case("close"),
            _ => {}
        }
        message.headers.push((name, value.to_string()));
    }
    message.body_at = raw.len();
    if message.chunked {
        read_chunked(reader, &mut raw).await?;
    } else if content_length > 0 {
        let start = raw.len();
        raw.resize(start + content_length, 0);
        reader.read_exact(&mut raw[start..]).await?;
    }
    message.raw = raw;
    Ok(Some(message))
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
