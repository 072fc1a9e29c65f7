"""Explanations: why a hit scored what it did, in terms a compliance analyst can check."""

from __future__ import annotations

from typing import Any

from scrutiny.match import _text
from scrutiny.match.features import (
    ARABIC_SKELETON,
    NAME_FEATURES,
    same_name,
    skeleton_key,
    skeleton_kind,
    translated_pair,
    translation_met,
    translation_word,
)
from scrutiny.match.forms import Form
from scrutiny.match.index import KIND_NAMES, EntityRecord, NameIndex
from scrutiny.match.score import ScoreModel
from scrutiny.text import cyrillic


def explain(
    *,
    index: NameIndex,
    model: ScoreModel,
    entity: EntityRecord,
    query_name: str,
    name_id: int | None,
    query_form: Form | None,
    list_form: Form | None,
    pairs: list[tuple[str, str, float, float]],
    values: list[float] | None,
    identifier: str | None,
    notes: tuple[str, ...] = (),
    typed: bool = False,
) -> dict[str, Any]:
    """The explanation dict attached to a hit (JSON-ready); `typed`: the names were read as a
    company's or a vessel's (features.align)."""
    contributions = model.contributions(values) if values is not None else {}
    agreeing = sorted(k for k, v in contributions.items() if v > 0)
    conflicting = sorted(k for k, v in contributions.items() if v < 0)
    if identifier:
        agreeing.append(f"identifier {identifier}")
    result: dict[str, Any] = {
        "query_name": query_name,
        "matched_name": index.name_text[name_id] if name_id is not None else None,
        "name_kind": str(KIND_NAMES[int(index.name_kind[name_id])])
        if name_id is not None
        else None,
        **form_fields(query_form, list_form, pairs, typed),
        # Share of each side's informative weight that aligned: a short query inside a long
        # list name (or the reverse) shows here as one low side.
        "coverage": {
            "query": round(values[NAME_FEATURES.index("query_coverage")], 3),
            "list": round(values[NAME_FEATURES.index("list_coverage")], 3),
        }
        if values is not None
        else None,
        "contributions": contributions,
        "agreeing": agreeing,
        "conflicting": conflicting,
        "identifier": identifier,
        "list": entity.list_id,
        "programs": list(entity.programs),
        "list_version": {
            "publisher_date": entity.publisher_date,
            "source_file": entity.source_file,
            "content_hash": entity.content_hash,
        },
    }
    if notes:
        result["notes"] = list(notes)
    return result


def form_fields(
    query_form: Form | None,
    list_form: Form | None,
    pairs: list[tuple[str, str, float, float]],
    typed: bool = False,
) -> dict[str, Any]:
    """The aligned forms and their part-by-part pairs, for a hit's or a comparison's
    explanation; `korean_key_equal` when the query reads as a Korean name."""
    fields: dict[str, Any] = {
        "query_form": " ".join(query_form.tokens) if query_form else None,
        "list_form": " ".join(list_form.tokens) if list_form else None,
        "parts": [
            {"query": q, "list": c, "similarity": round(s, 3), "weight": round(w, 2)}
            for q, c, s, w in pairs
        ],
    }
    if query_form is not None and list_form is not None and query_form.korean:
        fields["korean_key_equal"] = query_form.korean == list_form.korean
    kind = skeleton_kind(list_form) if list_form is not None else 0
    if kind and query_form and not skeleton_kind(query_form):
        # The list name is a reading of Arabic or Cyrillic script: say which parts met by
        # consonants.
        script = "arabic" if kind == ARABIC_SKELETON else "cyrillic"
        fields[f"list_name_read_from_{script}_script"] = True
        for part in fields["parts"]:
            key = skeleton_key(part["query"], kind)
            if part["query"] != part["list"] and key and key == skeleton_key(part["list"], kind):
                part["consonant_skeleton"] = key
    if (
        query_form is not None
        and list_form is not None
        and query_form.cyrillic != list_form.cyrillic
    ):
        # One side read from Cyrillic: say which words met as one spelling (features.align).
        for part in fields["parts"]:
            key = cyrillic.spelling_key(part["query"])
            if part["query"] != part["list"] and key and key == cyrillic.spelling_key(part["list"]):
                part["spelling_key"] = key
    if typed and query_form is not None and list_form is not None:
        words = translation_words(query_form, list_form, fields["parts"])
        if words:
            fields["translation_words"] = words
    if not typed:
        # Two spellings of one person's name (features.same_name): the name items they share.
        for part in fields["parts"]:
            if part["similarity"] > 0.0 and same_name(part["query"], part["list"]):
                shared = _text.name_items(part["query"]) & _text.name_items(part["list"])
                part["same_name_wikidata"] = [f"Q{item}" for item in sorted(shared)]
    return fields


def translation_words(
    query_form: Form, list_form: Form, parts: list[dict[str, Any]]
) -> dict[str, list[str]] | None:
    """Where one name is the other translated (features.translated_pair, translation_met):
    each side's common words that met nothing, which counted for little; else None."""
    if not translated_pair(query_form, list_form):
        return None
    q_met = {p["query"]: p["similarity"] for p in parts}
    c_met = {p["list"]: p["similarity"] for p in parts}
    q_sim = [q_met.get(t, 0.0) for t in query_form.core]
    c_sim = [c_met.get(t, 0.0) for t in list_form.core]
    if not translation_met(query_form.core, q_sim, list_form.core, c_sim, query_form.foreign):
        return None
    words = {
        side: [
            t
            for t, s in zip(form.core, sims, strict=True)
            if s == 0.0 and translation_word(t, form.foreign)
        ]
        for side, form, sims in (("query", query_form, q_sim), ("list", list_form, c_sim))
    }
    return words if words["query"] or words["list"] else None


def names_equal(explanation: dict[str, Any]) -> bool:
    """Whether a hit's explanation says the query's name is the list name: the same parts in
    any order, or the same Korean name however romanised. Read from the aligned forms, not
    from the `exact` feature's contribution, which the fit may leave at 0."""
    query = sorted(str(explanation.get("query_form") or "").split())
    listed = sorted(str(explanation.get("list_form") or "").split())
    return bool(query) and (query == listed or bool(explanation.get("korean_key_equal")))
