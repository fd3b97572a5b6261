"""A loopback HTTP forwarder that counts the AWS calls going through it.

squall is pointed at it with --endpoint-url; each request is read whole, recorded with its
time and operation ("sqs:GetQueueAttributes", "sns:ListTopics", "lambda:GET /…"), sent on
to the emulator over a kept-alive connection, and the response is returned whole. Nothing
is changed or delayed on purpose (the fault-injecting proxy is tests/support/fault_proxy.rs).
"""

import http.client
import re
import threading
import time
from collections import Counter
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from urllib.parse import parse_qs

# Headers that belong to one connection, not to the request.
HOP_BY_HOP = {"connection", "keep-alive", "proxy-connection", "transfer-encoding", "te", "trailer", "upgrade"}
SERVICE_IN_SCOPE = re.compile(r"Credential=[^/]+/[^/]+/[^/]+/([^/]+)/")


def operation(method, path, headers, body):
    """The AWS operation a request calls, for counting."""
    scope = SERVICE_IN_SCOPE.search(headers.get("Authorization", ""))
    service = scope.group(1) if scope else "?"
    target = headers.get("X-Amz-Target")
    if target:  # JSON protocol (SQS in current SDKs): "AmazonSQS.GetQueueAttributes"
        return f"{service}:{target.rsplit('.', 1)[-1]}"
    if body and b"Action=" in body:  # query protocol (SNS)
        action = parse_qs(body.decode("utf-8", "replace")).get("Action", ["?"])[0]
        return f"{service}:{action}"
    # REST (Lambda): the method and the path without ids that change per call.
    path = path.split("?", 1)[0].rstrip("/")
    return f"{service}:{method} {path}"


class CountingProxy:
    def __init__(self, upstream_port):
        self.upstream_port = upstream_port
        self._calls = []  # (time.monotonic(), operation)
        self._lock = threading.Lock()
        self.server = ThreadingHTTPServer(("127.0.0.1", 0), self._handler_class())
        self.server.daemon_threads = True
        self._thread = threading.Thread(target=self.server.serve_forever, daemon=True)
        self._thread.start()

    @property
    def endpoint(self):
        return f"http://127.0.0.1:{self.server.server_address[1]}"

    def record(self, op):
        with self._lock:
            self._calls.append((time.monotonic(), op))

    def calls_between(self, start, end=float("inf")):
        """Operations counted in [start, end) (time.monotonic() values)."""
        with self._lock:
            return Counter(op for t, op in self._calls if start <= t < end)

    def first_call(self, op, after):
        """When the first `op` call after `after` came, or None."""
        with self._lock:
            return next((t for t, o in self._calls if t > after and o == op), None)

    def close(self):
        self.server.shutdown()
        self.server.server_close()

    def _handler_class(self):
        proxy = self

        class Handler(BaseHTTPRequestHandler):
            protocol_version = "HTTP/1.1"  # keep connections alive, as the SDK expects

            def setup(self):
                super().setup()
                self.upstream = None

            def forward(self):
                if "chunked" in self.headers.get("Transfer-Encoding", "").lower():
                    self.send_error(501, "chunked request bodies are not supported by the counting proxy")
                    return
                length = int(self.headers.get("Content-Length") or 0)
                body = self.rfile.read(length) if length else b""
                proxy.record(operation(self.command, self.path, self.headers, body))
                headers = {k: v for k, v in self.headers.items() if k.lower() not in HOP_BY_HOP}
                try:
                    status, reason, response_headers, data = self.send_upstream(headers, body)
                except (OSError, http.client.HTTPException) as err:
                    self.send_error(502, f"upstream: {err}")
                    return
                self.send_response_only(status, reason)
                for name, value in response_headers:
                    if name.lower() not in HOP_BY_HOP and name.lower() != "content-length":
                        self.send_header(name, value)
                self.send_header("Content-Length", str(len(data)))
                self.end_headers()
                if self.command != "HEAD":
                    self.wfile.write(data)

            def send_upstream(self, headers, body):
                # A kept-alive connection the emulator closed fails once: reconnect and retry.
                for attempt in (1, 2):
                    if self.upstream is None:
                        self.upstream = http.client.HTTPConnection("127.0.0.1", proxy.upstream_port, timeout=120)
                    try:
                        self.upstream.request(self.command, self.path, body=body, headers=headers)
                        response = self.upstream.getresponse()
                        return response.status, response.reason, response.getheaders(), response.read()
                    except (http.client.HTTPException, OSError):
                        self.upstream.close()
                        self.upstream = None
                        if attempt == 2:
                            raise
                raise AssertionError("unreachable")

            do_GET = do_POST = do_PUT = do_DELETE = do_HEAD = do_PATCH = forward

            def log_message(self, *args):
                pass  # quiet: the script prints the counts

        return Handler
