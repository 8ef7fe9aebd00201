"""What the feedback loop is told by its caller (the CLI reads settings into this; library code never does)."""

from __future__ import annotations

from dataclasses import dataclass

from adloom.errors import ConfigError
from adloom.feedback.metrics import METRICS


@dataclass(frozen=True)
class FeedbackOptions:
    metric: str = "ctr"               # the rate winners are ranked by
    min_impressions: int = 1000       # an ad is judged only past both minimums
    min_spend: float = 5.0
    exploration: float = 0.2          # share of the concept budget spread evenly, whatever the evidence
    cross_brand: bool = False         # borrow patterns learned on similar brands

    def __post_init__(self) -> None:
        if self.metric not in METRICS:
            raise ConfigError(f"unknown feedback metric '{self.metric}' (choose from {', '.join(METRICS)})",
                              field="feedback_metric")
        if not 0.0 <= self.exploration <= 1.0:
            raise ConfigError("the exploration share must be between 0 and 1", field="feedback_exploration")
