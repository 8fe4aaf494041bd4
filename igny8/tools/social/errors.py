"""What a network's refusal means for us: reconnect the account, try again later, or fix the post."""

from __future__ import annotations


class SocialError(RuntimeError):
    """A network refused or failed a request (the network's own code and message, never the token)."""

    def __init__(self, message: str, *, platform: str, status: int | None = None, code: str | None = None) -> None:
        super().__init__(f"{platform}: {message}")
        self.platform = platform
        self.status = status
        self.code = code


class TokenExpired(SocialError):
    """The access token is expired or revoked: the account must be connected again (`igny8 social connect`)."""


class RetryLater(SocialError):
    """Rate limited or the network is down for now; ``retry_after_s`` when the network said when."""

    outage_service = "social"  # autonomous work waits and retries (igny8.stages.outages)

    def __init__(
        self,
        message: str,
        *,
        platform: str,
        status: int | None = None,
        code: str | None = None,
        retry_after_s: float | None = None,
    ) -> None:
        super().__init__(message, platform=platform, status=status, code=code)
        self.retry_after_s = retry_after_s


class PostRejected(SocialError):
    """The network refused this post as it is (too long, duplicate, bad media): retrying will not help."""
