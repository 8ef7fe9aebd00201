"""Stage: approved concepts + brand kit -> asset files under ``<out_dir>/assets/``.

The files are the ones the exports name, so the plan follows the bulk rows. Meta and TikTok have one row per
hook: Meta's placements get one static image per hook (that hook's copy on it) and TikTok one 9:16 animatic
per hook (the 15 s script opened by that hook). Other placements get one image per concept (the first
hook's copy), the 1:1 feed animatic one per angle (its first approved concept), and each concept a creator
brief as PDF and Markdown. Every asset records its placement and hook, which is what the exports match on.
A failed generation is a ``RenderFailure`` in the outcome, never an exception out of the stage; the rest of
the run completes.

Optional images from the brand folder, by convention: ``assets/background.(png|jpg)`` or
``assets/product.(png|jpg)`` is laid under the text. With a ``background`` generator (an image service),
a picture is generated per concept and size instead, and our renderer lays the text over it.
"""

from __future__ import annotations

import asyncio
import json
import re
from collections.abc import Callable, Collection, Mapping
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from adloom.errors import RenderError
from adloom.exports.atomic import write_text_atomic
from adloom.naming import ad_name
from adloom.pipeline.render_journal import MANIFEST, RenderJournal, concept_digest, job_key
from adloom.platforms import PLACEMENTS, Placement, Platform
from adloom.render.base import AdText, AssetKind, Generator, RenderRequest, RenderResult
from adloom.render.layouts import TEMPLATES
from adloom.render.registry import get_generator
from adloom.types import Asset, BrandObject, Concept, Finding, GoogleRSACopy, Hook, MetaCopy, Script, TikTokCopy

Progress = Callable[[int, int, str], None]          # (done, total, label of the item just finished)
# Animatics under the placement ids the exports look for: TikTok in-feed, Meta feed square.
VIDEO_PLACEMENTS: tuple[Placement, ...] = (PLACEMENTS["tiktok_infeed"], PLACEMENTS["meta_feed_square"])
# (kind, platform) that get one file per hook: the platform's bulk file has a row per hook naming it.
PER_HOOK: frozenset[tuple[str, str]] = frozenset({("image", "meta"), ("video", "tiktok")})
DEFAULT_GENERATORS: dict[str, str] = {"image": "static", "video": "animatic", "brief_pdf": "brief:pdf",
                                      "brief_md": "brief:md"}
IMAGE_NAMES = ("background", "product")


@dataclass(frozen=True)
class RenderFailure:
    concept_id: str
    placement: str | None
    kind: str
    message: str
    error: str = "RenderError"
    retryable: bool = False

    def __str__(self) -> str:
        where = f"{self.concept_id[:8]} {self.kind}" + (f" {self.placement}" if self.placement else "")
        return f"{where}: {self.message}"


@dataclass
class RenderOutcome:
    assets: list[Asset] = field(default_factory=list)
    errors: list[RenderFailure] = field(default_factory=list)
    findings: dict[str, list[Finding]] = field(default_factory=dict)    # asset id -> findings
    changed: list[str] = field(default_factory=list)    # earlier files changed on disk, so rendered again
    keys: dict[str, str] = field(default_factory=dict)  # asset id -> what it was made from (the manifest's)

    def by_concept(self) -> dict[str, list[Asset]]:
        out: dict[str, list[Asset]] = {}
        for asset in self.assets:
            out.setdefault(asset.concept_id, []).append(asset)
        return out

    def messages(self) -> list[str]:
        """One line per failure and per finding a person should act on."""
        lines = [str(e) for e in self.errors]
        lines += [f"{path}: changed or truncated on disk since it was rendered (SHA-256 differs); rendered again"
                  for path in self.changed]
        lines += [f"{aid}: {f.message}" for aid, fs in self.findings.items() for f in fs
                  if f.severity != "warn"]
        # a silent animatic is only a warning on the asset, but a run that hands over silent videos says so once
        silent = [f for fs in self.findings.values() for f in fs if f.rule_id == "render.voice_over_missing"]
        if silent:
            hint = f" ({silent[0].fix_hint})" if silent[0].fix_hint else ""
            lines.append(f"voice-over missing in {len(silent)} animatic(s): {silent[0].message}{hint}")
        return lines


