"""Matching: candidate retrieval, features, calibrated scoring and explanations."""

from scrutiny.match.index import NameIndex
from scrutiny.match.matcher import Matcher
from scrutiny.match.query import Comparison, Hit, Query
from scrutiny.match.score import ScoreModel, default_model

__all__ = ["Comparison", "Hit", "Matcher", "NameIndex", "Query", "ScoreModel", "default_model"]
