"""Screening: names (one at a time) and record batches (Arrow / pandas)."""

from scrutiny.screening.names import (
    NoListsLoadedError,
    compare,
    default_matcher,
    screen,
    set_default_matcher,
)

__all__ = ["NoListsLoadedError", "compare", "default_matcher", "screen", "set_default_matcher"]