@dataclass(frozen=True)
class _Job:
    concept: Concept
    kind: AssetKind
    slot: str                                    # placement id, or "brief_pdf" / "brief_md"
    request: RenderRequest
    generator: Generator
    hook_id: str | None = None


def humanize_cta(value: str) -> str:
    """'SHOP_NOW' -> 'Shop now'; free text passes through."""
    if re.fullmatch(r"[A-Z_]+", value):
        return value.replace("_", " ").capitalize()
    return value


def _first_sentence(text: str, limit: int = 110) -> str:
    match = re.match(r"(.+?[.!?])(\s|$)", text.strip())
    sentence = match[1] if match else text.strip()
    return sentence if len(sentence) <= limit else text.strip()


def ad_text(concept: Concept, platform: Platform, brand: BrandObject,
            hook_id: str | None = None) -> tuple[AdText, str] | None:
    """Words for a static ad on ``platform`` from one hook's copy (default: the first hook), and that
    hook's id."""
    draft = concept.draft
    if draft is None or not draft.hooks:
        return None
    hook = next((h for h in draft.hooks if h.id == hook_id), draft.hooks[0])
    copies = concept.copy_for(platform)
    fallback_cta = brand.cta_vocabulary[0] if brand.cta_vocabulary else "Learn more"
    if platform == "meta":
        metas = [c for c in copies if isinstance(c, MetaCopy)]
        meta = next((c for c in metas if c.hook_id == hook.id), metas[0] if metas else None)
        if meta is None:
            return None
        body = _first_sentence(meta.primary_text)
        if body.rstrip(".!? ").lower() == meta.headline.rstrip(".!? ").lower():
            body = meta.description
        return AdText(headline=meta.headline, body=body, cta=humanize_cta(meta.cta)), meta.hook_id
    if platform == "tiktok":
        toks = [c for c in copies if isinstance(c, TikTokCopy)]
        tok = next((c for c in toks if c.hook_id == hook.id), toks[0] if toks else None)
        if tok is None:
            return None
        body = tok.ad_text
        if body.lower().startswith(hook.text.lower()):
            body = body[len(hook.text):].strip(" .,!?-")
        return AdText(headline=hook.text, body=body, cta=humanize_cta(tok.cta)), tok.hook_id
    rsas = [c for c in copies if isinstance(c, GoogleRSACopy)]
    if not rsas or not rsas[0].headlines:
        return None
    rsa = rsas[0]
    body = rsa.descriptions[0] if rsa.descriptions else ""
    return AdText(headline=rsa.headlines[0], body=body, cta=humanize_cta(fallback_cta)), hook.id


def _resolve(spec: Generator | str | None) -> Generator | None:
    if spec is None or isinstance(spec, Generator):
        return spec
    return get_generator(spec)


def _brand_image(brand_dir: Path) -> Path | None:
    for name in IMAGE_NAMES:
        for ext in (".png", ".jpg", ".jpeg", ".webp"):
            path = brand_dir / "assets" / f"{name}{ext}"
            if path.is_file():
                return path
    return None


def _asset(result: RenderResult, job: _Job, out_dir: Path) -> Asset:
    try:
        rel = result.path.relative_to(out_dir).as_posix()
    except ValueError:
        rel = str(result.path)
    template = result.parameters.get("template")
    return Asset(id=result.path.stem, concept_id=job.concept.id, kind=job.kind,
                 placement=None if job.kind == "brief" else job.slot, hook_id=job.hook_id, path=rel,
                 media_type=result.media_type,
                 width=result.width, height=result.height, duration=result.duration, sha256=result.sha256,
                 generator=f"{result.generator}:{template}" if template else result.generator)


def copy_hooks(concept: Concept, platform: Platform) -> list[str]:
    """The hooks ``platform`` has copy for, in order: its bulk file has one row for each."""
    ids = [getattr(c, "hook_id", None) for c in concept.copy_for(platform)]
    return list(dict.fromkeys(i for i in ids if i))


