"""The app factory: one FastAPI app per listener, every dialect over one shared gateway.

Every app serves ``/api/trader`` (and the ops routes), ``/ths/...`` and ``/easytrader/...``. The root
paths belong to one dialect per listener (``root_dialect``): ths_http_trader and easytrader both use
``/balance``, ``/position``, ``/buy``, ``/sell`` with different shapes, so a drop-in replacement for either
needs its own port. One process may serve several listeners (``serve --listen``); they share the
gateway, hence the sessions, lanes and journal.
"""

from __future__ import annotations

import logging

from fastapi import FastAPI

from .. import __version__
from ..brokers import client_check
from ..gateway import Gateway
from . import (
    accounts,
    clock_routes,
    condition_routes,
    docs_routes,
    easytrader_routes,
    errors,
    events_routes,
    mcp_mount,
    pages,
    repo_routes,
    security,
    ths_routes,
)
from .ops_routes import build_router as ops_router
from .security import SecurityPolicy
from .trader_routes import PREFIX as TRADER_PREFIX
from .trader_routes import build_router as trader_router

# The session-less dialects, one line each: a module with PREFIX (served there on every listener),
# build_router(prefix) and render_error(status, message) (its failure envelope). ``--dialect NAME`` gives it
# a listener's root paths too. "ht" is not listed: it leaves the root to the dashboard (spec paths /api).
DIALECT_MODULES = {
    "ths": ths_routes,
    "easytrader": easytrader_routes,
}
DIALECTS = ("ht", *DIALECT_MODULES)


def _policy(gateway: Gateway, root_dialect: str | None) -> SecurityPolicy:
    settings = gateway.settings
    return SecurityPolicy(
        token=settings.token,
        allow_ips=list(settings.allow_ips),
        rate_per_second=settings.rate_limit,
        allowed_hosts=[*settings.allowed_hosts, settings.host],  # the bound address is ours too
        cors_origins=list(settings.cors_origins),
        json_at_root=root_dialect == "easytrader",
    )


log = logging.getLogger(__name__)


def create_app(gateway: Gateway, root_dialect: str | None = None) -> FastAPI:
    """The app for one listener; ``root_dialect`` ("ths", "easytrader", or None/"ht") owns its root paths."""
    if root_dialect not in (None, *DIALECTS):
        raise ValueError(f"未知的接口方言：{root_dialect}（可选：{'、'.join(DIALECTS)}）")
    root = DIALECT_MODULES.get(root_dialect or "ht")
    app = FastAPI(
        title="ashare-gateway",
        version=__version__,
        description="A-share broker clients behind one HTTP API, with a built-in paper exchange.",
        docs_url=None,  # docs_routes serves /docs and /redoc from local files
        redoc_url=None,
    )
    app.state.gateway = gateway
    app.include_router(trader_router())
    app.include_router(ops_router())
    app.include_router(clock_routes.build_router())
    app.include_router(repo_routes.build_router())
    app.include_router(condition_routes.build_router())
    app.include_router(events_routes.build_router())
    mcp_mount.install(app)  # built on its first request
    for module in DIALECT_MODULES.values():
        app.include_router(module.build_router())
    if root is not None:
        app.include_router(root.build_router(""))
    render = errors.install(
        app,
        {
            "/api": errors.plain,
            TRADER_PREFIX: errors.plain,
            **{module.PREFIX: module.render_error for module in DIALECT_MODULES.values()},
        },
        root.render_error if root is not None else errors.plain,
    )

    security.install(app, _policy(gateway, root_dialect), render)
    errors.guard(app, render)  # outermost but one, so a fault in the perimeter is a 500 in the envelope
    accounts.install(app, gateway, root_dialect)  # /accounts/NAME/... rewritten before anything else

    pages.install(app)
    docs_routes.install(app)

    @app.get("/ping", tags=["ops"], summary="存活检查（不访问客户端）")
    async def ping() -> dict:
        return {"code": 200, "message": "pong", "data": None}

    @app.get("/health", tags=["ops"], summary="运行状态")
    async def health() -> dict:
        service = gateway.service
        return {
            "status": "ok",
            "version": __version__,
            "broker": gateway.settings.broker,
            "dialect": root_dialect or "ht",
            "demo_market": gateway.settings.always_open,
            "auto_login": service.auto_logged_in,
            "auto_login_error": service.auto_login_error,
            "lanes": [
                {**h.lane.status(), "reads": h.reads.reads, "shared_reads": h.reads.shared}
                for h in service.clients.all()
            ],
            "accounts": account_status(gateway),
            "kill_switch": gateway.risk.kill_switch(),
            "quotes": gateway.quote_status(),
        }

    return app


def account_status(gateway: Gateway) -> list[dict]:
    """For /health: each gateway account, its flavour, whether its auto-login session is up, and why not."""
    service = gateway.service
    return [
        {
            "name": a.name,
            "broker": a.broker,
            "auto_login": service.sessions.auto_for(a.name) is not None,
            "auto_login_error": service.auto_login_errors.get(a.name),
            "clients": [h.key for h in service.clients.of_account(a.name)],
            # The GUI client's connect-time fingerprint and settings (brokers/ths/fingerprint.py).
            "client_checks": client_check.reports([h.broker for h in service.clients.of_account(a.name)]),
        }
        for a in gateway.accounts
    ]
