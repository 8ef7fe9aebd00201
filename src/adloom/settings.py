"""The one settings class, read only at the edges (CLI, API, worker); library code takes arguments."""

from __future__ import annotations

from pathlib import Path
from typing import TYPE_CHECKING

from pydantic import SecretStr
from pydantic_settings import BaseSettings, SettingsConfigDict

from adloom.errors import ConfigError

if TYPE_CHECKING:
    from adloom.writers.shared_budget import SharedBudget


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
    # model-backed writers (`--writer openai:MODEL`, `anthropic:MODEL`, `ollama:MODEL` …)
    openai_base_url: str | None = None
    openai_api_key: SecretStr | None = None
    anthropic_base_url: str | None = None
    anthropic_api_key: SecretStr | None = None
    writer_timeout: float = 120.0
    writer_max_reasks: int = 2
    writer_temperature: float = 0.7
    writer_max_tokens: int = 4096
    writer_retries: int = 4
    writer_parallel: int | None = None         # requests a local model server serves at once (default: ask it)
    writer_rpm: float | None = None
    writer_tpm: float | None = None
    redis_url: str | None = None               # with writer_rpm/tpm: one budget shared by every worker (Redis);
    #                                            a redis:// broker_url serves when this is unset
    price_table: Path | None = None
    verify_writer: str | None = None           # a second model that reviews approved concepts
    audit_redact: bool = True                  # emails, phones, card numbers out of audit payloads
    audit_retention_days: float | None = None  # drop payload bodies older than this; hashes stay
    audit_key: Path | None = None              # Ed25519 key (`adloom audit keygen`) signing checkpoints; keep it
    #                                            outside the store, where the database owner cannot read it
    audit_witness: str | None = None           # a file signed checkpoints are appended to, or a URL they are POSTed to
    # `adloom serve`: required (32+ chars) on any host but loopback; signs the sign-in form's CSRF cookie
    secret_key: SecretStr | None = None
    session_hours: float = 12.0                # a desk sign-in lasts this long
    login_attempts: int = 5                    # failed sign-ins per name and per address per 5 minutes
    # feedback loop (`adloom feedback import`, `adloom insights`, the next run's allocation)
    feedback_metric: str = "ctr"               # the rate winners are ranked by: ctr, hook_rate, hold_rate, cvr …
    feedback_min_impressions: int = 1000       # an ad is judged only past both minimums
    feedback_min_spend: float = 5.0
    feedback_exploration: float = 0.2          # share of the concept budget kept for exploration
    feedback_cross_brand: bool = False         # let a brand borrow patterns learned on similar brands
    # scale-out (`adloom worker`, `adloom run --executor celery`): the adloom[scale] extra, a PostgreSQL store
    executor: str = "inprocess"                # inprocess | celery: where `adloom run` and API runs do their units
    broker_url: str = "redis://127.0.0.1:6379/0"
    visibility_timeout: float = 3600.0         # seconds: longer than the longest unit, or a slow unit runs twice
    unit_resend_after: float = 3600.0          # the driver sends a unit again when no worker has started it by then
    output_root: Path | None = None            # run folders every worker writes into (shared); default: out_dir
    worker_threads: int = 1                    # sentence-model threads per worker process
    # deployment (`adloom deploy`, `adloom feedback pull`): each secret here or in the OS keyring (service
    # "adloom", user = the field name); an API root points a publisher at a proxy, a sandbox or a test stand-in
    meta_access_token: SecretStr | None = None
    meta_api_base: str = "https://graph.facebook.com/v26.0"          # Graph API v26.0: current since 2026-07
    tiktok_access_token: SecretStr | None = None
    tiktok_api_base: str = "https://business-api.tiktok.com/open_api/v1.3"
    google_ads_developer_token: SecretStr | None = None
    google_ads_client_id: SecretStr | None = None
    google_ads_client_secret: SecretStr | None = None
    google_ads_refresh_token: SecretStr | None = None
    google_ads_login_customer_id: str | None = None
    google_ads_api_base: str = "https://googleads.googleapis.com/v26"       # latest active in 2026-10
    google_ads_token_url: str = "https://oauth2.googleapis.com/token"       # the OAuth refresh-token exchange

    def shared_budget(self, writer_id: str) -> SharedBudget | None:
        """The model budget every worker shares through Redis, when a Redis URL (``ADLOOM_REDIS_URL``, or a
        ``redis://`` ``ADLOOM_BROKER_URL``) and a limit (``ADLOOM_WRITER_RPM``/``_TPM``) are set; else ``None``
        (the in-process limiter applies). Named after the writer id, so runs of one model share one budget.
        Only a broker URL that was set counts: a default one would send a lone process to wait for a Redis
        that is not there."""
        broker = str(self.broker_url or "") if "broker_url" in self.model_fields_set else ""
        url = self.redis_url or (broker if broker.startswith(("redis://", "rediss://")) else None)
        if not url or not (self.writer_rpm or self.writer_tpm):
            return None
        try:
            from adloom.writers.shared_budget import Budget, SharedBudget
        except ImportError as exc:
            raise ConfigError('a shared model budget needs the redis client: pip install "adloom[scale]"',
                              field="redis_url") from exc
        return SharedBudget.from_url(url, writer_id, Budget(rpm=self.writer_rpm, tpm=self.writer_tpm))

    def writer_options(self, spec: str) -> dict[str, object]:
        """Constructor options for the writer ``spec`` names; the offline writers take none."""
        provider = spec.partition(":")[0].lower()
        if provider in ("formula", "fake"):
            return {}
        common: dict[str, object] = {"timeout": self.writer_timeout, "max_reasks": self.writer_max_reasks,
                                     "temperature": self.writer_temperature, "max_tokens": self.writer_max_tokens}
        if provider == "anthropic":
            url, key = self.anthropic_base_url, self.anthropic_api_key
        else:
            url, key = self.openai_base_url, self.openai_api_key
            if self.writer_parallel:
                common["parallel"] = self.writer_parallel
        if url:
            common["base_url"] = url
        if key:
            common["api_key"] = key.get_secret_value()
        return common

    def store_url(self, project_dir: Path) -> str:
        if self.database_url:
            return self.database_url
        return f"sqlite:///{(project_dir / '.adloom' / 'adloom.db').resolve()}"
