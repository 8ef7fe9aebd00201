"""The formula writer: offline and deterministic, the default writer and the baseline every model beats.

Same task in, same draft out: all choices come from ``random.Random`` seeded with the task's seed and
attempt, and nothing reads the clock or module state.
"""

from __future__ import annotations

import random
from typing import cast

from adloom.errors import WriterError
from adloom.types import ConceptDraft, StaticCopy
from adloom.writers.base import ConceptTask, OutT, Task, Writer
from adloom.writers.formula.brief import write_brief
from adloom.writers.formula.frameworks import choose_framework
from adloom.writers.formula.guard import Guard
from adloom.writers.formula.hooks import write_hooks
from adloom.writers.formula.material import Material, build_material, missing_for_angle
from adloom.writers.formula.scripts import write_scripts
from adloom.writers.formula.static_copy import google_rsa, meta_copy, tiktok_copy


class FormulaWriter(Writer):
    id = "formula"
    offline = True

    def __init__(self, model: str | None = None) -> None:
        # no models here; accepted so "formula:anything" selects it like every other writer
        self.model = model

    async def run(self, task: Task[OutT]) -> OutT:
        if not isinstance(task, ConceptTask):
            raise WriterError(f"the formula writer cannot write {type(task).__name__}; "
                              "it handles ConceptTask only")
        return cast(OutT, write_concept(task))


def write_concept(task: ConceptTask) -> ConceptDraft:
    """Hooks, scripts, static copy and a UGC brief for one angle x segment, within the constraints."""
    constraints = task.constraints
    material = build_material(task, Guard.for_task(task))
    if (gap := missing_for_angle(material)) is not None:
        raise WriterError(f"not written: {gap}", field="material")
    framework = choose_framework(task.angle, random.Random(f"{task.seed}:{task.attempt}:framework"))
    # a regenerated draft only rotates to other hook templates when a hook was the problem: later
    # segments of the angle were told this concept's first hooks, and keep being different from them
    hooks_flagged = any(f.field.startswith("hooks") for f in constraints.previous_findings)
    hooks = write_hooks(material, task.angle, framework, seed=task.seed, attempt=task.attempt if hooks_flagged else 1,
                        count=constraints.hooks_per_concept, max_words=constraints.max_hook_words,
                        avoid=constraints.avoid_hooks, preferred=constraints.preferred_hook_templates)
    if not hooks:
        raise WriterError(f"no hook template fits segment '{task.segment.id}' under the constraints",
                          field="hooks")
    scripts = write_scripts(hooks, material)
    copies: list[StaticCopy] = []
    for platform in constraints.platforms:
        if platform == "meta":
            copies += [meta_copy(h, material, framework, n) for n, h in enumerate(hooks)]
        elif platform == "google":
            copies.append(google_rsa(material, framework, hooks))
        elif platform == "tiktok":
            copies += [tiktok_copy(h, material, framework, n) for n, h in enumerate(hooks)]
    draft = ConceptDraft(framework=framework, hooks=hooks, scripts=scripts, copy_variants=copies,
                         brief=write_brief(material, hooks, scripts[1], task.angle.id))
    return draft.model_copy(update={"claims_used": _claims_used(draft, material)})


def _claims_used(draft: ConceptDraft, material: Material) -> list[str]:
    """Ids of approved claims whose statement appears anywhere in the draft."""
    text = draft.model_dump_json().lower()
    return [c.id for c in material.claims if c.statement.lower() in text]
