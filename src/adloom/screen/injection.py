"""Prompt-injection screen for untrusted text: normalised lexical cues plus a semantic check, multilingual.

Untrusted text (brand pages, documents, transcripts, CSV cells, form values, model output) is data, never
instructions. This screen finds sentences addressed to a model so that they are reported (file and line)
and never mined into the brand object, angles or prompts. It does not depend on exact phrases:

1. **Normal form.** ``adloom.textnorm`` drops zero-width and other hidden characters and maps look-alike
   letters (Cyrillic ``і``, full-width forms) to Latin; then each character is lower-cased and stripped of
   accents one for one, so offsets still map back to the original text.
2. **Lexical cues** in English, Spanish, German, French and Portuguese: an override verb near an
   instruction word ("disregard everything above", "ignora las instrucciones", "vergiss die Regeln"), a
   note addressed to an AI, a role change ("you are now", "a partir de ahora eres"), chat-template tokens
   and JSON break-outs. *Strong* cues flag on their own; *weak* ones ("from now on", "approve") only with
   semantic support.
3. **Semantic check**: each sentence of five words or more is compared with prototypes of injection and
   of ordinary brand material (``screen.prototypes``, five languages); the score is the cosine to the
   nearest injection prototype minus that to the nearest brand one. A cheap static-vector margin
   (``screen.vectors``) decides which sentences the int8 all-MiniLM-L6-v2 (ONNX, local files) embeds.
   Thresholds were chosen on ``evals/injection/dev.jsonl`` only; held-out figures come from
   ``evals/injection/heldout.jsonl`` (``python evals/injection/evaluate.py``): precision 0.93, recall
   0.88 over 70 texts x 4 disguises (the old English patterns: recall 0.03). MiniLM is an English model:
   other languages lean on the lexical cues and the prototypes written in them.

If the token table or the MiniLM package is missing, or a file fails its checksum, the semantic check is
off and the lexical cues still apply (``semantic_available()`` says which).
"""

from __future__ import annotations

import hashlib
import json
import os
import re
import threading
import unicodedata
from collections.abc import Iterable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from functools import cache, lru_cache
from pathlib import Path

import numpy as np
import numpy.typing as npt

from adloom.errors import ModelFileError
from adloom.textnorm import normalise

Matrix = npt.NDArray[np.float32]

__all__ = [
    "SEMANTIC_ALONE",
    "SEMANTIC_WITH_CUE",
    "VERSION",
    "InjectionHit",
    "is_injection",
    "prescreen",
    "remembered",
    "screen",
    "semantic_available",
    "without_injections",
]

VERSION = "injection-screen@2026.12.1"     # change with the patterns, prototypes or thresholds (read caches)

# Chosen on the dev split (evals/injection/evaluate.py --tune); never on held-out.
STATIC_SCREEN = -0.06          # static-vector margin below which a sentence is not embedded by MiniLM
SEMANTIC_ALONE = 0.28          # MiniLM margin that flags a sentence with no lexical cue
SEMANTIC_WITH_CUE = 0.0        # MiniLM margin that confirms a weak cue
MIN_WORDS = 5                  # shorter sentences (titles, labels) are too thin for the semantic check

_VERB = (r"ignore|ignores|ignoring|disregard|forget|override|bypass|set\s+aside|erase|abandon|discard"
         r"|ignora|ignoren|olvida|olvide|olvidate\s+de|omite|descarta|deja\s+de\s+lado|no\s+hagas\s+caso\s+a"
         r"|ignoriere|ignorier|ignorierst|vergiss|vergessen\s+sie|missachte|missachten\s+sie|verwirf"
         r"|ignorez|oublie|oubliez|ne\s+tiens\s+plus\s+compte\s+de|ne\s+tenez\s+plus\s+compte\s+de"
         r"|fais\s+abstraction\s+de|esqueca|esquecam|desconsidere|deixe\s+de\s+lado|descarte")
_RULES = (r"instructions?|prompts?|rules|directions|guidance|guidelines|constraints|commands|orders|brief"
          r"|instrucciones|instruccion|indicaciones|reglas|ordenes|normas"
          r"|\w*anweisungen|\w*anweisung|\w*vorgaben|\w*regeln|befehle"
          r"|consignes|regles|directives"
          r"|instrucoes|orientacoes|regras|ordens|comandos")
_BEFORE = (r"previous|prior|above|earlier|preceding|original|before|anteriores|anterior|previas|arriba|antes"
           r"|vorherigen|bisherigen|obigen|fruheren|zuvor|precedentes|ci-dessus|qui\s+precede|avant|acima")
