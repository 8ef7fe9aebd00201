"""Hooks that say the same thing in other words: sentence-embedding cosine, not shared letters.

"Is it really quiet? Let's see." and "Is it really quiet? Fair question." share too few letters for the
lexical check, yet a viewer hears one hook twice. The writer refuses a candidate whose embedding
(all-MiniLM-L6-v2, the model governance and the quality bench use; a lexical fallback when it is not
installed) sits within ``THRESHOLD`` of a hook already written or one another concept used. The bench
counts a near-duplicate above 0.9; the writer stops a little earlier, so a figure near the line is not
a matter of luck.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

import numpy as np

THRESHOLD = 0.87


@dataclass
class SemanticRepeats:
    threshold: float = THRESHOLD

    def repeats(self, text: str, others: Sequence[str]) -> bool:
        if not others:
            return False
        from adloom.governance.embeddings import default_embedder  # loads onnxruntime on first use only

        vectors = default_embedder().embed([text, *others])
        return bool(np.max(vectors[1:] @ vectors[0]) > self.threshold)
