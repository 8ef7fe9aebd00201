"""A test double for writers: scripted answers, scripted failures, and a count of calls.

    FakeWriter()                              # a minimal valid ConceptDraft for every ConceptTask
    FakeWriter([draft, RateLimited("slow")])  # answers in order, raising exceptions; then the default
    FakeWriter(lambda task: ...)              # computed per task (a sync or async callable)

It ships in the package so every part of adloom can be tested without a network or a key.
"""

from __future__ import annotations

import inspect
from collections.abc import Callable, Iterable
from typing import Any, cast

from pydantic import BaseModel

from adloom.errors import WriterError
from adloom.types import (
    Beat,
    ConceptDraft,
    Deliverable,
    GoogleRSACopy,
    Hook,
    MetaCopy,
    Script,
    Shot,
    StaticCopy,
    TikTokCopy,
    UGCBrief,
)
from adloom.writers.base import ConceptTask, OutT, Task, Writer

Responder = Callable[[Task[Any]], Any]
Scripted = BaseModel | BaseException


class FakeWriter(Writer):
    id = "fake"
    offline = True

    def __init__(self, responses: Iterable[Scripted] | Responder | None = None, *,
                 model: str | None = None) -> None:
        self.model = model
        self._responder: Responder | None = responses if callable(responses) else None
        self._queue: list[Scripted] = [] if responses is None or callable(responses) else list(responses)
        self.calls = 0
        self.tasks: list[Task[Any]] = []

    async def run(self, task: Task[OutT]) -> OutT:
        self.calls += 1
        self.tasks.append(task)
        if self._queue:
            answer: Any = self._queue.pop(0)
        elif self._responder is not None:
            answer = self._responder(task)
            if inspect.isawaitable(answer):
                answer = await answer
        elif isinstance(task, ConceptTask):
            answer = minimal_draft(task)
        else:
            raise WriterError(f"fake writer has no default answer for {type(task).__name__}; script one")
        if isinstance(answer, BaseException):
            raise answer
        return cast(OutT, answer)


def minimal_draft(task: ConceptTask) -> ConceptDraft:
    """The smallest draft that is structurally complete: one hook, one 15 s script, copy per platform."""
    product = task.brand.products[0].name if task.brand.products else task.brand.name
    hook = Hook(id="h1", text=f"Meet {product}", first_visual="Product on a plain table",
                on_screen_caption="Take a look", rationale="fake writer: fixed hook", template_id="fake")
    beats = [Beat(kind="hook", start=0, end=3, visual=hook.first_visual, voiceover=hook.text,
                  on_screen_text=hook.on_screen_caption),
             Beat(kind="problem", start=3, end=6, visual="Everyday moment", voiceover="Sound familiar?"),
             Beat(kind="solution", start=6, end=10, visual="Product in use", voiceover=f"Meet {product}."),
             Beat(kind="proof", start=10, end=13, visual="Unedited demo", voiceover="See it for yourself."),
             Beat(kind="cta", start=13, end=15, visual="End card", voiceover="See how it works.")]
    copies: list[StaticCopy] = []
    for platform in task.constraints.platforms:
        if platform == "meta":
            copies.append(MetaCopy(hook_id="h1", primary_text=f"{hook.text}. See how it works.",
                                   headline=product[:40], description="See how it works", cta="LEARN_MORE"))
        elif platform == "google":
            copies.append(GoogleRSACopy(
                headlines=[product[:30], "See how it works", "Take a closer look", "Made for real life",
                           "Find your routine"],
                descriptions=["See how it works.", "Made for real life."], path1="product"))
        elif platform == "tiktok":
            copies.append(TikTokCopy(hook_id="h1", ad_text=f"{hook.text}. See how it works.",
                                     cta="LEARN_MORE"))
    brief = UGCBrief(persona=task.segment.label, setting="At home, natural light",
                     shot_list=[Shot(description=b.visual, seconds=b.end - b.start) for b in beats],
                     talking_points=[f"Meet {product}"], hook_options=[hook.text], do=[], dont=[],
                     deliverables=[Deliverable(ratio="9:16", seconds=15)])
    script = Script(duration=15, hook_id="h1", beats=beats)
    return ConceptDraft(framework="AIDA", hooks=[hook], scripts=[script], copy_variants=copies, brief=brief)
