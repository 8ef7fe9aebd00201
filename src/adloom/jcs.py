"""RFC 8785 (JCS) canonical JSON, byte for byte what the ``rfc8785`` package writes, several times faster.

Everything adloom versions is hashed over this text (brand versions, concept ids, audit payloads), so the
output must never change: the common shapes (dicts with ASCII keys, lists, strings, safe integers, bools,
None) are written here, with the C string escaper of the standard ``json`` module, which escapes exactly
what RFC 8785 escapes (quote, backslash, control characters; lower-case hex) and nothing else; floats go
through ``rfc8785`` one by one (ECMAScript number formatting), and anything else (subclasses, other types,
out-of-range integers, lone surrogates) is handed whole to ``rfc8785``, which writes it or raises its error.
"""

from __future__ import annotations

import json.encoder
from typing import Any

import rfc8785

__all__ = ["dumps"]

_escape: Any = json.encoder.encode_basestring    # the C implementation when the interpreter has it
_INT_MAX = 2**53 - 1


class _Unusual(Exception):
    """A value this module leaves to the reference implementation."""


def dumps(obj: Any) -> bytes:
    """The RFC 8785 serialisation of ``obj``, as ``rfc8785.dumps`` returns it (or raises)."""
    out: list[str] = []
    try:
        _write(obj, out)
        return "".join(out).encode("utf-8")
    except (_Unusual, UnicodeEncodeError, RecursionError, rfc8785.CanonicalizationError):
        return rfc8785.dumps(obj)     # the reference decides: the same bytes, or its own error


def _write(obj: Any, out: list[str]) -> None:
    kind = type(obj)
    if kind is str:
        out.append(_escape(obj))
    elif kind is dict:
        if not obj:
            out.append("{}")
            return
        keys = list(obj)
        for key in keys:
            if type(key) is not str or not key.isascii():
                raise _Unusual    # RFC 8785 orders keys by UTF-16 code units; for ASCII that is sort()
        keys.sort()
        sep = "{"
        for key in keys:
            out.append(sep)
            out.append(_escape(key))
            out.append(":")
            _write(obj[key], out)
            sep = ","
        out.append("}")
    elif kind is list or kind is tuple:
        if not obj:
            out.append("[]")
            return
        sep = "["
        for item in obj:
            out.append(sep)
            _write(item, out)
            sep = ","
        out.append("]")
    elif obj is None:
        out.append("null")
    elif kind is bool:
        out.append("true" if obj else "false")
    elif kind is int:
        if not -_INT_MAX <= obj <= _INT_MAX:
            raise _Unusual
        out.append(int.__repr__(obj))
    elif kind is float:
        out.append(rfc8785.dumps(obj).decode("ascii"))
    else:
        raise _Unusual
