"""What vouches for the chain from outside the database, checked through real `adloom` processes:
anchors keyed by the store's identity (never another store's), required once written, signed with a key
outside the store, an external witness (file or URL), and the append-only triggers."""

from __future__ import annotations

import json
import os
import shutil
import subprocess
import sys
import threading
from collections.abc import Iterator
from http.server import BaseHTTPRequestHandler, HTTPServer
from pathlib import Path

import pytest
from sqlalchemy import text
from sqlalchemy.orm import Session, sessionmaker

from adloom.audit import AuditLog
from adloom.audit.chain import event_hash, now_ts, payload_hash
from adloom.audit.checkpoint import Checkpoint
from tests.conftest import EXAMPLE_BRAND

from .conftest import filler, tamper

ADLOOM = Path(sys.executable).parent / "adloom"


def adloom(*args: str, cwd: Path, **env: str) -> subprocess.CompletedProcess[str]:
    clean = {k: v for k, v in os.environ.items() if not k.startswith("ADLOOM_")}
    result = subprocess.run([str(ADLOOM), *args], cwd=cwd, env={**clean, **env}, capture_output=True, text=True,
                            timeout=300)
    assert "Traceback" not in result.stderr, result.stderr
    return result


@pytest.fixture
def project(tmp_path: Path, db_url: str, store: sessionmaker[Session]) -> Path:
    """A project folder whose store (SQLite or PostgreSQL) holds 5 events."""
    filler(AuditLog(store), 5)
    folder = tmp_path / "project"
    folder.mkdir()
    return folder


def _verify(project: Path, db_url: str, *args: str, **env: str) -> subprocess.CompletedProcess[str]:
    return adloom("audit", "verify", "--project", str(project), *args, cwd=project, ADLOOM_DATABASE_URL=db_url,
                  **env)


def _append_forged(store: sessionmaker[Session]) -> None:
    """What the owner of the database can do: append an event whose hashes are all valid."""
    with store() as session, session.begin():
        seq, prev = session.execute(text("SELECT seq, hash FROM audit_events ORDER BY seq DESC LIMIT 1")).one()
        ts, payload = now_ts(), {"decision": "approve"}
        digest = payload_hash(payload)
        session.execute(text("INSERT INTO audit_events (seq, ts, kind, subject, actor, payload, payload_hash, "
                             "prev_hash, hash) VALUES (:s, :ts, 'review.decided', 'c1', 'mallory', :p, :ph, "
                             ":prev, :h)"),
                        {"s": seq + 1, "ts": ts, "p": json.dumps(payload), "ph": digest, "prev": prev,
                         "h": event_hash(seq + 1, ts, "review.decided", "c1", "mallory", digest, prev)})


def test_the_demo_anchor_in_the_working_folder_never_judges_another_store(tmp_path: Path, db_url: str,
                                                                          project: Path) -> None:
    """`make demo` then `make test`: the demo's anchor sits in ./.adloom; verifying another store from that
    folder must not read it (it reported `truncated` before)."""
    demo = tmp_path / "demo"
    shutil.copytree(EXAMPLE_BRAND, demo / "restwave")
    ran = adloom("run", "restwave", "--no-render", "--angles", "1", cwd=demo)
    assert ran.returncode == 0, ran.stderr
    assert adloom("audit", "verify", cwd=demo).returncode == 0
    (demo / ".adloom" / "audit.anchor.json").write_text(json.dumps(   # as the previous version left it
        {"events": 999, "last_seq": 999, "head_hash": "f" * 64, "written_at": now_ts()}))
    other = adloom("audit", "verify", cwd=demo, ADLOOM_DATABASE_URL=db_url)     # another store, same folder
    assert other.returncode == 0, other.stderr
    assert "audit chain OK: 5 events" in other.stdout and "no anchor for this store yet" in other.stdout
    demo_again = adloom("audit", "verify", cwd=demo)
    assert demo_again.returncode == 0 and "checked against anchor .adloom/anchors/" in demo_again.stdout


def test_the_anchor_is_keyed_by_store_and_required_once_written(project: Path, db_url: str,
                                                                store: sessionmaker[Session]) -> None:
    assert _verify(project, db_url, "--update-anchor").returncode == 0
    anchors = list((project / ".adloom" / "anchors").glob("*.json"))
    store_id = anchors[0].stem
    assert len(anchors) == 1 and json.loads(anchors[0].read_text())["store_id"] == store_id
    ok = _verify(project, db_url)
    assert ok.returncode == 0 and f"[store {store_id}]" in ok.stdout and str(anchors[0]) in ok.stdout
    tamper(store, "DELETE FROM audit_events WHERE seq = 5")
    cut = _verify(project, db_url)
    assert cut.returncode == 1 and "truncated" in cut.stderr
    anchors[0].unlink()                        # deleting the anchor no longer switches the check off
    gone = _verify(project, db_url)
    assert gone.returncode == 1 and "unanchored" in gone.stderr and "seq 5" in gone.stderr


