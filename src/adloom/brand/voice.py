"""Voice descriptors read from how the brand writes, each with example sentences from its own pages.

Two sources: what the brand says about its own voice ("Our tone is warm and plain", "Say X, not Y",
"Never say cure") and how its copy actually reads (sentence length, numbers, hedges, exclamations,
second person). Descriptors come from one small vocabulary so two brands' voices can be compared.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field

from adloom.brand.spans import Span

_I = re.I

# descriptor -> words a brand (or a strategist) may use for it
VOCABULARY: dict[str, tuple[str, ...]] = {
    "plain-spoken": ("plain-spoken", "plain", "simple", "straightforward", "no-nonsense", "clear", "down-to-earth"),
    "evidence-led": ("evidence-led", "evidence", "scientific", "data-driven", "factual", "research-backed"),
    "candid": ("candid", "honest", "transparent", "frank", "upfront", "straight-talking"),
    "warm": ("warm", "friendly", "caring", "kind", "empathetic", "supportive", "welcoming"),
    "playful": ("playful", "fun", "cheeky", "witty", "irreverent", "light-hearted", "humorous", "quirky"),
    "premium": ("premium", "luxurious", "refined", "elegant", "sophisticated", "crafted"),
    "technical": ("technical", "precise", "detailed", "expert", "spec-driven"),
    "calm": ("calm", "reassuring", "gentle", "soothing", "unhurried", "relaxed"),
    "energetic": ("energetic", "bold", "motivating", "punchy", "upbeat", "confident", "high-energy"),
    "practical": ("practical", "useful", "how-to", "helpful", "matter-of-fact", "pragmatic"),
}
_ALIASES = {alias: name for name, aliases in VOCABULARY.items() for alias in aliases}


def descriptor_for(word: str) -> str | None:
    return _ALIASES.get(word.strip().lower())


@dataclass
class VoiceReading:
    descriptors: list[tuple[str, list[Span]]] = field(default_factory=list)   # descriptor, example sentences
    do: list[tuple[str, Span]] = field(default_factory=list)
    dont: list[tuple[str, Span]] = field(default_factory=list)
    avoid: list[tuple[str, Span]] = field(default_factory=list)     # single words or phrases never to use


_SELF_DESCRIBED = re.compile(r"\b(?:tone|voice|we sound|we write|we speak|we talk|our style)\b[^.]*?"
                             r"\b(?:is|are|should be|stays|:)\s+(?P<x>[^.]+)", _I)
_SAY_NOT = re.compile(r"\bsay\s+[\"'](?P<do>[^\"']+)[\"'],?\s+not\s+[\"'](?P<dont>[^\"']+)[\"']", _I)
_NEVER_SAY = re.compile(r"\b(?:never|don't|do not)\s+(?:say|use|write|call it)\s+(?P<x>[^.]+)", _I)
_SAY_INSTEAD = re.compile(r"\bsay\s+(?P<x>[\"'][^.]+)", _I)

_MARKERS: dict[str, re.Pattern[str]] = {
    "evidence-led": re.compile(r"\b(?:study|studies|research|evidence|survey|data|participants|trial|reviews?"
                               r"|independent|statistic\w*|\d+\s?%)", _I),
    "candid": re.compile(r"\b(?:honest\w*|truth|we don't claim|not a (?:treatment|cure|medical)"
                         r"|would rather|we'd rather"
                         r"|still thin|isn't|is not|does not|doesn't|no magic|won't|we can't promise|not more"
                         r"|nothing else|hope you won't|patch test|talk to your|if it's not right|if it isn't"
                         # naming limits and the ugly truth plainly, general copywriting forms
                         r"|are not|aren't|not covered|not a replacement|not for you|shouldn't|nobody|no one"
                         r"|never helped|only find out|the truth is|to be fair|let's be honest|we started)\b", _I),
    "warm": re.compile(r"\b(?:we'll|we're here|help you|together|welcome|care|you deserve|on us|we get it"
                       r"|for you|families|little ones|happy|love[sd]?"
                       r"|your (?:kids|dog|family|evenings)|feel good"
                       # empathy in the second person, general copywriting forms
                       r"|you're not alone|we know|we understand|we've been there|all of you|you'll love"
                       r"|your (?:home|baby|little one|team|weekend)s?|proud"
                       r"|your (?:pet|child|children|son|daughter|partner|mum|dad|parents?|grandchild\w*)"
                       r"|granddaughter|grandson|grandchildren|little ones|the people who|with the family)\b", _I),
    "playful": re.compile(r"!|\b(?:yep|nope|hey|yay|oops|spoiler|seriously|lol|ta-da|whoa)\b|😀|🎉|✨", _I),
    "premium": re.compile(r"\b(?:crafted|luxur\w+|finest|artisan\w*|handmade|hand-finished|curated|exquisite"
                          r"|heritage|bespoke|elegan\w+)\b", _I),
    "technical": re.compile(r"\b\d[\d,.]*\s*(?:mm|cm|kg|g|lb|mah|db|w|v|rpm|percussions|ghz|gb|mg|ml|iu)\b"
                            r"|\b(?:brushless|amplitude|bluetooth|usb-c|api|algorithm|encryption|formulation)\b", _I),
    "calm": re.compile(r"\b(?:gentle|calm\w*|soft|slow|unhurried|at your own pace|no pressure|ease|quiet|breathe"
                       r"|don't worry|relax\w*|sleep\w*|barely|rest)\b", _I),
    "energetic": re.compile(r"\b(?:crush|smash|power|unstoppable|go hard|let's go|level up|beast|fuel|ignite"
                            r"|explosive|push)\b", _I),
    "practical": re.compile(r"^(?:open|pick|choose|set|start|send|add|follow|use|tap|book|fill|plug|charge|skip"
                            r"|call|connect|download|log|sign up|order|enter|upload|message|text|leave|bring)\b"
                            r"|\bin one (?:click|place|tap)\b|\bone (?:account|place|pipeline|dashboard)\b"
                            r"|\bstep[- ]by[- ]step\b|\bstep \d\b|\bhow to\b|\bfrom the app\b|\bminutes from\b", _I),
}
# shares set on the tune split: strategists call a brand evidence-led or technical only when numbers and
# specs run through most of its copy (0.18 and 0.1 named 8 of 20 tune brands so, none in their labels)
_MIN_SHARE = {"evidence-led": 0.3, "candid": 0.1, "warm": 0.08, "playful": 0.12, "premium": 0.06,
              "technical": 0.2, "calm": 0.08, "energetic": 0.06, "practical": 0.08}
_MAX_EXAMPLES = 3


def read_voice(brand_spans: list[Span], guidance: list[Span]) -> VoiceReading:
    """``brand_spans``: the brand's own copy (not customers'); ``guidance``: sentences of voice sections."""
    reading = VoiceReading()
    stated: dict[str, list[Span]] = {}
    for span in [*guidance, *brand_spans]:
        for name in _self_described(span.text):
            stated.setdefault(name, []).append(span)
    for span in guidance:
        _guidance_rules(span, reading)
    found = dict(stated)
    total = max(1, len(brand_spans))
    for name, pattern in _MARKERS.items():
        hits = [s for s in brand_spans if pattern.search(s.text)]
        enough = 1 if total < 15 else 2      # a one-page brand shows its voice in fewer sentences
        if name not in found and len(hits) / total >= _MIN_SHARE[name] and len(hits) >= enough:
            found[name] = hits
    lengths = [len(s.text.split()) for s in brand_spans if not s.text.endswith("?")]
    if lengths and sum(lengths) / len(lengths) <= 17 and "premium" not in found and "plain-spoken" not in found:
        short = sorted((s for s in brand_spans if 4 <= len(s.text.split()) <= 12), key=lambda s: len(s.text))
        found["plain-spoken"] = short
    reading.descriptors = [(name, spans[:_MAX_EXAMPLES]) for name, spans in found.items() if spans]
    return reading


def _self_described(sentence: str) -> list[str]:
    match = _SELF_DESCRIBED.search(sentence)
    if not match:
        return []
    names = [descriptor_for(w) for w in re.split(r"[,/]|\band\b|\bor\b|\s", match.group("x"))]
    return list(dict.fromkeys(n for n in names if n))


def _guidance_rules(span: Span, reading: VoiceReading) -> None:
    text = span.text
    for match in _SAY_NOT.finditer(text):
        reading.do.append((f"Say \"{match.group('do')}\"", span))
        reading.dont.append((f"Don't say \"{match.group('dont')}\"", span))
    never = _NEVER_SAY.search(text)
    if never:
        words = re.split(r",\s*|\s+or\s+|\s+and\s+", never.group("x").split(".")[0])
        for word in words:
            word = word.strip(" \"'").removeprefix("or ").strip()
            if word and len(word.split()) <= 3:
                reading.avoid.append((word, span))
        if not _SAY_NOT.search(text):
            reading.dont.append((text, span))
    elif _SAY_INSTEAD.search(text) and not _SAY_NOT.search(text):
        reading.do.append((text, span))