_AI = (r"ai|a\.i\.|ia|i\.a\.|ki|llm|chatbot|chat\s?gpt|gpt|language\s+model|sprachmodell|modele\s+de\s+langage"
       r"|modelo\s+de\s+lenguaje|modelo\s+de\s+linguagem|intelligence\s+artificielle|inteligencia\s+artificial"
       r"|kunstliche\s+intelligenz|(?:ai|copywriting|writing|language)\s+model|automated\s+writers?|ai\s+agents?")
_CALL = (r"note|message|attention|important|hinweis|nachricht|achtung|hallo|hello|hey|hi|dear|liebe|lieber"
         r"|nota|mensaje|atencion|hola|querida|querido|remarque|cher|chere|a\s+l'attention\s+de|mensagem"
         r"|atencao|ola|caro|cara|instructions\s+for|this\s+message\s+is\s+for")

_STRONG = tuple(re.compile(p, re.MULTILINE) for p in (
    rf"\b(?:{_VERB})\b(?:\W+\w+){{0,6}}?\W+(?:{_RULES})\b",
    rf"\b(?:{_VERB})\b(?:\W+\w+){{0,5}}?\W+(?:{_BEFORE})\b",
    rf"\b(?:{_VERB})\b\W+(?:\w+\W+){{0,3}}(?:what\s+(?:you\s+were|your\s+\w+\s+)told|lo\s+que\s+te\s+dijeron"
    rf"|was\s+man\s+dir\s+gesagt|ce\s+qu.on\s+t.a\s+dit|o\s+que\s+te\s+disseram)",
    rf"\b(?:{_CALL})\b[^.\n]{{0,30}}?\b(?:to|for|an|für|fur|para|pour|a|à)?\s*(?:the|die|den|la|el|a|l')?\s*"
    rf"(?:{_AI})\b",
    rf"(?:^|[.!?]\s+)(?:{_AI})\s*[,:]\s",
    rf"\b(?:{_CALL})\s+(?:to|for)\s+(?:the|any|every|each)\s+(?:model|assistant|bot|writer|agent)s?\b",
    r"\b(?:summari[sz]e|process|parse|rewrite)\s+(?:this|the)\s+(?:page|document|text|file|transcript)\b"
    r"[^.\n]{0,20},\s*(?:say|write|state|claim|add)\b",
    rf"\b(?:if\s+you\s+are|as)\s+(?:an?|the)\s+(?:{_AI}|ai\s+model|model)\b",
    r"\byou\s+are\s+now\b|\byou\s+are\s+dan\b|\bfrom\s+now\s+on,?\s+you\b|\bdo\s+anything\s+now\b"
    r"|\bdeveloper\s+mode\b|\bjailbreak",
    r"\bnew\s+(?:task|instructions?|mission|role|system\s+message)\s*[:.]"
    r"|\byour\s+(?:new\s+|real\s+|actual\s+|true\s+|only\s+)?(?:instructions?|task|job|brief|mission)"
    r"\s+(?:is|are|now|have\s+changed)\b|\byour\s+instructions\s+have\s+changed",
    r"\b(?:pretend\s+(?:you\s+are|to\s+be)|act\s+as\s+(?:an?\s+)?(?:unrestricted|unfiltered|uncensored|different))",
    r"\b(?:ahora\s+eres|eres\s+ahora|a\s+partir\s+de\s+ahora\s+eres|nueva\s+(?:tarea|mision|instruccion)"
    r"|tu\s+(?:verdadera|nueva|unica)\s+(?:instruccion|tarea|mision))\b",
    r"\b(?:du\s+bist\s+(?:jetzt|nun|ab\s+jetzt)|neue\s+(?:aufgabe|anweisung|rolle)"
    r"|deine\s+(?:eigentliche|neue|wahre)\s+(?:anweisung|aufgabe))\b",
    r"\b(?:tu\s+es\s+(?:maintenant|desormais)|nouvelle\s+(?:tache|mission|consigne)"
    r"|ta\s+(?:vraie|nouvelle)\s+(?:consigne|tache|mission))\b",
    r"\b(?:voce\s+(?:agora\s+e|e\s+agora)|nova\s+(?:tarefa|missao|instrucao)"
    r"|sua\s+(?:nova|verdadeira)\s+(?:missao|tarefa|instrucao))\b",
    r"\b(?:respond|reply|answer|output)\s+(?:only|exactly)\b|\brespond\s+only\b"
    r"|\b(?:responde|antworte|reponds|repondez|responda)\s+(?:solo|solamente|nur|uniquement|apenas|somente)\b",
    r"\b(?:reveal|print|show|paste|leak|repeat)\s+(?:your|the)\s+(?:hidden\s+|system\s+|original\s+)?"
    r"(?:prompt|instructions|api\s+key|secret)",
    r"\b(?:do\s+not|don't)\s+(?:mention|reveal|tell)\s+(?:these|this|the)\s+(?:instructions|message)\b",
    r"\btreat\s+(?:this|the\s+following)\b[^.\n]{0,40}\bas\s+(?:a\s+|an\s+)?(?:command|instruction|approved)",
    r"\bsystem\s+(?:prompt|message)\b|^\s*\[?system\]?\s*:|^\s*\[system\]",
    r"<\|\s*[a-z_]+\s*\|>|\[/?inst\]|<</?sys>>|^\s*#{2,}\s*(?:new\s+)?(?:system|instructions?|assistant)\b"
    r"|</?\s*(?:instructions?|system|document|context|prompt)\s*>",
    r"[\"']\s*[}\]]+\s*[,{]*\s*\{?\s*[\"'](?:role|system|content|instruction|prompt)[\"']\s*:"
    r"|[\"']role[\"']\s*:\s*[\"'](?:system|assistant|developer)[\"']",
))
_WEAK = re.compile(
    r"\b(?:from\s+now\s+on|a\s+partir\s+de\s+ahora|desde\s+ahora|ab\s+jetzt|von\s+nun\s+an|desormais"
    r"|a\s+partir\s+de\s+maintenant|a\s+partir\s+de\s+agora|de\s+agora\s+em\s+diante"
    r"|approve\w*|aprueba|genehmige|approuvez|aprove|publish|publica|publique|veroffentliche)\b")

