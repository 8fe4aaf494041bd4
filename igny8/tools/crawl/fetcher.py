"""One polite HTTP GET at a time: address-guarded, rate limited, redirects followed hop by hop (each hop
checked), conditional (ETag / Last-Modified), and cut off at a size limit."""

from __future__ import annotations

import threading
import time
from dataclasses import dataclass, field

import httpx

from igny8.tools.crawl.address_guard import AddressPolicy, AddressRefused, GuardedTransport

MAX_REDIRECTS = 5
_REDIRECTS = {301, 302, 303, 307, 308}


@dataclass(frozen=True, slots=True)
class Fetched:
    url: str  # the address asked for
    final_url: str  # after redirects
    status: int
    content_type: str
    body: bytes
    etag: str | None = None
    last_modified: str | None = None
    redirects: tuple[str, ...] = ()
    truncated: bool = False
    headers: dict[str, str] = field(default_factory=dict)  # the final answer's headers, names lowercased

    @property
    def not_modified(self) -> bool:
        return self.status == 304

    @property
    def is_html(self) -> bool:
        return "html" in self.content_type

    def text(self) -> str:
        charset = "utf-8"
        for part in self.content_type.split(";")[1:]:
            name, _, value = part.strip().partition("=")
            if name.lower() == "charset" and value:
                charset = value.strip('"')
        try:
            return self.body.decode(charset, errors="replace")
        except LookupError:
            return self.body.decode("utf-8", errors="replace")


class FetchRefused(Exception):
    """A fetch the crawler would not make or finish (forbidden address, too many redirects)."""


@dataclass
class Fetcher:
    policy: AddressPolicy
    user_agent: str
    delay_s: float = 1.0
    timeout_s: float = 15.0
    max_bytes: int = 5_000_000
    requests_made: int = 0
    _last_request: float = field(default=0.0, repr=False)
    _lock: threading.Lock = field(default_factory=threading.Lock, repr=False)
    _client: httpx.Client | None = field(default=None, repr=False)

    def __enter__(self) -> Fetcher:
        self._client = httpx.Client(
            transport=GuardedTransport(self.policy),
            timeout=self.timeout_s,
            follow_redirects=False,
            headers={"User-Agent": self.user_agent, "Accept": "text/html,application/xhtml+xml,application/xml;q=0.9"},
            trust_env=False,
        )
        return self

    def __exit__(self, *exc_info: object) -> None:
        if self._client is not None:
            self._client.close()
            self._client = None

    def _wait_turn(self) -> None:
        with self._lock:
            pause = self._last_request + self.delay_s - time.monotonic()
            if pause > 0:
                time.sleep(pause)
            self._last_request = time.monotonic()
            self.requests_made += 1

    def get(self, url: str, *, etag: str | None = None, last_modified: str | None = None) -> Fetched:
        """GET ``url``; a 304 comes back as ``not_modified``. Raises FetchRefused, or httpx.HTTPError when the
        server cannot be reached."""
        assert self._client is not None, "use the Fetcher as a context manager"
        headers = {}
        if etag:
            headers["If-None-Match"] = etag
        if last_modified:
            headers["If-Modified-Since"] = last_modified
        current, hops = url, []
        for _ in range(MAX_REDIRECTS + 1):
            try:
                self.policy.check_url(current)
            except AddressRefused as exc:
                where = f" (redirected from {url})" if hops else ""
                raise FetchRefused(f"{exc}{where}") from exc
            self._wait_turn()
            try:
                response, body, truncated = self._read(current, headers)
            except AddressRefused as exc:  # the DNS answer changed between the check and the connection
                raise FetchRefused(str(exc)) from exc
            if response.status_code in _REDIRECTS and "location" in response.headers:
                hops.append(current)
                headers = {}  # the validators belong to the address asked for, not to where it moved
                current = str(httpx.URL(current).join(response.headers["location"]).copy_with(fragment=None))
                continue
            return Fetched(
                url=url,
                final_url=current,
                status=response.status_code,
                content_type=response.headers.get("content-type", "").lower(),
                body=body,
                etag=response.headers.get("etag"),
                last_modified=response.headers.get("last-modified"),
                redirects=tuple(hops),
                truncated=truncated,
                headers={name.lower(): value for name, value in response.headers.items()},
            )
        raise FetchRefused(f"{url}: more than {MAX_REDIRECTS} redirects")

    def _read(self, url: str, headers: dict[str, str]) -> tuple[httpx.Response, bytes, bool]:
        assert self._client is not None
        with self._client.stream("GET", url, headers=headers) as response:
            chunks, size, truncated = [], 0, False
            for chunk in response.iter_bytes():
                chunks.append(chunk)
                size += len(chunk)
                if size > self.max_bytes:
                    truncated = True
                    break
            return response, b"".join(chunks)[: self.max_bytes], truncated