def hook_script(script: Script, hook: Hook) -> Script:
    """The script opened by ``hook``: its hook beat shows that hook's visual, line and caption; the body is
    the same. A hook test in video is exactly this: one body, several openings."""
    beats = [b.model_copy(update={"visual": hook.first_visual, "voiceover": hook.text,
                                  "on_screen_text": hook.on_screen_caption}) if b.kind == "hook" else b
             for b in script.beats]
    return script.model_copy(update={"hook_id": hook.id, "beats": beats})


def _video_jobs(approved: list[Concept], brand: BrandObject, assets_dir: Path, video: Generator,
                video_placements: tuple[Placement, ...],
                base: dict[str, Any]) -> tuple[list[_Job], list[RenderFailure]]:
    """Per hook on a per-hook platform (TikTok); otherwise once per angle, from its first approved concept."""
    per_hook = [pl for pl in video_placements if ("video", pl.platform) in PER_HOOK]
    per_angle = [pl for pl in video_placements if ("video", pl.platform) not in PER_HOOK]
    jobs: list[_Job] = []
    failures: list[RenderFailure] = []
    angles_done: set[str] = set()
    for concept in approved:
        first_of_angle = concept.angle.id not in angles_done
        angles_done.add(concept.angle.id)
        if concept.draft is None or not (per_hook or (per_angle and first_of_angle)):
            continue
        script = next((s for s in concept.draft.scripts if s.duration == 15), None)
        if script is None:
            failures.append(RenderFailure(concept.id, None, "video", "no 15 s script to animate",
                                          "UnsupportedRequest"))
            continue
        openings = [(pl, script) for pl in per_angle if first_of_angle]
        hooks = {h.id: h for h in concept.draft.hooks}
        openings += [(pl, hook_script(script, hooks[h])) for pl in per_hook for h in copy_hooks(concept, pl.platform)
                     if h in hooks]
        for pl, opened in openings:
            words = next((t for p in (pl.platform, "meta", "tiktok", "google")
                          if (t := ad_text(concept, p, brand, opened.hook_id))), None)
            text = words[0] if words else AdText(headline=brand.tagline or brand.name)
            stem = ad_name(brand.slug, concept.angle.id, concept.segment_id, opened.hook_id, concept.id)
            jobs.append(_Job(concept, "video", pl.id, RenderRequest(
                concept=concept, placement=pl, kind="video", script=opened, text=text,
                out_stem=assets_dir / f"{stem}_animatic_{pl.ratio.replace(':', 'x')}", **base), video,
                opened.hook_id))
    return jobs, failures


def _plan(approved: list[Concept], brand: BrandObject, assets_dir: Path, brand_dir: Path,
          placements: list[str], gens: dict[str, Generator | None],
          video_placements: tuple[Placement, ...]) -> tuple[list[_Job], list[RenderFailure]]:
    """Every file to make, videos first (they are the long poles)."""
    jobs: list[_Job] = []
    failures: list[RenderFailure] = []
    kit, photo = brand.brand_kit, _brand_image(brand_dir)
    base = {"brand_kit": kit, "brand_name": brand.name, "asset_dir": brand_dir}
    templates = list(TEMPLATES)
    video = gens.get("video")
    if video is not None:
        jobs, failures = _video_jobs(approved, brand, assets_dir, video, video_placements, base)
    image = gens.get("image")
    for index, concept in enumerate(approved):
        if concept.draft is None or not concept.draft.hooks:
            continue
        for pid in placements:
            pl = PLACEMENTS[pid]
            hook_ids = (copy_hooks(concept, pl.platform) if ("image", pl.platform) in PER_HOOK
                        else [concept.draft.hooks[0].id])
            for hook_id in hook_ids:
                words = ad_text(concept, pl.platform, brand, hook_id)
                if words is None or image is None:
                    continue
                text, copy_hook = words
                stem = ad_name(brand.slug, concept.angle.id, concept.segment_id, copy_hook, concept.id, pl.platform)
                hook = next(h for h in concept.draft.hooks if h.id == copy_hook)
                jobs.append(_Job(concept, "image", pid, RenderRequest(
                    concept=concept, placement=pl, text=text, template=templates[index % len(templates)],
                    background_path=photo, prompt=hook.first_visual,
                    out_stem=assets_dir / f"{stem}_{pid.removeprefix(pl.platform + '_')}", **base), image,
                    copy_hook))
        first_hook = concept.draft.hooks[0].id
        stem = ad_name(brand.slug, concept.angle.id, concept.segment_id, first_hook, concept.id)
        for slot in ("brief_pdf", "brief_md"):
            gen = gens.get(slot)
            if gen is not None:
                jobs.append(_Job(concept, "brief", slot, RenderRequest(
                    concept=concept, placement=PLACEMENTS["meta_feed_square"], kind="brief",
                    text=AdText(headline=""), out_stem=assets_dir / f"{stem}_brief", **base), gen))
    return jobs, failures


