"""IndexNow (Bing, Yandex, Seznam, Naver and others share submissions): ``POST /indexnow`` with
``{"host", "key", "keyLocation", "urlList"}``, at most 10,000 URLs a request, all on the key's host.

Answers: 200 (submitted), 202 (accepted, the key is still being checked), 400 (bad request), 403 (the key
file does not match), 422 (URLs not on the host, or a bad key location), 429 (too many requests)."""

from __future__ import annotations

from dataclasses import dataclass
from urllib.parse import urlsplit

import httpx

MAX_URLS_PER_REQUEST = 10_000


class IndexNowError(RuntimeError):
    def __init__(self, message: str, *, status: int | None = None) -> None:
        super().__init__(message)
        self.status = status


_REFUSALS = {
    400: "IndexNow refused the request as malformed",
    403: "IndexNow could not verify the key: serve the key file at its location (see `igny8 gsc indexnow`)",
    422: "IndexNow refused URLs that are not on the site's host, or the key location",
    429: "IndexNow is rate limiting this site: submit again later",
}


@dataclass(frozen=True, slots=True)
class Submission:
    urls: list[str]
    status: int


def key_location(site_url: str, key: str) -> str:
    return f"{site_url.rstrip('/')}/{key}.txt"


def submit_urls(http: httpx.Client, endpoint: str, *, site_url: str, key: str, urls: list[str]) -> list[Submission]:
    """Submit ``urls`` in batches; every URL must be on the site's host. Raises IndexNowError on a refusal."""
    host = urlsplit(site_url).hostname or ""
    foreign = [u for u in urls if urlsplit(u).hostname != host]
    if foreign:
        raise IndexNowError(f"{len(foreign)} URLs are not on {host} (for example {foreign[0]})")
    done = []
    for start in range(0, len(urls), MAX_URLS_PER_REQUEST):
        batch = urls[start : start + MAX_URLS_PER_REQUEST]
        body = {"host": host, "key": key, "keyLocation": key_location(site_url, key), "urlList": batch}
        try:
            response = http.post(endpoint, json=body, headers={"Content-Type": "application/json; charset=utf-8"})
        except httpx.TransportError as exc:
            raise IndexNowError(f"cannot reach IndexNow at {endpoint}") from exc
        if response.status_code not in (200, 202):
            message = _REFUSALS.get(response.status_code, f"IndexNow answered {response.status_code}")
            raise IndexNowError(message, status=response.status_code)
        done.append(Submission(batch, response.status_code))
    return done
