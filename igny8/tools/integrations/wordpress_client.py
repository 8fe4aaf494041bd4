"""A small client for the WordPress REST API (``/wp-json/``), authenticated with an application password
(HTTP Basic), and for the IGNY8 plugin's namespace ``/wp-json/igny8/v1/``.

Errors carry WordPress's own error code and message and never the credentials. Nothing here retries a
request: a create that timed out may have happened, and the publisher's re-run finds and adopts it.
"""

from __future__ import annotations

import mimetypes
import re
from dataclasses import dataclass
from pathlib import Path
from typing import Any, Literal
from urllib.parse import urlsplit

import httpx

WpType = Literal["posts", "pages"]
PLUGIN_NAMESPACE = "igny8/v1"
_PER_PAGE = 100
_SLUGS_PER_LOOKUP = 40
_SAFE_FILENAME = re.compile(r"[^A-Za-z0-9._-]+")


class WordPressError(RuntimeError):
    """WordPress answered a request with an error (status, WordPress error code and message)."""

    def __init__(
        self, message: str, *, status: int | None = None, code: str | None = None, data: dict[str, Any] | None = None
    ) -> None:
        super().__init__(message)
        self.status = status
        self.code = code
        self.data = data or {}


class WordPressAuthError(WordPressError):
    """The credentials were refused (401): fix the connection; nothing else will work until then."""


class WordPressUnreachable(WordPressError):
    """No WordPress answered at the base URL (connection refused, DNS, not a WordPress REST API)."""


class WordPressTimeout(WordPressError):
    """A request took longer than the timeout; a write may or may not have happened."""


@dataclass(frozen=True, slots=True)
class TaxonomySpec:
    slug: str
    name: str
    hierarchical: bool


@dataclass(frozen=True, slots=True)
class RegisteredTaxonomy:
    slug: str
    taxonomy: str
    rest_base: str


@dataclass(frozen=True, slots=True)
class UploadedMedia:
    id: int
    source_url: str


def _plain(text: str) -> str:
    return re.sub(r"<[^>]+>", "", text).strip()


