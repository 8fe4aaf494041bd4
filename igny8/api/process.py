"""The application of one server process among several (``igny8 serve --workers N``): uvicorn imports this
module in each process, which opens its own services (database pools, key cache, rate limiter)."""

from __future__ import annotations

from fastapi import FastAPI

from igny8.api.app import create_app
from igny8.config import get_settings
from igny8.memory.database import Database
from igny8.services import build_services


def service_app() -> FastAPI:
    settings = get_settings()
    runtime = build_services(settings, Database.open(settings))
    return create_app(runtime, max_body_bytes=settings.api_max_body_bytes, close_database=True)
