"""Local servers for the channel tests: an SMTP server (aiosmtpd) and a scripted HTTP webhook, on 127.0.0.1."""
from __future__ import annotations

import email
import json
import socket
import threading
import time
from email import policy
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer


def free_port() -> int:
    """A port nothing listens on (a connection to it is refused)."""
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


class Mailbox:
    """An aiosmtpd server keeping every message it accepted, parsed."""

    def __init__(self):
        from aiosmtpd.controller import Controller

        self.messages = []
        self.controller = Controller(self, hostname="127.0.0.1", port=free_port())

    async def handle_DATA(self, _server, _session, envelope):
        self.messages.append(email.message_from_bytes(envelope.original_content or envelope.content,
                                                      policy=policy.default))
        return "250 OK"

    def __enter__(self):
        self.controller.start()
        return self

    def __exit__(self, *exc):
        self.controller.stop()

    @property
    def port(self) -> int:
        return self.controller.port


class SilentServer:
    """Accepts connections and never says a word (an SMTP greeting or an HTTP answer that never comes)."""

    def __init__(self):
        self.socket = socket.socket()
        self.socket.bind(("127.0.0.1", 0))
        self.socket.listen(16)
        self.port = self.socket.getsockname()[1]

    def __enter__(self):
        return self

    def __exit__(self, *exc):
        self.socket.close()


class Webhook:
    """An HTTP server answering each POST with the next scripted answer ("ok", 500, 400, "hang"…); it
    records every request, and counts distinct Idempotency-Keys as a gateway would."""

    def __init__(self, script=("ok",), hang_seconds: float = 2.0):
        self.script, self.requests, self.hang_seconds = list(script), [], hang_seconds
        self.lock = threading.Lock()
        outer = self

        class Handler(BaseHTTPRequestHandler):
            def do_POST(self):
                body = self.rfile.read(int(self.headers.get("Content-Length") or 0))
                with outer.lock:
                    outer.requests.append({"headers": dict(self.headers), "body": body,
                                           "json": json.loads(body.decode("utf-8"))})
                    answer = outer.script.pop(0) if len(outer.script) > 1 else outer.script[0]
                if answer == "hang":
                    time.sleep(outer.hang_seconds)
                    return
                status = 200 if answer == "ok" else int(answer)
                self.send_response(status)
                self.send_header("Content-Length", "2")
                self.end_headers()
                self.wfile.write(b"{}")

            def log_message(self, *args):
                pass

        self.server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
        self.server.daemon_threads = True
        self.url = f"http://127.0.0.1:{self.server.server_address[1]}/hook"

    def __enter__(self):
        threading.Thread(target=self.server.serve_forever, daemon=True).start()
        return self

    def __exit__(self, *exc):
        self.server.shutdown()
        self.server.server_close()

    def delivered_keys(self) -> set[str]:
        return {r["headers"]["Idempotency-Key"] for r in self.requests}
