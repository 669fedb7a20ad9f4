"""The app factory: one FastAPI app serving every dialect over one gateway."""

from __future__ import annotations

from fastapi import FastAPI
from fastapi.responses import HTMLResponse

from .. import __version__
from ..gateway import Gateway
from . import errors
from .ops_routes import build_router as ops_router
from .pages import dashboard_html
from .trader_routes import PREFIX as TRADER_PREFIX
from .trader_routes import build_router as trader_router


def create_app(gateway: Gateway) -> FastAPI:
    app = FastAPI(
        title="ashare-gateway",
        version=__version__,
        description="A-share broker clients behind one HTTP API, with a built-in paper exchange.",
    )
    app.state.gateway = gateway
    app.include_router(trader_router())
    app.include_router(ops_router())
    errors.install(app, {TRADER_PREFIX: errors.plain}, errors.plain)

    @app.get("/", include_in_schema=False)
    async def index() -> HTMLResponse:
        return HTMLResponse(dashboard_html())

    @app.get("/health", tags=["ops"], summary="运行状态")
    async def health() -> dict:
        service = gateway.service
        return {
            "status": "ok",
            "version": __version__,
            "broker": gateway.settings.broker,
            "demo_market": gateway.settings.always_open,
            "auto_login": service.sessions.auto_session_id is not None,
            "auto_login_error": service.auto_login_error,
            "lanes": [
                {**h.lane.status(), "reads": h.reads.reads, "shared_reads": h.reads.shared}
                for h in service.clients.all()
            ],
            "kill_switch": gateway.risk.kill_switch(),
        }

    return app
