"""15, 30 and 60 second scripts as contiguous timed beats: hook, problem, solution, proof, cta.

Longer cuts add problem, solution and proof beats rather than stretching the same ones. Proof only
ever quotes an approved claim's statement; without one it is a demonstration, which claims nothing.
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import Literal

from adloom.textutil import ensure_period, fit, upper_first
from adloom.types import Beat, BeatKind, Hook, Script
from adloom.writers.formula.frameworks import pick
from adloom.writers.formula.material import Material

Duration = Literal[15, 30, 60]

# (beat kind, seconds); each plan sums to its duration.
BEAT_PLANS: dict[Duration, tuple[tuple[BeatKind, int], ...]] = {
    15: (("hook", 3), ("problem", 3), ("solution", 4), ("proof", 3), ("cta", 2)),
    30: (("hook", 3), ("problem", 4), ("problem", 4), ("solution", 5), ("solution", 4), ("proof", 5),
         ("cta", 5)),
    60: (("hook", 4), ("problem", 6), ("problem", 6), ("solution", 8), ("solution", 8), ("proof", 8),
         ("proof", 8), ("solution", 6), ("cta", 6)),
}
ON_SCREEN_MAX = 60       # characters of overlay text a viewer can read in one beat

DEMO_PROOF = ("Don't take our word for it. See it for yourself.", "See it for yourself",
              "Unedited demo, one continuous take: {product} in real use")


def write_scripts(hooks: Sequence[Hook], material: Material) -> list[Script]:
    """One script per duration, each led by a different hook where there are enough."""
    durations: tuple[Duration, ...] = (15, 30, 60)
    return [_script(duration, hooks[n % len(hooks)], material) for n, duration in enumerate(durations)]


def _script(duration: Duration, hook: Hook, material: Material) -> Script:
    beats: list[Beat] = []
    start = 0
    seen: dict[BeatKind, int] = {}
    for kind, seconds in BEAT_PLANS[duration]:
        nth = seen.get(kind, 0)
        seen[kind] = nth + 1
        visual, voiceover, on_screen = _beat_lines(kind, nth, hook, material)
        beats.append(Beat(kind=kind, start=float(start), end=float(start + seconds), visual=visual,
                          voiceover=voiceover, on_screen_text=on_screen))
        start += seconds
    return Script(duration=duration, hook_id=hook.id, beats=beats)


def _beat_lines(kind: BeatKind, nth: int, hook: Hook, m: Material) -> tuple[str, str, str]:
    """(visual, voiceover, on-screen text) for the ``nth`` beat of ``kind`` in a script."""
    if kind == "hook":
        return hook.first_visual, hook.text, hook.on_screen_caption
    if kind == "problem":
        return _problem(nth, m)
    if kind == "solution":
        return _solution(nth, m)
    if kind == "proof":
        return _proof(nth, m)
    cta = ensure_period(pick(m.cta_phrases, nth) or "See how it works")
    return (f"End card: {m.brand} logo over a clean product shot", cta, fit(cta.rstrip("."), ON_SCREEN_MAX))


Lines = tuple[str, str, str]


def _checked(m: Material, lines: Lines, fallback: Lines) -> Lines:
    return lines if all(m.guard.ok(line) for line in lines) else fallback


def _problem(nth: int, m: Material) -> tuple[str, str, str]:
    fallback = ("Everyday moment: the routine that is not working", "Sound familiar?", "Sound familiar?")
    pain = pick(m.pains, nth)
    quote = pick(m.quotes, nth)
    if nth % 2 == 1 and quote:
        return _checked(m, ("Creator says it to camera, unpolished", f"\"{upper_first(quote)}.\"",
                            fit(upper_first(quote), ON_SCREEN_MAX)), fallback)
    if pain:
        return _checked(m, (f"Real-life moment showing {pain}", f"{upper_first(pain)}, again and again.",
                            fit(upper_first(pain), ON_SCREEN_MAX)), fallback)
    return fallback


def _solution(nth: int, m: Material) -> tuple[str, str, str]:
    product_shot = f"Product close-up: {m.product} in hand, natural light"
    options: list[tuple[str, str, str]] = [(product_shot, f"Meet {m.product}.", m.product)]
    for benefit in m.benefits:
        options.append((f"{m.product} in use, the payoff on screen", ensure_period(upper_first(benefit)),
                        fit(upper_first(benefit), ON_SCREEN_MAX)))
    for feature in m.features:
        options.append((f"Detail shot: {feature}", ensure_period(upper_first(feature)),
                        fit(upper_first(feature), ON_SCREEN_MAX)))
    if m.segment:
        made_for = f"Made for {m.segment}"
        options.append(("Creator fits it into a normal day", f"{made_for}.", made_for))
    return _checked(m, options[nth % len(options)], options[0])


def _proof(nth: int, m: Material) -> tuple[str, str, str]:
    demo = (DEMO_PROOF[2].format(product=m.product), DEMO_PROOF[0], DEMO_PROOF[1])
    if nth >= len(m.claims):      # each claim once; further proof beats show rather than tell
        return demo
    statement = m.claims[nth].statement
    on_screen = statement if len(statement) <= ON_SCREEN_MAX else DEMO_PROOF[1]
    return ("The claim on screen over footage of the product in use", statement, on_screen)
