"""Evaluation harness: labelled pair sets built from the lists' own data, and side-by-side scoring."""