class WordPressClient:
    """One WordPress site. Use as a context manager, or call ``close()``."""

    def __init__(
        self,
        base_url: str,
        username: str,
        application_password: str,
        *,
        timeout_s: float = 30.0,
        transport: httpx.BaseTransport | None = None,
    ) -> None:
        address = urlsplit(base_url)
        if address.scheme not in ("http", "https") or not address.hostname:
            raise ValueError(f"a WordPress address starts with https:// or http://, not {base_url[:40]!r}")
        if address.username or address.password:
            raise ValueError("give the WordPress user and application password separately, not inside the URL")
        self.base_url = base_url.rstrip("/")
        self.username = username
        self.timeout_s = timeout_s
        self._http = httpx.Client(
            base_url=f"{self.base_url}/wp-json",
            auth=httpx.BasicAuth(username, application_password),
            timeout=httpx.Timeout(timeout_s, connect=min(timeout_s, 10.0)),
            transport=transport,
            headers={"User-Agent": "igny8-publisher", "Accept": "application/json"},
            follow_redirects=False,
        )

    def __repr__(self) -> str:  # the application password stays out of every repr and log line
        return f"WordPressClient(base_url={self.base_url!r}, username={self.username!r})"

    def __enter__(self) -> WordPressClient:
        return self

    def __exit__(self, *exc_info: object) -> None:
        self.close()

    def close(self) -> None:
        self._http.close()

    # -- transport ------------------------------------------------------------------------------------

    def request(
        self,
        method: str,
        path: str,
        *,
        params: dict[str, Any] | None = None,
        json: Any = None,
        content: bytes | None = None,
        headers: dict[str, str] | None = None,
    ) -> httpx.Response:
        """One REST call; returns the response when it is a success, raises a WordPressError otherwise."""
        where = f"{method} /wp-json{path}"
        try:
            response = self._http.request(method, path, params=params, json=json, content=content, headers=headers)
        except httpx.TimeoutException as exc:
            raise WordPressTimeout(
                f"WordPress at {self.base_url} did not answer {where} within "
                f"{self.timeout_s:.0f}s ({type(exc).__name__})"
            ) from None
        except httpx.TransportError as exc:
            raise WordPressUnreachable(
                f"cannot reach WordPress at {self.base_url} ({where}): {type(exc).__name__}: {exc}"
            ) from None
        if response.is_redirect:
            raise WordPressUnreachable(
                f"{self.base_url} redirects {where} to {response.headers.get('location', '?')}: save the connection "
                "with the site's final address (requests are not followed: a redirected POST loses its body)",
                status=response.status_code,
            )
        if response.is_success:
            if "json" not in response.headers.get("content-type", ""):
                raise WordPressUnreachable(
                    f"{self.base_url} answered {where} with {response.status_code} "
                    f"{response.headers.get('content-type', 'no content type')}, not JSON: "
                    "is this the address of a WordPress site with the REST API enabled?"
                )
            return response
        raise self._error(where, response)

    def _error(self, where: str, response: httpx.Response) -> WordPressError:
        try:
            body = response.json()
        except ValueError:
            body = None
        if not isinstance(body, dict) or not ("code" in body or "error" in body):
            kind = WordPressUnreachable if response.status_code in (404, 405) else WordPressError
            return kind(
                f"{self.base_url} answered {where} with HTTP {response.status_code} and no WordPress "
                "error body: is this the address of a WordPress site with the REST API enabled?",
                status=response.status_code,
            )
        code = str(body.get("code") or "igny8_error")
        message = _plain(str(body.get("message") or body.get("error") or ""))
        data = body.get("data") if isinstance(body.get("data"), dict) else {}
        if body.get("errors"):
            message += f" {body['errors']}"
        if response.status_code == 401:
            return WordPressAuthError(
                f"WordPress at {self.base_url} refused the credentials of user {self.username!r} "
                f"({response.status_code} {code}: {message}). Create a new application password for this user in "
                "WordPress (Users → Profile → Application Passwords) and save it in the site's connection",
                status=401,
                code=code,
                data=data,
            )
        if code == "rest_no_route" and f"/wp-json/{PLUGIN_NAMESPACE}/" in where:
            return WordPressError(
                f"the IGNY8 plugin is not active on {self.base_url}: WordPress has no route for {where}. "
                "Install and activate the IGNY8 plugin there",
                status=response.status_code,
                code=code,
                data=data,
            )
        return WordPressError(
            f"WordPress refused {where}: {response.status_code} {code}: {message}",
            status=response.status_code,
            code=code,
            data=data,
        )

    def _get_all(self, path: str, params: dict[str, Any]) -> list[dict[str, Any]]:
        items: list[dict[str, Any]] = []
        page = 1
        while True:
            response = self.request("GET", path, params={**params, "per_page": _PER_PAGE, "page": page})
            items.extend(response.json())
            if page >= int(response.headers.get("X-WP-TotalPages", "1") or 1):
                return items
            page += 1

    # -- the account and the IGNY8 plugin -------------------------------------------------------------

    def current_user(self) -> dict[str, Any]:
        """The authenticated user (checks the application password before anything is written)."""
        return self.request("GET", "/wp/v2/users/me", params={"context": "edit"}).json()

    def plugin_health(self) -> dict[str, Any]:
        return self.request("GET", f"/{PLUGIN_NAMESPACE}/health").json()["data"]

    def create_taxonomies(self, taxonomies: list[TaxonomySpec]) -> list[RegisteredTaxonomy]:
        """Ask the plugin to register custom taxonomies; it answers with the key and REST base of each."""
        body = [{"slug": t.slug, "name": t.name, "hierarchical": t.hierarchical} for t in taxonomies]
        data = self.request("POST", f"/{PLUGIN_NAMESPACE}/sag/create-taxonomies", json=body).json()["data"]
        return [RegisteredTaxonomy(t["slug"], t["taxonomy"], t["rest_base"]) for t in data["taxonomies"]]

    # -- terms (rest_base: "categories", "tags" or a custom taxonomy's REST base) -------------------------

    def list_terms(self, rest_base: str) -> list[dict[str, Any]]:
        return self._get_all(f"/wp/v2/{rest_base}", {"context": "edit", "hide_empty": "false"})

    def create_term(self, rest_base: str, *, name: str, slug: str, description: str | None = None) -> int:
        """Create a term, or return the id of the one WordPress already has under that name."""
        body: dict[str, Any] = {"name": name, "slug": slug}
        if description is not None:
            body["description"] = description
        try:
            return int(self.request("POST", f"/wp/v2/{rest_base}", json=body).json()["id"])
        except WordPressError as exc:
            if exc.code == "term_exists" and exc.data.get("term_id"):
                return int(exc.data["term_id"])
            raise

    # -- media ----------------------------------------------------------------------------------------

    def find_media(self, slugs: list[str]) -> list[dict[str, Any]]:
        """Media items with any of these slugs (in batches, so a long list stays a short URL)."""
        return self._find_by_slugs("media", slugs, {"status": "inherit,private"})

    def upload_media(self, path: Path, *, alt_text: str, content_id: int | None = None) -> UploadedMedia:
        """Upload a file as-is. WordPress refuses SVG unless the site allows it (a WordPressError then)."""
        mime = mimetypes.guess_type(path.name)[0] or "application/octet-stream"
        filename = _SAFE_FILENAME.sub("-", path.name)
        params: dict[str, Any] = {"alt_text": alt_text}
        if content_id is not None:
            params["meta[igny8_content_id]"] = content_id
        headers = {"Content-Type": mime, "Content-Disposition": f'attachment; filename="{filename}"'}
        response = self.request("POST", "/wp/v2/media", params=params, content=path.read_bytes(), headers=headers)
        body = response.json()
        return UploadedMedia(int(body["id"]), str(body.get("source_url") or ""))

    # -- posts and pages ------------------------------------------------------------------------------

    def find_by_slugs(self, wp_type: WpType, slugs: list[str]) -> list[dict[str, Any]]:
        """Posts or pages with any of these slugs, in any status but trash, with raw fields and meta."""
        return self._find_by_slugs(wp_type, slugs, {"status": "publish,future,draft,pending,private"})

    def _find_by_slugs(self, rest_base: str, slugs: list[str], params: dict[str, Any]) -> list[dict[str, Any]]:
        found: list[dict[str, Any]] = []
        for start in range(0, len(slugs), _SLUGS_PER_LOOKUP):
            batch = ",".join(slugs[start : start + _SLUGS_PER_LOOKUP])
            found += self._get_all(f"/wp/v2/{rest_base}", {**params, "slug": batch, "context": "edit"})
        return found

    def get_item(self, wp_type: WpType, wp_id: int) -> dict[str, Any]:
        return self.request("GET", f"/wp/v2/{wp_type}/{wp_id}", params={"context": "edit"}).json()

    def create_item(self, wp_type: WpType, payload: dict[str, Any]) -> dict[str, Any]:
        return self.request("POST", f"/wp/v2/{wp_type}", json=payload).json()

    def update_item(self, wp_type: WpType, wp_id: int, payload: dict[str, Any]) -> dict[str, Any]:
        return self.request("POST", f"/wp/v2/{wp_type}/{wp_id}", json=payload).json()
