"""YAML that remembers where each value came from, so a pack error can name its line.

``load`` returns plain dicts and lists; ``line_of`` maps a pydantic error location (``("rules", 3,
"severity")``) back to the line of the deepest node it can still find.
"""

from __future__ import annotations

from typing import Any

import yaml
from yaml.nodes import MappingNode, Node, ScalarNode, SequenceNode

__all__ = ["YamlError", "line_of", "load"]


class YamlError(ValueError):
    def __init__(self, message: str, line: int | None) -> None:
        super().__init__(message)
        self.message = message
        self.line = line


def _line(node: Node) -> int:
    return node.start_mark.line + 1


# libyaml, when PyYAML was built with it: the same nodes, tags and marks as the pure-Python parser at ~1/14 of
# the CPU (the default packs: 0.086 -> 0.006 s of every cold run, issue 17). A text it refuses is parsed again
# by the pure-Python parser, whose error messages and lines are the ones users have seen.
_FAST_LOADER = getattr(yaml, "CSafeLoader", None)


def _compose(text: str) -> Node | None:
    if _FAST_LOADER is not None:
        try:
            return yaml.compose(text, Loader=_FAST_LOADER)
        except (yaml.YAMLError, ValueError):      # ValueError: a lone surrogate libyaml cannot encode
            pass
    return yaml.compose(text, Loader=yaml.SafeLoader)


def load(text: str) -> tuple[Any, Node | None]:
    """(data, root node); duplicate mapping keys are an error, not last-one-wins."""
    try:
        root = _compose(text)
    except yaml.YAMLError as exc:
        mark = getattr(exc, "problem_mark", None)
        problem = getattr(exc, "problem", None) or str(exc)
        raise YamlError(f"YAML syntax: {problem}", mark.line + 1 if mark else None) from None
    if root is None:
        return None, None
    _no_duplicate_keys(root)
    loader = yaml.SafeLoader("")
    try:
        return loader.construct_document(root), root
    except yaml.YAMLError as exc:
        mark = getattr(exc, "problem_mark", None)
        raise YamlError(f"YAML: {exc}", mark.line + 1 if mark else None) from None
    finally:
        loader.dispose()


def _no_duplicate_keys(node: Node) -> None:
    if isinstance(node, MappingNode):
        seen: set[str] = set()
        for key, value in node.value:
            if isinstance(key, ScalarNode):
                if key.value in seen:
                    raise YamlError(f"duplicate key {key.value!r}", _line(key))
                seen.add(key.value)
            _no_duplicate_keys(value)
    elif isinstance(node, SequenceNode):
        for item in node.value:
            _no_duplicate_keys(item)


def line_of(root: Node | None, loc: tuple[int | str, ...]) -> int | None:
    """Line of the node at ``loc``; for a missing or unknown key, the line of its key or parent."""
    if root is None:
        return None
    node = root
    line = _line(node)
    for part in loc:
        if isinstance(node, MappingNode):
            match = next(((k, v) for k, v in node.value if isinstance(k, ScalarNode) and k.value == part), None)
            if match is None:
                return line
            line, node = _line(match[0]), match[1]
        elif isinstance(node, SequenceNode) and isinstance(part, int) and part < len(node.value):
            node = node.value[part]
            line = _line(node)
        else:
            return line
    return line
