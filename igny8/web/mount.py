"""Mounting the web app into the FastAPI application: pages, JSON for the pictures, static files, the bridge."""

from __future__ import annotations

from pathlib import Path

from fastapi import FastAPI
from fastapi.staticfiles import StaticFiles

from igny8.web import dashboard_actions, data, pages, search_console, template_editor
from igny8.web.api_bridge import SessionBridge

STATIC_DIR = Path(__file__).parent / "static"


def install_web_app(app: FastAPI) -> None:
    app.include_router(pages.router)
    app.include_router(data.router)
    app.include_router(dashboard_actions.router)
    app.include_router(search_console.router)
    app.include_router(template_editor.router)
    app.mount("/static", StaticFiles(directory=STATIC_DIR), name="static")
    app.add_middleware(SessionBridge)
