"""scrutiny: sanctions screening and exposure analysis."""

from __future__ import annotations

__version__ = "0.1.0"

# Bound after the subpackage import on purpose: `scrutiny.screen` is the function, and the
# screening subpackage stays importable as `scrutiny.screen.names` / `.records`.
from scrutiny.match import Comparison, Hit, Matcher, Query
from scrutiny.match.score import default_model as _default_model
from scrutiny.screen import compare, screen

DEFAULT_THRESHOLD: float = _default_model().threshold
"""The calibrated alert threshold (see data/match_params.json for its measured precision/recall)."""

__all__ = [
    "DEFAULT_THRESHOLD",
    "Comparison",
    "Hit",
    "Matcher",
    "Query",
    "__version__",
    "compare",
    "screen",
]
