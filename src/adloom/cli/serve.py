"""`adloom serve`: the review desk and REST API on the project's store."""

from __future__ import annotations

from pathlib import Path

import typer

from adloom.cli.common import ProjectOpt, cli_errors, console, store_for
from adloom.settings import Settings


@cli_errors
def serve(
    host: str = typer.Option("127.0.0.1", "--host", help="Address to listen on (anything but loopback needs "
                                                          "ADLOOM_SECRET_KEY and TLS in front)."),
    port: int = typer.Option(8000, "--port", min=1, max=65535),
    project: Path = ProjectOpt,
) -> None:
    """Serve the review desk at http://HOST:PORT/desk and the REST API under /api (OpenAPI: /openapi.json)."""
    import uvicorn

    from adloom.api.config import serve_config
    from adloom.api.main import create_app

    settings = Settings()
    config = serve_config(settings, store_for(project, settings), project, host)
    if not config.secure_cookies:
        console.print("plain-HTTP development on loopback: cookies are not marked Secure", style="dim")
    console.print(f"review desk: http://{host}:{port}/desk", highlight=False)
    uvicorn.run(create_app(config), host=host, port=port, log_level="warning", proxy_headers=False)
