"""The offline, deterministic formula writer: hook templates, copy frameworks and beat plans as data."""

from adloom.writers.formula.writer import FormulaWriter, write_concept

__all__ = ["FormulaWriter", "write_concept"]
