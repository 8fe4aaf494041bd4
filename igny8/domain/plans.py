"""The managed plans (SPEC §8): what each costs, the credits it brings every month and how many sites it covers."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Literal

PlanName = Literal["lite", "pro"]


@dataclass(frozen=True, slots=True)
class Plan:
    name: PlanName
    price_usd_per_site: int
    # What the plan's price buys at the default credit price ($0.01): Lite $100 → 10,000, Pro $399 → 39,900.
    monthly_credits_per_site: int
    site_limit: int

    def monthly_allowance(self, sites: int) -> int:
        """The credits granted each month: per site, at least one site's worth (a new account has none yet)."""
        return self.monthly_credits_per_site * max(1, min(sites, self.site_limit))


PLANS: dict[str, Plan] = {
    "lite": Plan("lite", 100, 10_000, 3),
    "pro": Plan("pro", 399, 39_900, 25),
}


def plan_named(name: str) -> Plan:
    plan = PLANS.get(name.strip().lower())
    if plan is None:
        raise ValueError(f"unknown plan {name!r}: choose one of {', '.join(PLANS)}")
    return plan