async def _with_background(job: _Job, background: Generator, sources: Path,
                           cache: dict[tuple[str, str], asyncio.Task[RenderResult]]) -> _Job:
    """Generate (once per concept and ratio) a picture to lay the text over."""
    key = (job.concept.id, job.request.placement.ratio)
    if key not in cache:
        req = job.request.model_copy(update={
            "out_stem": sources / f"{job.request.out_stem.name}_bg", "template": None})
        cache[key] = asyncio.ensure_future(background.generate(req))
    result = await cache[key]
    return _Job(job.concept, job.kind, job.slot,
                job.request.model_copy(update={"background_path": result.path}), job.generator, job.hook_id)


async def assets(concepts: list[Concept], brand: BrandObject, out_dir: Path, *, placements: list[str],
                 generators: Mapping[str, Generator | str | None] | None = None, brand_dir: Path,
                 progress: Progress | None = None, concurrency: int = 2, timeout: float = 300.0,
                 video_placements: tuple[Placement, ...] = VIDEO_PLACEMENTS,
                 only: Collection[str] | None = None) -> RenderOutcome:
    """Render every asset of the approved concepts into ``out_dir / "assets"`` (``out_dir`` is the run
    folder; asset paths are stored relative to it). ``generators`` maps ``image``, ``video``,
    ``brief_pdf``, ``brief_md`` and optionally ``background`` to a generator or its selection string;
    a key set to None skips that kind.

    ``only``: render just these concepts' files, planned among all of ``concepts`` (which concept opens an
    angle's animatic, which template an image gets), as one of several workers does; their journal and
    manifest are kept apart (``assets/_units/``) and the caller merges the outcomes (``write_manifest``)."""
    outcome = RenderOutcome()
    for pid in (p for p in placements if p not in PLACEMENTS):
        outcome.errors.append(RenderFailure("-", pid, "image", f"unknown placement '{pid}' "
                                            f"(known: {', '.join(PLACEMENTS)})", "ConfigError"))
    gens = _generators({**DEFAULT_GENERATORS, **(generators or {})}, outcome)
    approved = [c for c in concepts if c.status == "approved" and c.draft is not None]
    assets_dir = out_dir / "assets"
    assets_dir.mkdir(parents=True, exist_ok=True)
    known = [p for p in placements if p in PLACEMENTS]
    platforms = {PLACEMENTS[p].platform for p in known}     # animatics only for the platforms asked for
    jobs, planned_failures = _plan(approved, brand, assets_dir, brand_dir, known, gens,
                                   tuple(pl for pl in video_placements if pl.platform in platforms))
    journal_dir = assets_dir
    if only is not None:
        jobs = [j for j in jobs if j.concept.id in only]
        planned_failures = [f for f in planned_failures if f.concept_id in only]
        journal_dir = assets_dir / "_units" / "-".join(sorted(only))[:64]
        journal_dir.mkdir(parents=True, exist_ok=True)
    outcome.errors += planned_failures
    batch = _Batch(outcome, out_dir, RenderJournal(journal_dir), {c.id: concept_digest(c) for c in approved},
                   gens.get("background"), asyncio.Semaphore(max(1, concurrency)), timeout, progress, len(jobs))
    try:
        await asyncio.gather(*(batch.render(job) for job in jobs))
    finally:
        batch.journal.close(completed=False)
    outcome.assets.sort(key=lambda a: a.path)
    outcome.changed = sorted(set(batch.journal.changed))
    outcome.keys = dict(batch.keys)
    write_manifest(journal_dir / MANIFEST, outcome, batch.keys)
    batch.journal.close(completed=True)
    return outcome


