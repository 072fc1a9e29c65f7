"""The Matcher: an index plus a score model; screens queries and compares records."""

from __future__ import annotations

import math
from collections.abc import Callable, Iterable
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import numpy as np

from scrutiny.match import ids
from scrutiny.match.explain import explain
from scrutiny.match.features import (
    NAME_FEATURES,
    NameAlignment,
    align,
    entity_features,
    name_logit_bounds,
    part_weights,
)
from scrutiny.match.forms import Form, name_forms
from scrutiny.match.index import KIND_CODES, EntityRecord, NameIndex
from scrutiny.match.query import CheckedQuery, Comparison, Hit, Query, check_query
from scrutiny.match.score import ScoreModel, default_model, with_identifier
from scrutiny.model import Entity, NameKind

CANDIDATE_NAMES = 48  # names retrieved per query before scoring
RETRIEVAL_FLOOR = 0.3
_WEIGHTS_CACHE = 400_000  # name-part tuples whose weights are kept between queries
_BOUND_MARGIN = 1e-7  # float slack when comparing a logit bound with the cutoff
_WEAK = KIND_CODES[NameKind.WEAK_ALIAS]


@dataclass
class _Best:
    logit: float
    name_id: int | None
    query_form: Form | None
    list_form: Form | None
    alignment: NameAlignment | None


