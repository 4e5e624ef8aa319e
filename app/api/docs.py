"""The docs console (Swagger UI) and ReDoc, served with assets that load nothing from outside.

The assets come from the fastapi-offline package, so both work on a network with no CDN.
ReDoc's bundle still fetches its own logo from a CDN, so it is served with that address
replaced; Swagger UI is told not to ask an online validator about the document.
"""

from pathlib import Path

import fastapi_offline
from fastapi import FastAPI, Request, Response
from fastapi.openapi.docs import get_redoc_html, get_swagger_ui_html
from fastapi.responses import HTMLResponse
from fastapi.staticfiles import StaticFiles

ASSETS = Path(fastapi_offline.__file__).parent / "static"
ASSETS_URL = "/docs-assets"
REDOC_LOGO = "https://cdn.redoc.ly/redoc/logo-mini.svg"
# An image that fails to load: ReDoc then shows no logo at all (its onError hides it).
NO_IMAGE = "data:,"


def _offline_redoc() -> bytes:
    bundle = (ASSETS / "redoc.standalone.js").read_text(encoding="utf-8")
    return bundle.replace(REDOC_LOGO, NO_IMAGE).encode()


def mount_docs(app: FastAPI) -> None:
    redoc_bundle = _offline_redoc()

    # Declared before the mount, so it wins over the packaged file of the same name.
    @app.get(f"{ASSETS_URL}/redoc.standalone.js", include_in_schema=False)
    async def redoc_js() -> Response:
        return Response(redoc_bundle, media_type="text/javascript")

    app.mount(ASSETS_URL, StaticFiles(directory=ASSETS), name="docs-assets")

    @app.get("/docs", include_in_schema=False)
    async def swagger_ui(request: Request) -> HTMLResponse:
        root = request.scope.get("root_path", "")
        return get_swagger_ui_html(
            openapi_url=f"{root}/openapi.json",
            title="Gracious API",
            swagger_js_url=f"{root}{ASSETS_URL}/swagger-ui-bundle.js",
            swagger_css_url=f"{root}{ASSETS_URL}/swagger-ui.css",
            swagger_favicon_url=f"{root}{ASSETS_URL}/favicon.png",
            swagger_ui_parameters={"persistAuthorization": True, "validatorUrl": None},
        )

    @app.get("/redoc", include_in_schema=False)
    async def redoc(request: Request) -> HTMLResponse:
        root = request.scope.get("root_path", "")
        return get_redoc_html(
            openapi_url=f"{root}/openapi.json",
            title="Gracious API",
            redoc_js_url=f"{root}{ASSETS_URL}/redoc.standalone.js",
            redoc_favicon_url=f"{root}{ASSETS_URL}/favicon.png",
            with_google_fonts=False,
        )
