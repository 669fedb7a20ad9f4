"""``/docs`` (Swagger UI) and ``/redoc`` (ReDoc) from local files, so they load with no network.

FastAPI's own pages pull Swagger UI and ReDoc from a CDN: on a trading box without internet (or behind
a proxy that blocks jsdelivr) ``/docs`` is a blank page. The JavaScript and CSS come from the
``fastapi-offline`` package (which ships Swagger UI 5 and ReDoc 2 builds); the pages themselves are our
own files under ``static/`` with no inline script, so they work under the dashboard's
Content-Security-Policy too, and they fetch the schema with the dashboard's token when one is set.
The schema carries the specs' examples on every operation (``openapi_examples``).
"""

from __future__ import annotations

import logging
from importlib import resources
from pathlib import Path
from string import Template

from fastapi import FastAPI
from fastapi.openapi.utils import get_openapi
from fastapi.responses import HTMLResponse
from fastapi.staticfiles import StaticFiles

from . import openapi_examples
from .pages import static_dir

DOCS_URL = "/docs"
REDOC_URL = "/redoc"
ASSETS_URL = "/docs/assets"  # Swagger UI / ReDoc bundles, from the fastapi-offline package

# The two viewers share one page (static/docs_page.html); each says what differs.
VIEWERS = {
    DOCS_URL: {
        "viewer": "Swagger UI",
        "styles": '<link rel="stylesheet" href="/docs/assets/swagger-ui.css">\n',
        "other": "ReDoc",
        "other_url": REDOC_URL,
        "mount": "swagger-ui",
        "bundle": "swagger-ui-bundle.js",
    },
    REDOC_URL: {
        "viewer": "ReDoc",
        "styles": "",
        "other": "Swagger UI",
        "other_url": DOCS_URL,
        "mount": "redoc",
        "bundle": "redoc.standalone.js",
    },
}
MISSING_ASSETS = "API 文档资源未安装：pip install fastapi-offline（接口本身不受影响，/openapi.json 仍可用）"
log = logging.getLogger(__name__)


def assets_dir() -> Path:
    return Path(str(resources.files("fastapi_offline").joinpath("static")))


def install(app: FastAPI) -> None:
    """Serve the two docs pages and their assets; the app must be built with docs_url=redoc_url=None.

    Without the ``fastapi-offline`` package (an environment installed from a pinned list that lacks it)
    the gateway still starts: the docs pages then say what to install instead of failing the whole app.
    """
    try:
        assets = assets_dir()
    except ModuleNotFoundError:
        log.warning("fastapi-offline is not installed: /docs and /redoc are unavailable")
        assets = None
    if assets is not None:
        app.mount(ASSETS_URL, StaticFiles(directory=assets), name="docs-assets")
    template = Template((static_dir() / "docs_page.html").read_text(encoding="utf-8"))
    pages = {url: template.substitute(fields) for url, fields in VIEWERS.items()}

    def page(html: str):
        async def serve_page() -> HTMLResponse:
            if assets is None:
                return HTMLResponse(MISSING_ASSETS, status_code=503)
            return HTMLResponse(html)

        return serve_page

    for url, html in pages.items():
        app.add_api_route(url, page(html), methods=["GET"], include_in_schema=False)

    def schema() -> dict:
        if app.openapi_schema is None:
            doc = get_openapi(
                title=app.title,
                version=app.version,
                description=app.description,
                routes=app.routes,
                tags=TAGS,
            )
            app.openapi_schema = openapi_examples.attach(doc)
        return app.openapi_schema

    app.openapi = schema  # type: ignore[method-assign]


# One tag per dialect (and the operator routes), in the order the docs list them.
TAGS = [
    {"name": "trader", "description": "华泰客户端 HTTP API（/api/trader，规范 ht-client-http-api）"},
    {
        "name": "ths_http_trader",
        "description": "ths_http_trader 方言（/ths/...；--dialect ths 时也在根路径）",
    },
    {
        "name": "easytrader",
        "description": "easytrader remote 方言（/easytrader/...；--dialect easytrader 时也在根路径）",
    },
    {"name": "ops", "description": "运维：委托日志、紧急停止、运行状态"},
    {"name": "dashboard", "description": "控制台页面用到的证券交易规则"},
]