_SENTENCE = re.compile(r"[^.!?\n]+(?:[.!?]+|$)", re.MULTILINE)


@dataclass(frozen=True)
class InjectionHit:
    start: int              # span in the original text
    end: int
    phrase: str             # the original text of the span, whitespace collapsed
    how: str                # "lexical" or "semantic"
    score: float            # semantic margin (0 for a strong lexical cue)


@cache
def _folded_char(ch: str) -> str:
    base = unicodedata.normalize("NFKD", ch)[:1] or ch
    low = base.lower()
    return low if len(low) == 1 else base


def _fold(text: str) -> tuple[str, list[int], list[int]]:
    """Folded text of the same length as the normal form, and each character's original start and end."""
    norm = normalise(text)
    base = norm.text if norm is not None else text
    starts = list(norm.starts) if norm is not None else list(range(len(text)))
    ends = list(norm.ends) if norm is not None else list(range(1, len(text) + 1))
    return "".join(_folded_char(ch) for ch in base), starts, ends


@cache
def _prototypes() -> tuple[Matrix, Matrix, Matrix, Matrix] | None:
    """Injection and brand prototypes as static vectors and as MiniLM vectors; None without the models."""
    from adloom.screen.prototypes import BRAND, INJECTION
    from adloom.screen.vectors import minilm, static_vectors
    try:
        static, model = static_vectors(), minilm()
    except (ModelFileError, OSError, ImportError):
        return None
    if model is None:
        return None
    injection, brand = [_fold(t)[0] for t in INJECTION], [_fold(t)[0] for t in BRAND]
    dense = _stored_prototypes(injection, brand, model.model_id)
    if dense is None:
        dense = model.embed(injection), model.embed(brand)
        _store_prototypes(injection, brand, model.model_id, dense)
    return static.embed(injection), static.embed(brand), dense[0], dense[1]


def _user_cache() -> Path:
    return Path(os.environ.get("XDG_CACHE_HOME") or Path.home() / ".cache") / "adloom" / "screen"


def _prototypes_file(injection: list[str], brand: list[str], model_id: str) -> Path:
    key = hashlib.sha256(json.dumps([VERSION, model_id, injection, brand]).encode()).hexdigest()[:32]
    return _user_cache() / f"prototypes-{key}.npz"


# The prototypes' MiniLM vectors are constants of a screen version and model: embedding them was 0.15 s
# CPU of every cold run (issue 17), so they are kept once per user, named by what they were made from.
def _stored_prototypes(injection: list[str], brand: list[str], model_id: str) -> tuple[Matrix, Matrix] | None:
    try:
        with np.load(_prototypes_file(injection, brand, model_id)) as stored:
            found: tuple[Matrix, Matrix] = (stored["injection"], stored["brand"])
    except Exception:       # missing, unreadable or foreign: embedded again and rewritten
        return None
    ok = found[0].shape[0] == len(injection) and found[1].shape[0] == len(brand)
    return found if ok else None


