"""Deterministic capabilities the agents call."""
