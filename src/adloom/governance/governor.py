"""The Governor: every governance layer, built once per run, judging concepts one by one or in batches.

    1 structure + platform limits      deterministic, cheap (v1 checks)
    2 lexical rule packs               compiled multi-pattern matcher (``adloom.governance.packs``), or the
                                       v1 avoid/competitor check when packs are not available
    3 claim substantiation             v1 lexical claims check, then meaning (embedding cosine)
    4 contextual Rego policies         campaign context: age gates, countries, permissions, politics
    5 brand fit                        voice, pillars, avoid distance, style
    6 composite risk -> route          per-campaign thresholds (``Routing``)

``Verdict.checks`` names the version of every layer (pack set hash, bundle hash, model id) so a verdict can
be reproduced; ``Verdict.scores`` carries brand fit and its components, risk, and finding counts.
"""

from __future__ import annotations

import hashlib
from collections import Counter
from collections.abc import Sequence
from dataclasses import dataclass, field
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

from adloom.governance import boilerplate, claims, fit, limits, risk, structure
from adloom.governance.embeddings import Embedder, default_embedder
from adloom.governance.fields import TextField, text_fields
from adloom.governance.gate import CORE_CHECKS, Check, run_checks
from adloom.governance.rego import Bundle, campaign_context, default_bundle, policy_input
from adloom.governance.substantiation import PACK as SUBSTANTIATION_PACK
from adloom.governance.substantiation import Substantiator, claim_spans
from adloom.platforms import Platform
from adloom.types import BrandObject, Campaign, Concept, Finding, Verdict

__all__ = ["Governor", "layer_checks"]


def layer_checks(brand: BrandObject, *, project_dir: Path | None, packs: Any | None) -> tuple[tuple[Check, ...], str]:
    """Deterministic checks: rule packs when part A's package is installed, else the v1 core checks."""
    generic_hooks = Check("boilerplate", boilerplate.VERSION, boilerplate.check)
    try:
        from adloom.governance.packs import lexical_check, load_packs
    except ImportError:
        return (*CORE_CHECKS, generic_hooks), ""
    pack_set = packs if packs is not None else load_packs(project_dir, brand)
    pack_set.matcher        # noqa: B018 - compiled (or loaded) now, not inside the first verdict
    checks = (Check("structure", structure.VERSION, structure.check), Check("limits", limits.VERSION, limits.check),
              Check("claims", claims.VERSION, claims.check, takes_fields=True),
              Check("packs", pack_set.version, lexical_check(pack_set), takes_fields=True), generic_hooks)
    return checks, pack_set.version