def _generators(specs: Mapping[str, Generator | str | None], outcome: RenderOutcome) -> dict[str, Generator | None]:
    gens: dict[str, Generator | None] = {}
    for key, spec in specs.items():
        try:
            gens[key] = _resolve(spec)
        except Exception as exc:   # a bad selection string costs that kind, not the run
            gens[key] = None
            outcome.errors.append(RenderFailure("-", None, key, str(exc), type(exc).__name__))
    return gens


@dataclass
class _Batch:
    """One render stage's jobs: images ``cpu``-bounded, one video at a time, each file journalled so an
    interrupted attempt's finished files are reused."""

    outcome: RenderOutcome
    out_dir: Path
    journal: RenderJournal
    digests: dict[str, str]
    background: Generator | None
    cpu: asyncio.Semaphore
    timeout: float
    progress: Progress | None
    total: int
    done: int = 0
    video_slot: asyncio.Semaphore = field(default_factory=lambda: asyncio.Semaphore(1))
    bg_cache: dict[tuple[str, str], asyncio.Task[RenderResult]] = field(default_factory=dict)
    keys: dict[str, str] = field(default_factory=dict)      # asset id -> its job key, kept in the manifest

    async def render(self, job: _Job) -> None:
        key = job_key(f"{type(job.generator).__name__}:{job.generator.id}", job.kind, job.slot, job.hook_id,
                      job.request.model_dump_json(exclude={"concept"}), self.digests[job.concept.id])
        finished = self.journal.reusable(key, self.out_dir)
        if finished is not None:
            self._add(finished[0], finished[1], key)
        else:
            async with self.video_slot if job.kind == "video" else self.cpu:
                await self._generate(job, key)
        self.done += 1
        if self.progress is not None:
            self.progress(self.done, self.total, job.request.out_stem.name)

    async def _generate(self, job: _Job, key: str) -> None:
        try:
            if self.background is not None and job.kind == "image":
                try:
                    job = await asyncio.wait_for(_with_background(
                        job, self.background, self.out_dir / "assets" / "_sources", self.bg_cache), self.timeout)
                except (RenderError, TimeoutError) as exc:
                    self.outcome.errors.append(_failure(job, exc, prefix="background: "))
            result = await asyncio.wait_for(job.generator.generate(job.request), self.timeout)
        except Exception as exc:  # typed RenderError, timeout, or a bug: recorded, the run goes on
            self.outcome.errors.append(_failure(job, exc))
            return
        asset = _asset(result, job, self.out_dir)
        self.journal.record(key, asset, result.findings)
        self._add(asset, result.findings, key)

    def _add(self, asset: Asset, findings: list[Finding], key: str) -> None:
        self.outcome.assets.append(asset)
        self.keys[asset.id] = key
        if findings:
            self.outcome.findings[asset.id] = findings


def _failure(job: _Job, exc: BaseException, prefix: str = "") -> RenderFailure:
    if isinstance(exc, TimeoutError):
        return RenderFailure(job.concept.id, job.slot, job.kind, f"{prefix}timed out", "GeneratorTimeout",
                             True)
    retryable = bool(getattr(exc, "retryable", False))
    message = str(exc) if isinstance(exc, RenderError) else f"{type(exc).__name__}: {exc}"
    return RenderFailure(job.concept.id, job.slot, job.kind, prefix + message, type(exc).__name__, retryable)


def write_manifest(path: Path, outcome: RenderOutcome, keys: Mapping[str, str]) -> None:
    """Every file with its hash, plus failures and findings, next to the files themselves; ``keys`` (what
    each file was made from) let a rerun into this folder reuse them."""
    data = {
        "keys": dict(keys),
        "assets": [a.model_dump(mode="json") for a in outcome.assets],
        "errors": [e.__dict__ for e in outcome.errors],
        "findings": {k: [f.model_dump(mode="json") for f in v] for k, v in outcome.findings.items()},
    }
    write_text_atomic(path, json.dumps(data, indent=2, ensure_ascii=False))
