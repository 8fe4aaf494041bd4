"""Best time to post per network: a default hour and weekdays from general guidance, replaced by the hour the
account's own posts earned most engagement at once it has enough of them; one post per network per slot."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

# (UTC hour, weekdays Monday=0) per network: the common guidance for business accounts.
DEFAULT_SLOTS: dict[str, tuple[int, tuple[int, ...]]] = {
    "linkedin": (9, (1, 2, 3)),
    "x": (12, (0, 1, 2, 3, 4)),
    "facebook": (13, (0, 1, 2, 3, 4)),
    "instagram": (11, (0, 1, 2, 3, 4)),
    "tiktok": (19, (1, 3, 4, 5)),
}
MIN_POSTS_TO_LEARN = 5  # measured posts before the account's own best hour replaces the default


def best_hour(platform: str, engagement_by_hour: dict[int, tuple[float, int]]) -> int:
    """The default hour, or the account's own best one when it has measured enough posts."""
    measured = sum(n for _, n in engagement_by_hour.values())
    if measured < MIN_POSTS_TO_LEARN:
        return DEFAULT_SLOTS[platform][0]
    return max(engagement_by_hour.items(), key=lambda item: (item[1][0], -item[0]))[0]


def next_slot(
    platform: str, *, now: datetime, taken: list[datetime], engagement_by_hour: dict[int, tuple[float, int]]
) -> datetime:
    """The first free posting slot after ``now`` on one of the network's days at its best hour."""
    hour = best_hour(platform, engagement_by_hour)
    days = DEFAULT_SLOTS[platform][1]
    busy = {t.astimezone(UTC).replace(minute=0, second=0, microsecond=0) for t in taken}
    day = now.astimezone(UTC).replace(hour=hour, minute=0, second=0, microsecond=0)
    for _ in range(366):
        if day > now and day.weekday() in days and day not in busy:
            return day
        day += timedelta(days=1)
    raise RuntimeError(f"no free {platform} slot within a year")
