"""The one settings class, read only at the edges (CLI, API, worker); library code takes arguments."""

from __future__ import annotations

from pathlib import Path

from pydantic_settings import BaseSettings, SettingsConfigDict


class Settings(BaseSettings):
    model_config = SettingsConfigDict(env_prefix="ADLOOM_", env_file=".env", extra="ignore")

    database_url: str | None = None       # default: SQLite file inside the project folder
    writer: str = "formula"
    out_dir: Path = Path("out")
    concurrency: int = 8
    max_attempts: int = 3
    allow_private_urls: bool = False      # URL fetching refuses private/loopback addresses unless set
    fetch_timeout: float = 10.0
    fetch_max_bytes: int = 5_000_000
    audit_redact: bool = True                  # emails, phones, card numbers out of audit payloads
    audit_retention_days: float | None = None  # drop payload bodies older than this; hashes stay

    def store_url(self, project_dir: Path) -> str:
        if self.database_url:
            return self.database_url
        return f"sqlite:///{(project_dir / '.adloom' / 'adloom.db').resolve()}"