def _store_prototypes(injection: list[str], brand: list[str], model_id: str, dense: tuple[Matrix, Matrix]) -> None:
    path = _prototypes_file(injection, brand, model_id)
    try:
        path.parent.mkdir(parents=True, exist_ok=True)
        tmp = path.with_name(f"{path.name}.{os.getpid()}.tmp")
        with tmp.open("wb") as handle:
            np.savez(handle, injection=dense[0], brand=dense[1])
        os.replace(tmp, path)
    except OSError:         # a read-only home: the screen works, it just embeds them next time too
        pass


class _Remembered:
    """Semantic margins of sentences screened in earlier runs of one project, by SHA-1 of the folded
    sentence (the file holds no brand text). A brand's documents rarely change between runs: an edited
    rerun of the example re-embeds only its new sentences."""

    def __init__(self, path: Path) -> None:
        self.path, self.changed = path, False
        try:
            stored = json.loads(path.read_text(encoding="utf-8"))
            valid = stored.get("version") == _margins_version()
            self.margins: dict[str, float] = dict(stored["margins"]) if valid else {}
        except (OSError, ValueError, KeyError, TypeError, AttributeError):
            self.margins = {}

    def save(self) -> None:
        if not self.changed:
            return
        try:
            self.path.parent.mkdir(parents=True, exist_ok=True)
            tmp = self.path.with_name(f"{self.path.name}.{os.getpid()}.tmp")
            tmp.write_text(json.dumps({"version": _margins_version(), "margins": self.margins}), encoding="utf-8")
            os.replace(tmp, self.path)
        except OSError:
            pass


_REMEMBERED: list[_Remembered] = []
_REMEMBERED_LOCK = threading.Lock()


def _margins_version() -> str:
    """What stored margins were made with, known without loading the model: an unchanged rerun whose
    sentences are all remembered never loads MiniLM for the screen."""
    from adloom.governance.embeddings import OnnxMiniLM  # the class's pin; the model itself is not loaded
    from adloom.screen.vectors import TOKENS_SHA256
    return f"{VERSION}|{TOKENS_SHA256}|{OnnxMiniLM.model_id}|{STATIC_SCREEN}"


@contextmanager
def remembered(path: Path) -> Iterator[None]:
    """Within this block, semantic margins are read from and added to ``path`` (a project's cache file)."""
    memory = _Remembered(path)
    with _REMEMBERED_LOCK:
        _REMEMBERED.append(memory)
    try:
        yield
    finally:
        with _REMEMBERED_LOCK:
            _REMEMBERED.remove(memory)
        memory.save()


def semantic_available() -> bool:
    return _prototypes() is not None


def _margins(vectors: Matrix, injection: Matrix, brand: Matrix) -> Matrix:
    margins: Matrix = (vectors @ injection.T).max(axis=1) - (vectors @ brand.T).max(axis=1)
    return margins


def semantic_margins(sentences: list[str]) -> Matrix:
    """Per folded sentence: nearest injection prototype's cosine minus nearest brand prototype's, under
    MiniLM; sentences the static vectors put far from every injection prototype are not embedded (-1)."""
    out = np.full(len(sentences), -1.0, dtype=np.float32)
    memory = _REMEMBERED[-1] if _REMEMBERED else None
    keys = [hashlib.sha1(s.encode("utf-8")).hexdigest() for s in sentences] if memory else []
    todo = [i for i in range(len(sentences)) if memory is None or keys[i] not in memory.margins]
    if memory is not None:
        for i, key in enumerate(keys):
            if key in memory.margins:
                out[i] = memory.margins[key]
    protos = _prototypes() if todo else None
    if todo and protos is not None:
        out[todo] = _computed_margins([sentences[i] for i in todo], protos)
        if memory is not None:
            memory.margins.update((keys[i], float(out[i])) for i in todo)
            memory.changed = True
    return out


def _computed_margins(sentences: list[str], protos: tuple[Matrix, Matrix, Matrix, Matrix]) -> Matrix:
    from adloom.screen.vectors import minilm, static_vectors
    out = np.full(len(sentences), -1.0, dtype=np.float32)
    static_injection, static_brand, model_injection, model_brand = protos
    keep = np.flatnonzero(_margins(static_vectors().embed(sentences), static_injection, static_brand)
                          >= STATIC_SCREEN)
    model = minilm()
    if keep.size and model is not None:
        out[keep] = _margins(model.embed([sentences[i] for i in keep]), model_injection, model_brand)
    return out


