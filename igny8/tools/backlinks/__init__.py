"""External backlink campaigns: tiers from the blueprint, the anchor plan, marketplace clients, live-link checks
and tipping-point detection."""
