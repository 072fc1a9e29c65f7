"""scrutiny: sanctions screening and exposure analysis."""

from __future__ import annotations

__version__ = "0.1.0"

# `scrutiny.screen` is the function; the screening subpackage is `scrutiny.screening`.
from scrutiny.match import Comparison, Hit, Matcher, Query
from scrutiny.match.score import default_model as _default_model
from scrutiny.screening import compare, screen

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
