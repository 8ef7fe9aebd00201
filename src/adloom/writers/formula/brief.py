"""The UGC creator brief: who to cast, where, what to shoot, what to say and what never to say."""

from __future__ import annotations

from collections.abc import Sequence

from adloom.textutil import ensure_period, upper_first
from adloom.types import Deliverable, Hook, Script, Shot, UGCBrief
from adloom.writers.formula.material import Material

SETTINGS: dict[str, str] = {
    "pain-first": "At home, early morning, natural window light; a lived-in room, not a set",
    "social-proof": "Wherever the creator really uses it: kitchen, car or locker room, filmed handheld",
    "aspirational": "Outdoors at golden hour, then a calm, tidy space indoors",
    "authority": "A desk or workbench with room to demonstrate, soft even light",
    "comparison": "The same spot filmed twice: the old routine, then the new one",
}
BEAT_LABELS = {"hook": "Hook", "problem": "Problem", "solution": "Solution", "proof": "Proof", "cta": "CTA"}
DEFAULT_SETTING = "At home in natural light, filmed vertically on a phone; real surroundings, no studio"
DELIVERABLES = (Deliverable(ratio="9:16", seconds=15), Deliverable(ratio="9:16", seconds=30),
                Deliverable(ratio="1:1", seconds=15))
STANDARD_DO = ("Film vertically in natural light and keep it unpolished",
               "Say the hook in the first three seconds, in your own words",
               "Show the product in real use, on camera")
STANDARD_DONT = ("Don't add numbers, results or comparisons beyond the talking points",
                 "Don't mention or show any competitor or their products",
                 "Don't promise health outcomes or show before/after body shots")


def write_brief(material: Material, hooks: Sequence[Hook], shot_script: Script, angle_id: str) -> UGCBrief:
    m = material
    return UGCBrief(
        persona=_persona(m),
        setting=SETTINGS.get(angle_id, DEFAULT_SETTING),
        shot_list=[Shot(description=f"{BEAT_LABELS[b.kind]}: {b.visual}", seconds=b.end - b.start)
                   for b in shot_script.beats],
        talking_points=_talking_points(m),
        hook_options=[h.text for h in hooks],
        do=[*m.voice_do, *STANDARD_DO],
        dont=[*m.voice_dont, *(f"Never say \"{term}\"" for term in m.avoid), *STANDARD_DONT],
        deliverables=list(DELIVERABLES),
    )


def _persona(m: Material) -> str:
    # casting needs the real age range, so the persona is the one field that carries numbers
    low, high = m.age_range
    ages = f", aged {low}-{high}" if low and high else f", aged {low}+" if low else ""
    if low and str(low) in m.segment_description:     # the description already says it
        ages = ""
    words = f" Comfortable saying things like \"{m.quotes[0]}\"." if m.quotes else ""
    text = m.segment_description.strip()
    forbidden = m.guard.forbidden
    description = f": {text}" if text and not (forbidden and forbidden.search(text)) else ""
    return f"{m.segment_label}{ages}{description}.{words}".replace("..", ".")


def _talking_points(m: Material) -> list[str]:
    points = [f"The problem in your words: {p}" for p in m.pains[:2]]
    points += [ensure_period(upper_first(b)) for b in m.benefits[:3]]
    points += [f"What you want: {d}" for d in m.desires[:2]]
    points += [f"Address the doubt: \"{o}\"" for o in m.objections[:1]]
    points += [f"Approved claim, say it as written: {c.statement}" for c in m.claims]
    points.append(f"Close with: {m.cta_phrases[0]}")
    return [p for p in points if m.guard.ok(p) or p.startswith("Approved claim")]