class Matcher:
    """Screens names against an index of list entities."""

    def __init__(self, index: NameIndex, model: ScoreModel | None = None) -> None:
        self.index = index
        self.model = model or default_model()
        order = np.argsort(index.name_entity, kind="stable")
        bounds = np.searchsorted(index.name_entity[order], np.arange(len(index.entities) + 1))
        self._entity_names = order.astype(np.int32)
        self._entity_bounds = bounds
        self._weights: dict[tuple[str, ...], list[float]] = {}
        n = len(NAME_FEATURES)
        self._name_w = self.model.weights[:n]
        self._extra_w = self.model.weights[n:]
        weak_at = NAME_FEATURES.index("weak_alias")
        self._weak_w = self._name_w[weak_at]
        # Bounds are computed without the weak flag, which is added per name.
        self._bound_w = tuple(0.0 if i == weak_at else w for i, w in enumerate(self._name_w))

    def _weights_of(self, parts: tuple[str, ...]) -> list[float]:
        """`part_weights` of a name's parts, cached: list names recur in query after query."""
        found = self._weights.get(parts)
        if found is None:
            if len(self._weights) >= _WEIGHTS_CACHE:
                self._weights.clear()
            found = self._weights[parts] = part_weights(parts, self.index.idf)
        return found

    # --- construction --------------------------------------------------------------------

    @classmethod
    def from_entities(cls, entities: Iterable[Entity], model: ScoreModel | None = None) -> Matcher:
        """Build the index over every name of every entity."""
        return cls(NameIndex.build(entities), model)

    @classmethod
    def load(cls, index_dir: Path | str, model: ScoreModel | None = None) -> Matcher:
        """Open an index written by `save`."""
        return cls(NameIndex.load(Path(index_dir)), model)

    def save(self, index_dir: Path | str) -> None:
        """Persist the index so the next start does not rebuild it."""
        self.index.save(Path(index_dir))

    @property
    def threshold(self) -> float:
        return self.model.threshold

    def __len__(self) -> int:
        return len(self.index.entities)

    # --- screening -----------------------------------------------------------------------

    def screen(
        self, query: Query | str, *, threshold: float | None = None, limit: int = 10
    ) -> list[Hit]:
        """Hits for a query at or above the threshold (default: the alert threshold), best first."""
        checked = check_query(query)
        cutoff = self.model.threshold if threshold is None else threshold
        scored = [s for s in self._score_all(checked, cutoff) if s[0] >= cutoff]
        scored.sort(key=lambda s: (-s[0], self.index.entities[s[1]].id))
        # Explanations are built only for the hits returned: they cost more than scoring.
        return [self._hit(checked, *s) for s in scored[:limit]]

    def _score_all(
        self, query: CheckedQuery, cutoff: float = 0.0
    ) -> list[tuple[float, int, _Best, list[float] | None, str | None]]:
        """Score every retrieved entity; those that cannot reach `cutoff` may score low.

        An entity whose names' best-case logit stays below the cutoff's is not aligned in
        full (see `features.feature_bounds`); its score is then below the cutoff but not exact.
        """
        index = self.index
        forms = name_forms(query.name) if query.name else ()
        by_entity: dict[int, list[int]] = {}
        if forms:
            name_ids, scores = index.candidates(forms, CANDIDATE_NAMES, query.schema)
            if len(scores):
                # Names sharing only a small part of the best candidate's key weight cannot
                # reach an alert; skipping them keeps the scorer on the plausible few.
                keep = scores >= RETRIEVAL_FLOOR * float(scores[0])
                for name_id in name_ids[keep].tolist():
                    by_entity.setdefault(int(index.name_entity[name_id]), []).append(name_id)
        id_keys = [k for value in query.identifiers for k in ids.id_keys(None, value)]
        id_matches = index.entities_by_id(id_keys) if id_keys else {}
        for row in id_matches:
            if row not in by_entity:
                lo, hi = self._entity_bounds[row], self._entity_bounds[row + 1]
                by_entity[row] = self._entity_names[lo:hi].tolist()
        schema = str(query.schema) if query.schema else None
        cache: dict[Any, Any] = {}
        cut_logit = math.log(cutoff / (1.0 - cutoff)) if 0.0 < cutoff < 1.0 else -math.inf
        if cut_logit > -math.inf and forms:
            self._bound_forms(forms, by_entity, cache)
        results = []
        for row, name_ids_of_entity in by_entity.items():
            entity = index.entities[row]
            extra = entity_features(entity, query.birth_date, query.countries, query.gender, schema)
            floor = -math.inf
            if row not in id_matches:  # an identifier lifts any name score: no pruning
                extra_logit = sum(w * x for w, x in zip(self._extra_w, extra, strict=True))
                floor = cut_logit - self.model.bias - extra_logit - _BOUND_MARGIN
            best = self._best_name(forms, name_ids_of_entity, extra, cache, floor)
            values = best.alignment.values + extra if best.alignment else None
            probability = self.model.probability(values) if values is not None else 0.0
            key = id_matches.get(row)
            if key is not None:
                probability = with_identifier(probability, ids.is_decisive(key))
            results.append((probability, row, best, values, key))
        return results

    def _hit(
        self,
        query: CheckedQuery,
        probability: float,
        row: int,
        best: _Best,
        values: list[float] | None,
        key: str | None,
    ) -> Hit:
        entity = self.index.entities[row]
        explanation = explain(
            index=self.index,
            model=self.model,
            entity=entity,
            query_name=query.name,
            name_id=best.name_id,
            query_form=best.query_form,
            list_form=best.list_form,
            alignment=best.alignment,
            values=values,
            identifier=key,
            notes=query.notes,
        )
        return Hit(
            entity_id=entity.id,
            list_id=entity.list_id,
            programs=entity.programs,
            name=entity.name,
            score=probability,
            explanation=explanation,
        )

    def _best_name(
        self,
        forms: tuple[Form, ...],
        name_ids: list[int],
        extra: list[float],
        cache: dict[Any, Any],
        floor: float = -math.inf,
    ) -> _Best:
        """The entity's name that best matches the query (by name-feature logit).

        Names whose name logit cannot reach `floor` may be skipped (None if all are).
        """
        best = _Best(float("-inf"), None, None, None, None)
        index = self.index
        for name_id in name_ids:
            weak = int(index.name_kind[name_id]) == _WEAK
            raw = index.name_forms_raw[name_id]
            # The same name often appears on several lists: align it once per query.
            cache_key = f"{weak}{raw}"
            entry = cache.get(cache_key)
            # A result found with pruning at a higher floor is incomplete for a lower one.
            if entry is None or entry[0] > floor:
                list_forms = index.forms_of(name_id)
                entry = (floor, self._align_name(forms, list_forms, weak, cache, floor))
                cache[cache_key] = entry
            found = entry[1]
            if found is None:
                continue
            _, query_form, list_form, alignment = found
            logit = self.model.logit(alignment.values + extra)
            if logit > best.logit:
                best = _Best(logit, name_id, query_form, list_form, alignment)
        return best

    def _align_name(
        self,
        forms: tuple[Form, ...],
        list_forms: tuple[Form, ...],
        weak: bool,
        cache: dict[Any, Any],
        floor: float = -math.inf,
    ) -> tuple[float, Form, Form, NameAlignment] | None:
        best: tuple[float, Form, Form, NameAlignment] | None = None
        bounds: dict[Form, np.ndarray] = cache.get("bounds", {})
        weak_logit = self._weak_w if weak else 0.0
        for list_form in list_forms:
            # Different names share forms (a Hangul name and its romanisation, one name's
            # spelling variants): align each distinct form once per query. Taking the first
            # best per form, then the first best over forms, picks what one loop would.
            # Query forms whose best case stays below `floor` are skipped: they cannot be
            # the best unless the best is below the floor too (then the entity is dropped).
            form_key = (weak, list_form)
            entry = cache.get(form_key)
            if entry is None or entry[0] > floor:
                form_best: tuple[float, Form, Form, NameAlignment] | None = None
                ceiling = bounds.get(list_form)
                for qi, query_form in enumerate(forms):
                    if ceiling is not None and float(ceiling[qi]) + weak_logit < floor:
                        continue
                    alignment = align(query_form, list_form, self.index.idf, weak, self._weights_of)
                    logit = self.model.name_logit(alignment.values)
                    if form_best is None or logit > form_best[0]:
                        form_best = (logit, query_form, list_form, alignment)
                entry = cache[form_key] = (floor, form_best)
            found: tuple[float, Form, Form, NameAlignment] | None = entry[1]
            if found is not None and (best is None or found[0] > best[0]):
                best = found
        return best

    def _bound_forms(
        self, forms: tuple[Form, ...], by_entity: dict[int, list[int]], cache: dict[Any, Any]
    ) -> None:
        """Name-logit upper bounds of every candidate list form, into cache["bounds"]."""
        distinct: dict[Form, None] = {}
        for name_ids in by_entity.values():
            for name_id in name_ids:
                distinct.update(dict.fromkeys(self.index.forms_of(name_id)))
        list_forms = list(distinct)
        ceilings = name_logit_bounds(forms, list_forms, self._weights_of, self._bound_w)
        cache["bounds"] = {form: ceilings[:, f] for f, form in enumerate(list_forms)}

    def screen_batch(
        self, records: Any, *, threshold: float | None = None, limit: int = 10, first_row: int = 0
    ) -> list[Any]:
        """Screen an Arrow RecordBatch/Table or pandas DataFrame; see screen.records."""
        from scrutiny.screening.records import screen_batch

        return screen_batch(self, records, threshold=threshold, limit=limit, first_row=first_row)

    def pair_values(
        self, query: CheckedQuery, row: int, *, exclude_name: str | None = None
    ) -> list[float] | None:
        """Feature values of a query against one indexed entity (for calibration).

        `exclude_name` leaves out the entity's name equal to the query's own text, so an
        alias can be scored against the rest of its entity's names.
        """
        lo, hi = self._entity_bounds[row], self._entity_bounds[row + 1]
        names = [
            int(n)
            for n in self._entity_names[lo:hi]
            if exclude_name is None or self.index.name_text[n].casefold() != exclude_name
        ]
        forms = name_forms(query.name)
        if not names or not forms:
            return None
        extra = entity_features(
            self.index.entities[row],
            query.birth_date,
            query.countries,
            query.gender,
            str(query.schema) if query.schema else None,
        )
        best = self._best_name(forms, names, extra, {})
        return best.alignment.values + extra if best.alignment else None

    def candidate_rows(self, query: CheckedQuery, limit: int = CANDIDATE_NAMES) -> list[int]:
        """Entity rows the index retrieves for a query, best first (for calibration/eval)."""
        forms = name_forms(query.name)
        name_ids, _ = self.index.candidates(forms, limit, query.schema)
        return list(dict.fromkeys(int(self.index.name_entity[n]) for n in name_ids.tolist()))

    # --- comparing two records -----------------------------------------------------------

    def compare(
        self, a: Query | str, b: Query | str | Entity, *, schema: str | None = None
    ) -> Comparison:
        """Score record `a` against record `b` using this matcher's token rarity."""
        return compare_with(self.index.idf, self.model, a, b, schema=schema)