@dataclass
class Governor:
    brand: BrandObject
    campaign: Campaign
    checks: tuple[Check, ...]
    bundle: Bundle
    embedder: Embedder
    profile: fit.BrandProfile
    substantiator: Substantiator
    routing: risk.Routing = field(default_factory=risk.Routing)

    @classmethod
    def build(cls, brand: BrandObject, campaign: Campaign, *, project_dir: Path | None = None, packs: Any = None,
              bundle: Bundle | None = None, embedder: Embedder | None = None,
              routing: risk.Routing | None = None) -> Governor:
        """Everything expensive happens here once: packs compiled, bundle loaded, brand references embedded."""
        checks, _ = layer_checks(brand, project_dir=project_dir, packs=packs)
        emb = embedder or default_embedder()
        return cls(brand, campaign, checks, bundle or default_bundle(), emb, fit.BrandProfile(brand, emb),
                   Substantiator(brand, emb), routing or risk.Routing())

    @property
    def versions(self) -> dict[str, str]:
        return {**{c.name: c.version for c in self.checks}, "substantiation": SUBSTANTIATION_PACK,
                "rego": self.bundle.version, "embeddings": self.embedder.model_id, "fit": fit.VERSION,
                "risk": risk.VERSION}

    # ------------------------------------------------------------ judging

    def verdict(self, concept: Concept, *, max_attempts: int = 3) -> Verdict:
        return self.verdicts([concept], max_attempts=max_attempts)[0]

    def verdicts(self, concepts: Sequence[Concept], *, max_attempts: int = 3) -> list[Verdict]:
        """Batched: all texts of all concepts are embedded in one call before any concept is judged."""
        fields, spans, headlines = _texts(concepts)
        self.embedder.embed(_embedding_texts(spans, headlines))
        fits = fit.fit_texts(self.profile, headlines)
        out = []
        for concept, f, s, score in zip(concepts, fields, spans, fits, strict=True):
            findings, _ = run_checks(concept, self.brand, self.campaign, self.checks, fields=f)
            out.append(self._judge(concept.id, concept.attempt, findings, f, s, score, max_attempts,
                                   lambda cats, recs, c=concept, f=f: policy_input(
                                       c, self.brand, self.campaign, categories=cats, claims=recs, fields=f)))
        return out

    def embedding_texts(self, concepts: Sequence[Concept]) -> list[str]:
        """What judging these concepts will embed; a caller may embed them ahead (off the event loop)."""
        _fields, spans, headlines = _texts(concepts)
        return _embedding_texts(spans, headlines)

    def check_text(self, text: str, *, platform: Platform | None = None, max_attempts: int = 1) -> Verdict:
        """A bare text (not a concept): substantiation, policies, fit and the lexical packs if installed."""
        campaign = self.campaign.model_copy(update={"platforms": [platform]}) if platform else self.campaign
        field_ = TextField(f"text.{platform or 'any'}", text, True)
        findings: list[Finding] = []
        for chk in self.checks:
            if chk.name == "packs":
                findings += [f.model_copy(update={"field": field_.path})
                             for f in _scan_text(chk, text, self.brand, campaign)]
        for hit in self.profile.avoid_terms.find(text):
            findings.append(Finding(rule_id="brand.avoid", severity="block", field=field_.path,
                                    span=(hit.start, hit.end), excerpt=hit.text,
                                    message=f"'{hit.text}' is on the brand's avoid list"))
        score = fit.fit_texts(self.profile, [[text]])[0]
        spans = claim_spans([field_])
        cid = "text:" + hashlib.sha256(text.encode()).hexdigest()[:16]

        def doc(cats: list[str], recs: list[dict[str, object]]) -> dict[str, Any]:
            return {"concept": {"id": cid, "angle": "", "segment_id": "", "texts": [{"field": field_.path,
                                                                                   "text": text}]},
                    "campaign": campaign_context(self.brand, campaign), "categories": cats, "claims": recs}

        return self._judge(cid, 1, findings, [field_], spans, score, max_attempts, doc)

    def _judge(self, concept_id: str, attempt: int, findings: list[Finding], fields: list[TextField],
               spans: list[Any], score: fit.FitScore, max_attempts: int, make_input: Any) -> Verdict:
        reported = {(f.field, i) for f in findings if f.span and f.rule_id.startswith("claims.")
                    for i in range(*f.span)}
        claim_findings, records = self.substantiator.check(spans, reported=reported)
        findings = findings + claim_findings
        categories = self.bundle.categories((f.text for f in fields if f.audience),
                                            self.campaign.vertical or self.brand.vertical)
        result = self.bundle.evaluate(make_input(categories, records))
        findings += self.bundle.findings(result)
        findings += self._fit_findings(score)
        denied = bool(result.deny)
        risk_value = risk.risk_score(findings, fit=score.score, fit_threshold=self.brand.fit_threshold,
                                     policy_denied=denied)
        counts = Counter(f.severity for f in findings)
        scores = {**score.as_scores(), "risk": risk_value,
                  **{f"findings.{s}": float(counts[s]) for s in ("block", "review", "warn")},
                  "findings.total": float(len(findings))}
        routed = risk.route(findings, risk=risk_value, policy_denied=denied, attempt=attempt,
                            max_attempts=max_attempts, routing=self.routing)
        return Verdict(concept_id=concept_id, attempt=attempt, route=routed, findings=findings, scores=scores,
                       checks=self.versions, created_at=datetime.now(UTC))

    def _fit_findings(self, score: fit.FitScore) -> list[Finding]:
        threshold = self.brand.fit_threshold
        if score.score >= threshold:
            return []
        weakest = min(("voice", "pillars", "avoid", "style"), key=lambda k: getattr(score, k))
        near = score.score >= threshold - self.routing.fit_margin
        return [Finding(
            rule_id="fit.below_threshold", pack=f"fit@{fit.VERSION}", severity="review" if near else "block",
            field="concept", message=f"brand fit {score.score:.2f} is under the brand's threshold {threshold:.2f}",
            fix_hint=f"Weakest component: {weakest} ({getattr(score, weakest):.2f}). Write in the brand's voice "
                     f"and lean on the pillar '{score.best_pillar}'.")]


def _scan_text(chk: Check, text: str, brand: BrandObject, campaign: Campaign) -> list[Finding]:
    """Run a concept check on one text by wrapping it as the Meta primary text of a minimal concept."""
    from adloom.types import ConceptDraft, MetaCopy, UGCBrief

    draft = ConceptDraft(framework="text", hooks=[], scripts=[],
                         copy_variants=[MetaCopy(hook_id="t", primary_text=text, headline="", description="",
                                                 cta="LEARN_MORE")],
                         brief=UGCBrief(persona="", setting="", shot_list=[], talking_points=[], hook_options=[],
                                        do=[], dont=[], deliverables=[]))
    concept = Concept(id="text", brand_slug=brand.slug, brand_version="", angle={"id": "text", "name": "text"},
                      segment_id="", writer_id="", draft=draft)
    return chk.run(concept, brand, campaign)


def _texts(concepts: Sequence[Concept]) -> tuple[list[list[TextField]], list[list[Any]], list[list[str]]]:
    """Each concept's text fields, claim-like sentences and headline lines: what a verdict reads and embeds."""
    fields = [list(text_fields(c.draft)) if c.draft else [] for c in concepts]
    return fields, [claim_spans(f) for f in fields], [fit.headline_texts(c) for c in concepts]


def _embedding_texts(spans: Sequence[Sequence[Any]], headlines: Sequence[Sequence[str]]) -> list[str]:
    return [*(s.text for ss in spans for s in ss), *(t for h in headlines for t in h)]