def test_signed_checkpoints_and_a_file_witness(tmp_path_factory: pytest.TempPathFactory, project: Path,
                                               db_url: str, store: sessionmaker[Session]) -> None:
    outside = tmp_path_factory.mktemp("operator")       # neither beside the SQLite file nor in the project
    key, witness = outside / "keys" / "audit.pem", outside / "witness" / "heads.jsonl"
    made = adloom("audit", "keygen", str(key), cwd=project)
    assert made.returncode == 0 and oct(key.stat().st_mode & 0o777) == "0o600"
    assert adloom("audit", "keygen", str(key), cwd=project).returncode == 2      # never overwrites a key
    env = {"ADLOOM_AUDIT_KEY": str(key), "ADLOOM_AUDIT_WITNESS": str(witness)}
    assert _verify(project, db_url, "--update-anchor", **env).returncode == 0
    ok = _verify(project, db_url, **env)
    assert ok.returncode == 0 and "signed" in ok.stdout, ok.stderr
    line = Checkpoint.model_validate_json(witness.read_text().splitlines()[-1])
    assert line.signature and line.last_seq == 5

    anchor = next((project / ".adloom" / "anchors").glob("*.json"))
    honest = anchor.read_text()
    edited = json.loads(honest) | {"last_seq": 3, "events": 3}        # hide a cut tail by editing the anchor
    anchor.write_text(json.dumps(edited))
    forged = _verify(project, db_url, **env)
    assert forged.returncode == 1 and "forged" in forged.stderr and "does not match" in forged.stderr
    anchor.write_text(honest)

    _append_forged(store)          # valid hashes: the chain alone cannot tell
    strict = _verify(project, db_url, "--strict", **env)
    assert strict.returncode == 1 and "1 event(s) after the last checkpoint" in strict.stderr
    assert "1 event(s) since" in _verify(project, db_url, **env).stdout

    # the owner of the database and the project folder rebuilds the chain and writes a new, unsigned anchor
    tamper(store, "DELETE FROM audit_events", "DELETE FROM store_meta WHERE key = 'anchor_seq'")
    filler(AuditLog(store), 2)
    anchor.unlink()
    assert _verify(project, db_url, "--update-anchor").returncode == 0        # no key: cannot sign
    rebuilt = _verify(project, db_url, **env)
    assert rebuilt.returncode == 1 and "forged" in rebuilt.stderr and "not signed" in rebuilt.stderr
    # ... and with the anchor file gone as well, the witness still remembers the head it signed
    anchor.unlink()
    tamper(store, "DELETE FROM store_meta WHERE key = 'anchor_seq'")
    witnessed = _verify(project, db_url, **env)
    assert witnessed.returncode == 1 and "truncated" in witnessed.stderr and "witness" in witnessed.stderr


def test_the_key_must_live_outside_the_store(tmp_path: Path) -> None:
    project = tmp_path / "p"
    key = project / ".adloom" / "audit.pem"       # beside the project's SQLite store
    assert adloom("audit", "keygen", str(key), cwd=tmp_path).returncode == 0
    assert adloom("run", str(EXAMPLE_BRAND), "--no-render", "--angles", "1", "--project", str(project),
                  "--out", str(tmp_path / "out"), cwd=tmp_path).returncode == 0
    refused = adloom("audit", "verify", "--project", str(project), cwd=project, ADLOOM_AUDIT_KEY=str(key))
    assert refused.returncode == 2 and "inside the store folder" in refused.stderr


class _Witness(BaseHTTPRequestHandler):
    received: list[bytes] = []

    def do_POST(self) -> None:
        self.received.append(self.rfile.read(int(self.headers["content-length"])))
        self.send_response(204)
        self.end_headers()

    def log_message(self, *args: object) -> None:
        pass


@pytest.fixture
def witness_url() -> Iterator[str]:
    server = HTTPServer(("127.0.0.1", 0), _Witness)
    threading.Thread(target=server.serve_forever, daemon=True).start()
    yield f"http://127.0.0.1:{server.server_address[1]}/heads"
    server.shutdown()


def test_a_url_witness_receives_each_signed_head(tmp_path_factory: pytest.TempPathFactory, project: Path,
                                                 db_url: str, witness_url: str) -> None:
    key = tmp_path_factory.mktemp("operator") / "audit.pem"
    assert adloom("audit", "keygen", str(key), cwd=project).returncode == 0
    _Witness.received.clear()
    env = {"ADLOOM_AUDIT_KEY": str(key), "ADLOOM_AUDIT_WITNESS": witness_url}
    assert _verify(project, db_url, "--update-anchor", **env).returncode == 0
    posted = Checkpoint.model_validate_json(_Witness.received[-1])
    assert posted.last_seq == 5 and posted.signature
    down = _verify(project, db_url, "--update-anchor", ADLOOM_AUDIT_WITNESS="http://127.0.0.1:9/heads")
    assert down.returncode == 2 and "did not take the checkpoint" in down.stderr


def test_dropped_triggers_are_reported(project: Path, db_url: str, store: sessionmaker[Session]) -> None:
    with store() as session, session.begin():
        if session.connection().dialect.name == "postgresql":
            session.execute(text("ALTER TABLE audit_events DISABLE TRIGGER audit_events_append_only"))
        else:
            session.execute(text("DROP TRIGGER audit_events_no_delete"))
    report = _verify(project, db_url)
    assert report.returncode == 1 and "unguarded" in report.stderr
