"""Re-governing edited copy with the same Governor a run uses, built once per brand version and campaign.

regorus may only be called on the thread that created its engine, and a web server answers on many
threads, so every Governor here is built and called on one dedicated thread.
"""

from __future__ import annotations

from collections.abc import Callable
from concurrent.futures import ThreadPoolExecutor
from importlib import resources
from pathlib import Path
from typing import TypeVar

from adloom.governance.embeddings import default_embedder
from adloom.governance.governor import Governor
from adloom.governance.rego import Bundle, load_bundle
from adloom.types import BrandObject, Campaign, Concept, Verdict, content_hash

__all__ = ["Governors"]

T = TypeVar("T")


def _fresh_bundle() -> Bundle:
    return load_bundle(Path(str(resources.files("adloom.data") / "policies")))


class Governors:
    def __init__(self, project_dir: Path | None = None, cache_dir: Path | None = None) -> None:
        self.project_dir = project_dir
        self.cache_dir = cache_dir
        self._pool = ThreadPoolExecutor(max_workers=1, thread_name_prefix="adloom-governor")
        self._built: dict[str, Governor] = {}
        self._closed = False

    def _call(self, fn: Callable[[], T]) -> T:
        return self._pool.submit(fn).result()

    def _governor(self, brand: BrandObject, campaign: Campaign) -> Governor:
        key = content_hash({"brand": brand.version(), "campaign": campaign.model_dump(mode="json")})
        if key not in self._built:
            # a bundle of our own: the process-wide default may have been made on another thread
            self._built[key] = Governor.build(brand, campaign, project_dir=self.project_dir, bundle=_fresh_bundle(),
                                              embedder=default_embedder(self.cache_dir))
        return self._built[key]

    def verdict(self, concept: Concept, brand: BrandObject, campaign: Campaign) -> Verdict:
        """The verdict at the concept's own attempt with no retries left: blocking findings reject, since a
        person's edit is not sent back to the writer."""
        return self._call(lambda: self._governor(brand, campaign).verdict(concept, max_attempts=concept.attempt))

    def forget(self) -> None:
        """Drop built governors (after a pack changes) so the next verdict reads the packs again."""
        self._call(self._built.clear)

    def close(self) -> None:
        """Drop the governors on their own thread (a regorus engine may not even be freed elsewhere)."""
        if not self._closed:
            self._closed = True
            self.forget()
            self._pool.shutdown(wait=True)
