"""The transport every network client shares: an httpx client on the network's base URL (from settings), the
token as a bearer header, and a network error turned into TokenExpired, RetryLater or PostRejected by the
client's own reading of its error body."""

from __future__ import annotations

import time
from collections.abc import Callable
from typing import Any

import httpx

from igny8.tools.social.errors import PostRejected, RetryLater, SocialError, TokenExpired

ErrorReader = Callable[[httpx.Response], SocialError]


def retry_after(response: httpx.Response) -> float | None:
    """Seconds to wait from Retry-After, or from X's x-rate-limit-reset (epoch seconds)."""
    value = response.headers.get("retry-after")
    if value and value.isdigit():
        return float(value)
    reset = response.headers.get("x-rate-limit-reset")
    if reset and reset.isdigit():
        return max(0.0, float(reset) - time.time())
    return None


def json_body(response: httpx.Response) -> dict[str, Any]:
    try:
        body = response.json()
    except ValueError:
        return {}
    return body if isinstance(body, dict) else {}


def refusal(
    platform: str, response: httpx.Response, *, message: str, code: str, token_refused: bool, try_later: bool
) -> SocialError:
    """The error for a network's refusal as the network's reader judged it: 401 or a token code → reconnect;
    429, 5xx or a transient code → retry later; anything else → the post must change."""
    status = response.status_code
    if token_refused or status == 401:
        return TokenExpired(message, platform=platform, status=status, code=code)
    if try_later or status == 429 or status >= 500:
        return RetryLater(message, platform=platform, status=status, code=code, retry_after_s=retry_after(response))
    return PostRejected(message, platform=platform, status=status, code=code)


class NetworkTransport:
    def __init__(
        self,
        platform: str,
        base_url: str,
        token: str,
        read_error: ErrorReader,
        *,
        timeout_s: float,
        bearer: bool = True,
        headers: dict[str, str] | None = None,
    ) -> None:
        self.platform = platform
        self.read_error = read_error
        auth = {"Authorization": f"Bearer {token}"} if bearer else {}
        self.http = httpx.Client(base_url=base_url.rstrip("/"), timeout=timeout_s, headers={**auth, **(headers or {})})

    def __repr__(self) -> str:  # the token stays out of every repr and log line
        return f"NetworkTransport({self.platform!r}, {str(self.http.base_url)!r})"

    def close(self) -> None:
        self.http.close()

    def send(self, method: str, path: str, **kwargs: Any) -> httpx.Response:
        try:
            response = self.http.request(method, path, **kwargs)
        except httpx.TimeoutException as exc:
            raise RetryLater(f"no answer in time ({type(exc).__name__})", platform=self.platform) from None
        except httpx.TransportError as exc:
            raise RetryLater(
                f"cannot reach {self.http.base_url} ({type(exc).__name__})", platform=self.platform
            ) from None
        if response.status_code >= 400:
            raise self.read_error(response)
        return response
