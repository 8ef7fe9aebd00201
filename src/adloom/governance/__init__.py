"""Governance: checks that read a concept and return findings, and one policy that routes them.

    rules.py        the core pack's rule ids and severities (configuration, not code)
    fields.py       where text lives in a concept, by field path
    lexicon.py      term matching with spans (the seam for a compiled multi-pattern matcher)
    structure.py    hooks, scripts, beats, copy per platform
    limits.py       platform field limits and vocabularies (from adloom.platforms)
    avoid.py        the brand's avoid list and competitor names
    claims.py       numbers, superlatives and health words need an approved claim
    gate.py         the check registry (CORE_CHECKS) and ``route``
    constraints.py  what the writer is told before it writes

Each check is ``(concept, brand, campaign) -> list[Finding]``; ``adloom.pipeline.govern.verdict`` runs them.
"""
