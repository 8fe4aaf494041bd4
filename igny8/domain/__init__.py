"""Pydantic models of the SAG world. No I/O here."""
