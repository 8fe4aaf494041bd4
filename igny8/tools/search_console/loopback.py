"""The installed-app flow's redirect target: a one-shot HTTP listener on 127.0.0.1 (Google's loopback
redirect for desktop clients) that receives ``?code=…&state=…`` and answers the browser with a short page."""

from __future__ import annotations

import threading
from http.server import BaseHTTPRequestHandler, HTTPServer
from typing import Any
from urllib.parse import parse_qs, urlsplit

from igny8.tools.search_console.errors import BadRequest


class AuthorisationTimeout(TimeoutError):
    """Nobody completed the consent screen in time."""


class _Handler(BaseHTTPRequestHandler):
    server: _LoopbackServer

    def log_message(self, format: str, *args: Any) -> None:  # noqa: A002
        return

    def do_GET(self) -> None:
        query = {k: v[0] for k, v in parse_qs(urlsplit(self.path).query).items()}
        if "code" not in query and "error" not in query:
            self.send_response(404)
            self.end_headers()
            return
        ok = "code" in query and query.get("state") == self.server.expected_state
        text = (
            b"IGNY8 is connected to Search Console. You can close this tab."
            if ok
            else (b"IGNY8 was not connected: go back to the terminal.")
        )
        self.send_response(200)
        self.send_header("Content-Type", "text/plain; charset=utf-8")
        self.send_header("Content-Length", str(len(text)))
        self.end_headers()
        self.wfile.write(text)
        self.server.answer = query
        self.server.answered.set()


class _LoopbackServer(HTTPServer):
    expected_state: str
    answer: dict[str, str]
    answered: threading.Event


class LoopbackReceiver:
    """Listen on a free port of 127.0.0.1; ``redirect_uri`` goes into the authorisation URL."""

    def __init__(self) -> None:
        self._server = _LoopbackServer(("127.0.0.1", 0), _Handler)
        self._server.answered = threading.Event()
        self._server.answer = {}
        self._server.expected_state = ""
        self._thread = threading.Thread(target=self._server.serve_forever, daemon=True)

    @property
    def redirect_uri(self) -> str:
        return f"http://127.0.0.1:{self._server.server_address[1]}/"

    def __enter__(self) -> LoopbackReceiver:
        self._thread.start()
        return self

    def __exit__(self, *exc: object) -> None:
        self._server.shutdown()
        self._server.server_close()
        self._thread.join(timeout=5)

    def expect(self, state: str) -> None:
        """The state of the authorisation request in flight (set before its URL is shown)."""
        self._server.expected_state = state

    def wait_for_code(self, *, state: str, timeout_s: float) -> str:
        self.expect(state)
        if not self._server.answered.wait(timeout_s):
            raise AuthorisationTimeout(
                f"no answer from Google's consent screen within {timeout_s:.0f} s: run the command again and "
                "open the printed URL in a browser on this machine"
            )
        answer = self._server.answer
        if "error" in answer:
            raise BadRequest(f"Google did not grant access: {answer['error'][:100]}")
        if answer.get("state") != state:
            raise BadRequest("the consent answer did not match this request (state): run the command again")
        return answer["code"]
