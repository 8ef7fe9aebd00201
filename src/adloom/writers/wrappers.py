"""Cross-cutting behaviour as writers around a writer: retries (``writers.retry``, tenacity) and rate limits
(``writers.ratelimit``, aiolimiter), on the common base ``writers.layer.WriterLayer``.

Caching and call records need the store, so they are the pipeline's layers (``pipeline.calls``), which
compose these with their own; nothing here knows the tables. Every layer keeps the inner writer's ``id``.
"""

from __future__ import annotations

from adloom.writers.layer import WriterLayer
from adloom.writers.ratelimit import RateLimitedWriter
from adloom.writers.retry import RetryingWriter

__all__ = ["RateLimitedWriter", "RetryingWriter", "WriterLayer"]
