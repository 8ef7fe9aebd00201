from __future__ import annotations

from collections.abc import Iterator

import pytest

from tests.ingest.http_server import ScriptedServer, running_server


@pytest.fixture
def http_server() -> Iterator[ScriptedServer]:
    with running_server() as server:
        yield server
