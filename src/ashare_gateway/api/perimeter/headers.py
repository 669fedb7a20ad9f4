"""Security headers on every response, and the Content-Security-Policy per path, in one table.

The dashboard (``/`` and ``/static/*``) may run only its own files: no inline script or style, no
framing (clickjacking an order ticket), no referrer. API responses get a policy that forbids
everything, so a JSON body opened in a tab can never run anything. ``/docs`` and ``/redoc`` are left
to the pages that serve them (issue 17 serves Swagger UI and ReDoc from local files): their policy goes
in :data:`CSP_BY_PREFIX`, ``None`` meaning "no policy from the perimeter".
"""

from __future__ import annotations

import base64
import hashlib
import re
from functools import cache

DASHBOARD_CSP = "default-src 'self'; script-src 'self'; style-src 'self'; frame-ancestors 'none'"
API_CSP = "default-src 'none'; frame-ancestors 'none'"

# path prefix → policy; the longest matching prefix wins ("/" matches only "/" itself, see csp_for).
CSP_BY_PREFIX: dict[str, str | None] = {
    "/": DASHBOARD_CSP,
    "/static/": DASHBOARD_CSP,
    "/docs": None,  # issue 17: Swagger UI from local files sets its own
    "/redoc": None,
    "/openapi.json": API_CSP,
}

COMMON = (
    (b"x-content-type-options", b"nosniff"),
    (b"referrer-policy", b"no-referrer"),
    (b"x-frame-options", b"DENY"),
)


def csp_for(path: str) -> str | None:
    if path == "/":
        return dashboard_policy()
    best = max((p for p in CSP_BY_PREFIX if p != "/" and path.startswith(p)), key=len, default=None)
    if best is None:
        return API_CSP
    return dashboard_policy() if CSP_BY_PREFIX[best] == DASHBOARD_CSP else CSP_BY_PREFIX[best]


_INLINE = re.compile(r"<(script|style)(?![^>]*\bsrc=)[^>]*>(.*?)</\1>", re.DOTALL | re.IGNORECASE)


@cache
def dashboard_policy() -> str:
    """DASHBOARD_CSP, plus the hash of each inline block the shipped dashboard still has, if any.

    Transitional: a page with no inline blocks (the goal, issue 17) gets DASHBOARD_CSP exactly. A hash
    admits only that exact block, never an injected one, so the policy still forbids inline code.
    """
    from ..pages import dashboard_html

    hashes: dict[str, list[str]] = {"script": [], "style": []}
    for tag, body in _INLINE.findall(dashboard_html()):
        digest = base64.b64encode(hashlib.sha256(body.encode("utf-8")).digest()).decode()
        hashes[tag.lower()].append(f"'sha256-{digest}'")
    policy = DASHBOARD_CSP
    for tag, found in hashes.items():
        if found:
            policy = policy.replace(f"{tag}-src 'self'", f"{tag}-src 'self' {' '.join(found)}")
    return policy


@cache
def _encoded(policy: str | None) -> tuple[tuple[bytes, bytes], ...]:
    extra = ((b"content-security-policy", policy.encode()),) if policy else ()
    return COMMON + extra


def security_headers(path: str) -> tuple[tuple[bytes, bytes], ...]:
    """The raw ASGI headers to add to a response for ``path``."""
    return _encoded(csp_for(path))