def _as_entity_record(
    b: Query | str | Entity, schema: str | None
) -> tuple[EntityRecord, list[str]]:
    if isinstance(b, Entity):
        names = [n.full for n in b.names]
        return EntityRecord.from_entity(b), names
    checked = check_query(Query(b, schema=schema) if isinstance(b, str) else b)
    keys = [k for v in checked.identifiers for k in ids.id_keys(None, v)]
    record = EntityRecord(
        id="",
        list_id="",
        schema=str(checked.schema) if checked.schema else "",
        name=checked.name,
        programs=(),
        birth_dates=((checked.birth_date, None),) if checked.birth_date else (),
        countries=checked.countries,
        gender=checked.gender,
        id_keys=tuple(keys),
        publisher_date=None,
        content_hash="",
        source_file="",
    )
    return record, [checked.name]


def compare_with(
    idf: Callable[[str], float],
    model: ScoreModel,
    a: Query | str,
    b: Query | str | Entity,
    *,
    schema: str | None = None,
) -> Comparison:
    """Score two records against each other with the given token rarity (IDF) and model."""
    checked = check_query(Query(a, schema=schema) if isinstance(a, str) else a)
    record, names = _as_entity_record(b, schema)
    query_schema = str(checked.schema) if checked.schema else None
    if not record.schema:
        record = _replace_schema(record, query_schema)
    extra = entity_features(
        record, checked.birth_date, checked.countries, checked.gender, query_schema
    )
    forms = name_forms(checked.name) if checked.name else ()
    best: tuple[float, Any, Any, Any] = (float("-inf"), None, None, None)
    for text in names:
        for list_form in name_forms(text):
            for query_form in forms:
                alignment = align(query_form, list_form, idf, False)
                logit = model.logit(alignment.values + extra)
                if logit > best[0]:
                    best = (logit, query_form, list_form, alignment)
    _, query_form, list_form, alignment = best
    values = alignment.values + extra if alignment is not None else None
    probability = model.probability(values) if values is not None else 0.0
    a_keys = {k for v in checked.identifiers for k in ids.id_keys(None, v)}
    shared = sorted(a_keys & set(record.id_keys))
    if shared:
        probability = with_identifier(probability, any(ids.is_decisive(k) for k in shared))
    contributions = model.contributions(values) if values is not None else {}
    explanation = {
        "query_form": " ".join(query_form.tokens) if query_form else None,
        "list_form": " ".join(list_form.tokens) if list_form else None,
        "parts": [
            {"query": q, "list": c, "similarity": round(s, 3), "weight": round(w, 2)}
            for q, c, s, w in (alignment.pairs if alignment else [])
        ],
        "contributions": contributions,
        "agreeing": sorted(k for k, v in contributions.items() if v > 0) + shared,
        "conflicting": sorted(k for k, v in contributions.items() if v < 0),
    }
    return Comparison(probability, probability >= model.threshold, explanation)


def _replace_schema(record: EntityRecord, schema: str | None) -> EntityRecord:
    import dataclasses

    return dataclasses.replace(record, schema=schema or "")
