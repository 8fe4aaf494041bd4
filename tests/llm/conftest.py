"""A server on 127.0.0.1 that speaks the OpenAI HTTP API shape, for tests of the production client path."""

from __future__ import annotations

import json
import threading
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from typing import Any

import pytest

Responder = Callable[[str, dict[str, str], dict[str, Any]], tuple[int, dict[str, Any]]]


@dataclass
class OpenAIStub:
    """Records every request (path, headers, JSON body) and answers with ``respond``."""

    base_url: str = ""
    requests: list[dict[str, Any]] = field(default_factory=list)
    respond: Responder = lambda path, headers, body: (404, {"error": {"message": "no route", "type": "not_found"}})


@pytest.fixture()
def openai_stub() -> Iterator[OpenAIStub]:
    stub = OpenAIStub()

    class Handler(BaseHTTPRequestHandler):
        def do_POST(self) -> None:  # noqa: N802 (the http.server API)
            length = int(self.headers.get("Content-Length") or 0)
            body = json.loads(self.rfile.read(length) or b"{}")
            headers = {k.lower(): v for k, v in self.headers.items()}
            stub.requests.append({"path": self.path, "headers": headers, "body": body})
            status, answer = stub.respond(self.path, headers, body)
            payload = json.dumps(answer).encode()
            self.send_response(status)
            self.send_header("Content-Type", "application/json")
            self.send_header("Content-Length", str(len(payload)))
            self.end_headers()
            self.wfile.write(payload)

        def log_message(self, format: str, *args: Any) -> None:  # noqa: A002 (the http.server API)
            pass

    server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
    stub.base_url = f"http://127.0.0.1:{server.server_address[1]}/v1"
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    try:
        yield stub
    finally:
        server.shutdown()
        server.server_close()
        thread.join(timeout=5)
