"""IndexNow (Bing, Yandex, Seznam, Naver and others share submissions): ``POST /indexnow`` with
``{"host", "key", "keyLocation", "urlList"}``, at most 10,000 URLs a request, all on the key's host.

Answers: 200 (submitted), 202 (accepted, the key is still being checked), 400 (bad request), 403 (the key
file does not match), 422 (URLs not on the host, or a bad key location), 429 (too many requests).

The key is 8–128 letters, digits and dashes; its file (the key as its whole text) answers at ``keyLocation``,
on the same host, in a folder that holds every submitted URL."""

from __future__ import annotations

import re
from dataclasses import dataclass
from urllib.parse import urlsplit

import httpx

MAX_URLS_PER_REQUEST = 10_000
KEY_PATTERN = re.compile(r"[A-Za-z0-9-]{8,128}")


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


def check_key(key: str) -> str:
    if not isinstance(key, str) or not KEY_PATTERN.fullmatch(key):
        raise IndexNowError("the IndexNow key must be 8–128 letters (a-z, A-Z), digits and dashes")
    return key


def key_location(site_url: str, key: str) -> str:
    return f"{site_url.rstrip('/')}/{check_key(key)}.txt"


def check_key_location(location: str, *, site_url: str, key: str) -> str:
    """A key location named by someone else (the site's plugin): the key's file on the site's host."""
    parts = urlsplit(location)
    if parts.scheme not in {"http", "https"} or parts.hostname != urlsplit(site_url).hostname:
        raise IndexNowError(f"the key location {location!r} is not on the site's host {urlsplit(site_url).hostname}")
    if not parts.path.endswith(f"/{check_key(key)}.txt") or parts.query or parts.fragment:
        raise IndexNowError(f"the key location {location!r} is not the file {key}.txt")
    return location


def submit_urls(
    http: httpx.Client, endpoint: str, *, site_url: str, key: str, urls: list[str], location: str | None = None
) -> list[Submission]:
    """Submit ``urls`` in batches; every URL must be on the site's host, under the folder of the key's file
    (``location``, by default ``/<key>.txt`` under the site's URL). Raises IndexNowError on a refusal."""
    host = urlsplit(site_url).hostname or ""
    location = check_key_location(location, site_url=site_url, key=key) if location else key_location(site_url, key)
    folder = urlsplit(location).path.rsplit("/", 1)[0] + "/"
    foreign = [u for u in urls if urlsplit(u).hostname != host]
    if foreign:
        raise IndexNowError(f"{len(foreign)} URLs are not on {host} (for example {foreign[0]})")
    outside = [u for u in urls if not urlsplit(u).path.startswith(folder)]
    if outside:
        raise IndexNowError(f"{len(outside)} URLs are outside {folder}, the key file's folder (e.g. {outside[0]})")
    done = []
    for start in range(0, len(urls), MAX_URLS_PER_REQUEST):
        batch = urls[start : start + MAX_URLS_PER_REQUEST]
        body = {"host": host, "key": key, "keyLocation": location, "urlList": batch}
        try:
            response = http.post(endpoint, json=body, headers={"Content-Type": "application/json; charset=utf-8"})
        except httpx.TransportError as exc:
            raise IndexNowError(f"cannot reach IndexNow at {endpoint}") from exc
        if response.status_code not in (200, 202):
            message = _REFUSALS.get(response.status_code, f"IndexNow answered {response.status_code}")
            raise IndexNowError(message, status=response.status_code)
        done.append(Submission(batch, response.status_code))
    return done
