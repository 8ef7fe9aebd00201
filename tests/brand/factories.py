"""Small Document builders, shaped like ingest's output, so brand tests do not depend on file parsing."""

from __future__ import annotations

from typing import Any

from adloom.types import Document, Provenance, content_hash


def doc(kind: str, text: str, *, file: str, section: str | None = None, speaker: str | None = None,
        data: dict[str, Any] | None = None, flags: list[str] | None = None) -> Document:
    return Document.model_validate({
        "id": content_hash([kind, file, section, speaker, text]), "kind": kind, "text": text,
        "provenance": Provenance(file=file, section=section), "speaker": speaker, "data": data,
        "flags": flags or []})


def form(**fields: Any) -> Document:
    fields.setdefault("brand_name", "Restwave")
    return doc("form", str(fields), file="onboarding.yaml", data=fields)


def persona(seg_id: str, label: str, **fields: Any) -> Document:
    data = {"id": seg_id, "label": label, **fields}
    return doc("persona", f"{label} ({seg_id})", file=f"personas/{seg_id}.yaml", section=seg_id, data=data)


def turn(speaker: str, text: str, *, file: str = "transcripts/call.txt", flags: list[str] | None = None
         ) -> Document:
    return doc("transcript", text, file=file, section=speaker, speaker=speaker, flags=flags)


def page(text: str, *, file: str = "website/home.html", section: str | None = None,
         flags: list[str] | None = None) -> Document:
    return doc("website", text, file=file, section=section, flags=flags)


RUNNERS = persona("weekend-warriors", "Weekend warriors", description="Runners and cyclists who train hard",
                  pain_points=["waking up sore"], desires=["training again tomorrow"])
DESK = persona("desk-bound", "Desk-bound professionals",
               description="Laptop all day, stiff neck and shoulders",
               pain_points=["a stiff neck by 3pm"], desires=["a workday without neck tension"])
FORM = form(
    positioning="Recovery for active adults over 40.", tagline="Recover like you mean it.",
    voice={"descriptors": ["warm"], "do": ["speak like a coach"], "dont": ["promise cures"]},
    pillars=[{"name": "Quiet", "description": "Use it anywhere."}], avoid=["cure", "miracle"],
    competitors=["Kneadr"], products=[{"name": "Restwave Pulse", "price": 199}],
    offers=[{"name": "30-night trial", "terms": "Free returns."}], cta_vocabulary=["Start your trial"],
    claims=[{"statement": "Restwave Pulse runs up to 6 hours on one charge.", "kind": "numeric",
             "evidence": "Battery test BT-1", "approved": True}],
    brand_kit={"colors": {"primary": "#0E3B43"}, "logo_path": "assets/logo.png"})
