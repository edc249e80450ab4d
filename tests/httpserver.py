"""A real HTTP server on 127.0.0.1 for tests: routes map a path to a fixed response or to a
function that writes its own (slow bodies, endless bodies, redirects...)."""

from __future__ import annotations

import contextlib
import sys
import threading
from collections.abc import Callable
from dataclasses import dataclass, field
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from typing import Any


@dataclass
class Response:
    body: bytes | str = b""
    status: int = 200
    headers: dict[str, str] = field(default_factory=dict)
    content_type: str = "application/xml; charset=utf-8"
    # Called before the answer is sent (a slow server, or one held until a test lets it go).
    wait: Callable[[], object] | None = None


Handler = Callable[[BaseHTTPRequestHandler], None]


@dataclass
class Request:
    method: str
    path: str
    headers: dict[str, str]


class _QuietServer(ThreadingHTTPServer):
    """A client that hangs up early (as the reader does with a 404's body, or a body over
    its size cap) is no server error: the default handler printed a traceback to stderr,
    which tests that read stderr then saw."""

    def handle_error(self, request: Any, client_address: Any) -> None:
        if isinstance(sys.exc_info()[1], ConnectionError):
            return
        super().handle_error(request, client_address)


class TestServer:
    __test__ = False  # a helper, not a test class (pytest would try to collect it)

    def __init__(self) -> None:
        self.routes: dict[str, Response | Handler] = {}
        self.requests: list[Request] = []
        server = self

        class _Handler(BaseHTTPRequestHandler):
            protocol_version = "HTTP/1.1"
            # Headers and body are written apart: with Nagle on, the body waited for the
            # client's delayed ACK, ~40 ms per answer.
            disable_nagle_algorithm = True

            def log_message(self, format: str, *args: Any) -> None:
                pass

            def do_GET(self) -> None:
                server.requests.append(
                    Request("GET", self.path, {k.lower(): v for k, v in self.headers.items()})
                )
                route = server.routes.get(self.path) or server.routes.get(self.path.split("?")[0])
                if route is None:
                    self._send(Response("not found", 404, content_type="text/plain"))
                elif isinstance(route, Response):
                    if route.wait is not None:
                        route.wait()
                    self._send(route)
                else:
                    with contextlib.suppress(BrokenPipeError, ConnectionResetError):
                        route(self)

            do_HEAD = do_GET

            def _send(self, response: Response) -> None:
                body = response.body.encode() if isinstance(response.body, str) else response.body
                self.send_response(response.status)
                self.send_header("Content-Type", response.content_type)
                self.send_header("Content-Length", str(len(body)))
                for key, value in response.headers.items():
                    self.send_header(key, value)
                self.end_headers()
                if self.command != "HEAD":
                    with contextlib.suppress(BrokenPipeError, ConnectionResetError):
                        self.wfile.write(body)

        self._httpd = _QuietServer(("127.0.0.1", 0), _Handler)
        self._httpd.daemon_threads = True
        self._thread = threading.Thread(
            target=self._httpd.serve_forever, kwargs={"poll_interval": 0.05}, daemon=True
        )

    @property
    def port(self) -> int:
        return int(self._httpd.server_address[1])

    def url(self, path: str) -> str:
        return f"http://127.0.0.1:{self.port}{path}"

    def route(self, path: str, response: Response | Handler | str | bytes, **kw: Any) -> str:
        """Serve ``response`` at ``path``; returns the full URL."""
        if isinstance(response, str | bytes):
            response = Response(response, **kw)
        self.routes[path] = response
        return self.url(path)

    def start(self) -> TestServer:
        self._thread.start()
        return self

    def stop(self) -> None:
        self._httpd.shutdown()
        self._httpd.server_close()
