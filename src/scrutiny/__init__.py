"""scrutiny: sanctions screening and exposure analysis."""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

__version__ = "0.1.0"

if TYPE_CHECKING:
    from scrutiny.match import Comparison, Hit, Matcher, Query
    from scrutiny.screen import compare, screen

    DEFAULT_THRESHOLD: float

_EXPORTS = {
    "screen": "scrutiny.screen",
    "compare": "scrutiny.screen",
    "Query": "scrutiny.match",
    "Hit": "scrutiny.match",
    "Comparison": "scrutiny.match",
    "Matcher": "scrutiny.match",
}


def __getattr__(name: str) -> Any:
    # Lazy, so `import scrutiny` (e.g. for __version__ or a parser) stays cheap.
    import importlib

    if name == "DEFAULT_THRESHOLD":
        from scrutiny.match.score import default_model

        return default_model().threshold
    if name in _EXPORTS:
        return getattr(importlib.import_module(_EXPORTS[name]), name)
    raise AttributeError(f"module 'scrutiny' has no attribute {name!r}")


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
