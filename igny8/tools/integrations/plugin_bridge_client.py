"""The backend's client of the IGNY8 Bridge plugin (``/wp-json/igny8/v1/``), authenticated with the plugin's
secret in ``X-IGNY8-Secret``. Answers are the plugin's envelope; a refusal raises the WordPress errors of
``wordpress_client`` with the plugin's message, never the secret."""

from __future__ import annotations

from typing import Any

import httpx

from igny8.tools.integrations.wordpress_client import (
    PLUGIN_NAMESPACE,
    WordPressAuthError,
    WordPressError,
    WordPressTimeout,
    WordPressUnreachable,
)

SECRET_HEADER = "X-IGNY8-Secret"


class PluginBridgeClient:
    def __init__(self, site_url: str, secret: str, *, timeout_s: float = 60.0) -> None:
        self.site_url = site_url.rstrip("/")
        self._http = httpx.Client(
            base_url=f"{self.site_url}/wp-json/{PLUGIN_NAMESPACE}",
            headers={SECRET_HEADER: secret, "Accept": "application/json"},
            timeout=timeout_s,
            follow_redirects=False,
        )

    def __repr__(self) -> str:  # the secret stays out of every repr and log line
        return f"PluginBridgeClient({self.site_url!r})"

    def __enter__(self) -> PluginBridgeClient:
        return self

    def __exit__(self, *exc_info: object) -> None:
        self._http.close()

    def call(self, method: str, path: str, body: Any = None) -> Any:
        """One call; the envelope's data on success, a WordPressError otherwise."""
        where = f"{method} /wp-json/{PLUGIN_NAMESPACE}{path}"
        try:
            response = self._http.request(method, path, json=body)
        except httpx.TimeoutException:
            raise WordPressTimeout(f"the IGNY8 plugin at {self.site_url} did not answer {where} in time") from None
        except httpx.TransportError as exc:
            raise WordPressUnreachable(f"cannot reach {self.site_url} ({where}): {type(exc).__name__}") from None
        try:
            envelope = response.json()
        except ValueError:
            envelope = None
        if not isinstance(envelope, dict) or "success" not in envelope:
            raise WordPressUnreachable(
                f"{self.site_url} answered {where} with HTTP {response.status_code} and no IGNY8 envelope: "
                "is the IGNY8 Bridge plugin installed and active there?",
                status=response.status_code,
            )
        if response.status_code == 401:
            raise WordPressAuthError(
                f"the IGNY8 plugin at {self.site_url} refused the secret: copy it again from Settings → IGNY8 "
                "and run `igny8 plugin connect`",
                status=401,
                code="igny8_secret",
            )
        if not envelope["success"] or response.is_error:
            errors = envelope.get("errors") or {}
            raise WordPressError(
                f"the IGNY8 plugin refused {where}: {response.status_code} {envelope.get('error', '')}"
                + (f" {errors}" if errors else ""),
                status=response.status_code,
                data={"errors": errors},
            )
        return envelope.get("data")

    def health(self) -> dict[str, Any]:
        return self.call("GET", "/health")

    def sync_blueprint(self, view: dict[str, Any]) -> dict[str, Any]:
        return self.call("POST", "/sag/sync-blueprint", view)

    def run_sync(self) -> dict[str, Any]:
        return self.call("POST", "/sync/run")
