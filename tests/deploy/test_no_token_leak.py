"""A planted Meta token, read from a fake in-memory keyring, appears in no output: stdout, stderr, audit payloads,
stored verdicts, or any file under the project and the run's folder — also when the platform's error body echoes
the request (token and all) back."""

from __future__ import annotations

from pathlib import Path

import keyring
import pytest
from keyring.backend import KeyringBackend
from sqlalchemy import text
from typer.testing import CliRunner

from adloom.cli.main import app
from adloom.store.db import make_engine
from tests.deploy.meta_project import finished_run, project_copy
from tests.deploy.meta_standin import MetaStandIn

PLANTED = "EAAGplantedSECRETtoken9f8e7d6c5b4a"
ACCOUNT = "act_1234567890"


class FakeKeyring(KeyringBackend):
    """In memory, for this test only: never the machine's keyring."""

    priority = 1  # type: ignore[assignment]

    def __init__(self) -> None:
        super().__init__()
        self.store: dict[tuple[str, str], str] = {}

    def get_password(self, service: str, username: str) -> str | None:
        return self.store.get((service, username))

    def set_password(self, service: str, username: str, password: str) -> None:
        self.store[(service, username)] = password

    def delete_password(self, service: str, username: str) -> None:
        self.store.pop((service, username), None)


def test_planted_token_never_leaks(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    project, url = project_copy(tmp_path)
    fake = FakeKeyring()
    fake.set_password("adloom", "meta_access_token", PLANTED)
    previous = keyring.get_keyring()
    keyring.set_keyring(fake)
    outputs: list[str] = []
    try:
        with MetaStandIn(token=PLANTED, account=ACCOUNT) as standin:
            monkeypatch.setenv("ADLOOM_DATABASE_URL", url)
            monkeypatch.setenv("ADLOOM_META_API_BASE", standin.base)
            monkeypatch.delenv("ADLOOM_META_ACCESS_TOKEN", raising=False)
            args = ["deploy", finished_run().run_id, "--platform", "meta", "--account", ACCOUNT,
                    "--project", str(project)]
            # an error body that echoes the token, as a proxy or a debug endpoint might
            standin.script("/campaigns", 400, {"code": 100, "message": f"Invalid parameter access_token={PLANTED}",
                                               "error_user_title": f"Bad request with {PLANTED}"})
            failed = CliRunner().invoke(app, args)
            outputs += [failed.stdout, failed.stderr]
            assert failed.exit_code == 2 and "[secret]" in failed.stderr, failed.stdout + failed.stderr
            done = CliRunner().invoke(app, args)       # the token came from the keyring: the deploy works
            outputs += [done.stdout, done.stderr]
            assert done.exit_code == 0 and standin.objects["ads"], done.stdout + done.stderr
    finally:
        keyring.set_keyring(previous)
    with make_engine(url).connect() as conn:
        outputs += [str(p) for (p,) in conn.execute(text("SELECT payload FROM audit_events"))]
        outputs += [str(p) for (p,) in conn.execute(text("SELECT payload FROM verdicts"))]
    assert all(PLANTED not in out for out in outputs)
    for folder in (project, finished_run().root):
        for path in folder.rglob("*"):
            if path.is_file():
                assert PLANTED.encode() not in path.read_bytes(), path
