"""Google's error shapes mapped to ours: quota → retry later, revoked grant → reconnect, bad request → fix it.

Messages carry Google's status and message, never a token or a credential."""

from __future__ import annotations

from typing import Any

import httpx


class SearchConsoleError(RuntimeError):
    """Google answered a Search Console or OAuth request with an error."""

    def __init__(self, message: str, *, status: int | None = None, reason: str | None = None) -> None:
        super().__init__(message)
        self.status = status
        self.reason = reason


class ReconnectNeeded(SearchConsoleError):
    """The grant was revoked or expired, or the credentials were refused: the site must be connected again."""


class QuotaExceeded(SearchConsoleError):
    """429 or a quota error: try again later (``retry_after_s`` when Google said how long)."""

    def __init__(
        self, message: str, *, status: int | None = 429, reason: str | None = None, retry_after_s: float | None = None
    ) -> None:
        super().__init__(message, status=status, reason=reason)
        self.retry_after_s = retry_after_s


class ServiceUnavailable(SearchConsoleError):
    """A 5xx answer, a timeout or no connection: transient, try again with backoff."""

    outage_service = "search_console"  # autonomous work waits and retries (igny8.stages.outages)


class BadRequest(SearchConsoleError):
    """Google refused the request itself (a property we may not read, a URL outside the property)."""


def _retry_after(response: httpx.Response) -> float | None:
    value = response.headers.get("Retry-After")
    try:
        return max(0.0, float(value)) if value is not None else None
    except ValueError:
        return None


def _api_error_body(response: httpx.Response) -> tuple[str, str | None]:
    """Google's JSON error ``{"error": {"code", "message", "status", "errors": [{"reason"}]}}``."""
    try:
        body: Any = response.json()
    except ValueError:
        return (response.text[:200] or response.reason_phrase), None
    error = body.get("error") if isinstance(body, dict) else None
    if isinstance(error, dict):
        details = error.get("errors") or [{}]
        reason = details[0].get("reason") if isinstance(details[0], dict) else None
        return str(error.get("message", ""))[:300], reason or error.get("status")
    if isinstance(error, str):  # the OAuth token endpoint: {"error": "invalid_grant", "error_description"}
        return str(body.get("error_description", error))[:300], error
    return response.reason_phrase, None


def raise_for_api_error(response: httpx.Response, *, what: str) -> None:
    """Raise the error that fits a failed Search Console answer; return for a 2xx."""
    if response.is_success:
        return
    message, reason = _api_error_body(response)
    status = response.status_code
    text = f"{what}: Google answered {status} ({reason or 'error'}): {message}"
    if status == 429 or reason in {"rateLimitExceeded", "quotaExceeded", "RESOURCE_EXHAUSTED", "userRateLimitExceeded"}:
        raise QuotaExceeded(text, status=status, reason=reason, retry_after_s=_retry_after(response))
    if status == 401:
        raise ReconnectNeeded(text, status=status, reason=reason)
    if status >= 500:
        raise ServiceUnavailable(text, status=status, reason=reason)
    raise BadRequest(text, status=status, reason=reason)


def raise_for_token_error(response: httpx.Response) -> None:
    """The OAuth token endpoint: ``invalid_grant`` and refused clients mean the site must reconnect."""
    if response.is_success:
        return
    message, reason = _api_error_body(response)
    text = f"Google's token endpoint answered {response.status_code} ({reason or 'error'}): {message}"
    if response.status_code == 429:
        raise QuotaExceeded(text, status=429, reason=reason, retry_after_s=_retry_after(response))
    if response.status_code >= 500:
        raise ServiceUnavailable(text, status=response.status_code, reason=reason)
    if reason in {"invalid_grant", "invalid_client", "unauthorized_client"} or response.status_code == 401:
        raise ReconnectNeeded(text, status=response.status_code, reason=reason)
    raise BadRequest(text, status=response.status_code, reason=reason)