def screen(text: str, *, semantic: bool = True) -> list[InjectionHit]:
    """Every span of ``text`` that reads as an instruction to a model, in text order; overlapping matches
    are one hit (the longest). Cached: the brand miners ask again about sentences ingest already read."""
    return list(_screen(text, semantic))


def prescreen(texts: Iterable[str]) -> None:
    """Ask the sentence model about every sentence ``screen`` would ask it about in ``texts``, in one batch,
    into the project's remembered margins (inside ``remembered``; elsewhere this does nothing): the
    ``screen`` calls that follow, one a document or a sentence, then embed nothing. One model call a
    sentence cost ~3.5 ms CPU more than the same sentence in a batch: ~150 calls of a new project's run
    (issue 17). The margins are the same either way (a text's vectors do not depend on its batch)."""
    if not _REMEMBERED:
        return
    asked: dict[str, None] = {}
    for text in texts:
        if text and text.strip():
            folded, starts, ends, hits = _lexical(text)
            asked.update(dict.fromkeys(m.group() for m in _unflagged_sentences(folded, starts, ends, hits)))
    if asked:
        semantic_margins(list(asked))


def _lexical(text: str) -> tuple[str, list[int], list[int], list[InjectionHit]]:
    """The folded text, each folded character's original start and end, and the lexical cues' hits."""
    folded, starts, ends = _fold(text)
    hits = [_hit(text, starts, ends, m.start(), m.end(), "lexical", 0.0) for p in _STRONG
            for m in p.finditer(folded) if m.group().strip()]
    return folded, starts, ends, hits


def _hit(text: str, starts: list[int], ends: list[int], a: int, b: int, how: str, score: float) -> InjectionHit:
    start, end = starts[a], ends[max(b - 1, a)]
    return InjectionHit(start, end, " ".join(text[start:end].split()), how, round(float(score), 3))


def _unflagged_sentences(folded: str, starts: list[int], ends: list[int],
                         hits: list[InjectionHit]) -> list[re.Match[str]]:
    """The sentences the sentence model is asked about: five words or more, and none a lexical cue already
    flagged (the model adds nothing there)."""
    return [m for m in _SENTENCE.finditer(folded) if len(m.group().split()) >= MIN_WORDS
            and not any(starts[m.start()] <= h.start < ends[m.end() - 1] for h in hits)]


@lru_cache(maxsize=4096)
def _screen(text: str, semantic: bool) -> tuple[InjectionHit, ...]:
    if not text or not text.strip():
        return ()
    folded, starts, ends, hits = _lexical(text)
    if semantic:
        sentences = _unflagged_sentences(folded, starts, ends, hits)
        margins = semantic_margins([m.group() for m in sentences])
        for m, margin in zip(sentences, margins, strict=True):
            weak = _WEAK.search(m.group()) is not None
            if margin >= SEMANTIC_ALONE or (weak and margin >= SEMANTIC_WITH_CUE):
                a = m.start() + len(m.group()) - len(m.group().lstrip())
                hits.append(_hit(text, starts, ends, a, m.end(), "semantic", margin))
    merged: list[InjectionHit] = []
    for h in sorted(hits, key=lambda h: (h.start, -h.end)):
        if merged and h.start < merged[-1].end:
            if h.end - h.start > merged[-1].end - merged[-1].start:
                merged[-1] = h
            continue
        merged.append(h)
    return tuple(merged)


def is_injection(text: str) -> bool:
    return bool(screen(text))


def without_injections(text: str, *, mark: str = "[instruction-like text removed]") -> str:
    """``text`` with every sentence that holds a flagged span replaced by ``mark``: what may go into a
    model's prompt (the claim a payload carries sits beside its cue, so the whole sentence goes)."""
    out, last = [], 0
    for hit in screen(text):
        start = max(max(text.rfind(c, 0, hit.start) for c in ".!?\n") + 1, last)
        ends = [i for i in (text.find(c, hit.end) for c in ".!?\n") if i >= 0]
        end = min(ends) + 1 if ends else len(text)
        if start < last:
            continue
        lead = len(text[start:hit.start]) - len(text[start:hit.start].lstrip())
        out += [text[last:start + lead], mark]
        last = end
    return "".join([*out, text[last:]])
