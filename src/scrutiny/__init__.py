"""scrutiny: sanctions screening and exposure analysis."""

from __future__ import annotations

__version__ = "0.1.0"
