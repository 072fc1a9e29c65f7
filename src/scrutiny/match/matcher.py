"""The Matcher: an index plus a score model; screens queries and compares records."""

from __future__ import annotations

import dataclasses
import gc
import math
from collections.abc import Callable, Iterable
from dataclasses import dataclass
from itertools import accumulate
from pathlib import Path
from typing import Any

import numpy as np

from scrutiny.match import ids, kernel
from scrutiny.match.explain import explain, form_fields
from scrutiny.match.features import (
    AGAINST,
    ENTITY_FEATURES,
    NAME_FEATURES,
    align,
    align_pairs,
    commonness,
    entity_features,
    foreign_zipf,
    gate_dates,
    part_weights,
)
from scrutiny.match.forms import Form, name_forms, query_forms
from scrutiny.match.index import KIND_CODES, SCHEMA_CODES, EntityRecord, NameIndex
from scrutiny.match.query import CheckedQuery, Comparison, Hit, Query, check_query
from scrutiny.match.score import ScoreModel, default_model, with_identifier
from scrutiny.model import Entity, EntityType, NameKind

CANDIDATE_NAMES = 48  # names retrieved per query before scoring
RETRIEVAL_FLOOR = 0.3
_WEIGHTS_CACHE = 400_000  # name-part tuples whose weights are kept between queries
_WEAK = KIND_CODES[NameKind.WEAK_ALIAS]
_WEAK_AT = kernel.WEAK_AT
_NO_EXTRA = [0.0] * len(ENTITY_FEATURES)  # a query with only a name
_NO_NAMES = np.empty(0, np.int64)
_TYPED = (EntityType.ORGANIZATION, EntityType.VESSEL)  # see features.align(typed=...)
_ORGANIZATION = SCHEMA_CODES[EntityType.ORGANIZATION]  # index.name_schema


def _typing(schema: EntityType | None) -> tuple[bool, bool]:
    """features.align's (typed, vessel) for a query of this type."""
    return schema in _TYPED, schema is EntityType.VESSEL


def _read_as(
    query_schema: EntityType | None, entity_schema: str | None, forms: tuple[Form, ...]
) -> EntityType | None:
    """The type a query's name is read as against a listed entity: its own, or, untyped and
    of one identifying part, an organization's against an organization (an untyped ONSINT
    against the company is a company's one-word name, held to the rules of companies' names,
    not to those of a word that may be a person's name part). Longer untyped names gained
    little by it, and cost a second kernel call (`Matcher._best_names`). Not a vessel's
    against a vessel: the ships' names are first names and words (DANIEL, MARIA), and an
    untyped Daniel is a person's more often; on the train side, 10,000 untyped Faker
    customers, reading them as vessels' made Daniel and Aygaz (AYNAZ, one letter off) alert."""
    if (
        query_schema is None
        and entity_schema == EntityType.ORGANIZATION
        and any(len(form.core) == 1 for form in forms)  # kernel.QueryForms.single
    ):
        return EntityType.ORGANIZATION
    return query_schema


@dataclass
class _Best:
    logit: float  # name logit of the best name (weak-alias weight included)
    name_id: int | None
    query_form: Form | None
    list_form: Form | None
    name_values: list[float] | None = None  # name features of that pair, weak flag set


_Result = tuple[float, int, tuple[int, int], list[float], str | None]


@dataclass
class _Scored:
    """`Matcher._best_names` over a list of names."""

    forms: tuple[Form, ...]  # query forms
    names: np.ndarray  # name ids, in the order asked
    scores: kernel.NameScores

    @property
    def name_logit(self) -> np.ndarray:
        return self.scores.name_logit


class Matcher:
    """Screens names against an index of list entities."""

    def __init__(
        self,
        index: NameIndex,
        model: ScoreModel | None = None,
        forms: kernel.FormTable | None = None,
    ) -> None:
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
        self._extra_by_name = dict(zip(ENTITY_FEATURES, self._extra_w, strict=True))
        self._weak_w = self._name_w[_WEAK_AT]
        self._cut_logits: dict[float, float] = {}
        self._bounds: dict[tuple[int, bool, bool], float] = {}
        # Name logits are computed without the weak flag, which is added per name.
        self._name_w_plain = np.asarray(
            [0.0 if i == _WEAK_AT else w for i, w in enumerate(self._name_w)]
        )
        if forms is None:  # not saved with the index (or not readable): built from it
            forms = kernel.FormTable.build(index.name_forms_raw, index.idf)
        self.forms = forms
        commonness("")  # loads the word tables now rather than inside the first query
        foreign_zipf("")
        self.forms.item_ids  # noqa: B018 - and the name items' (features.same_name), 10 ms
        # The index is millions of long-lived objects; left in the collector's generations,
        # every full collection re-scans them while queries run. Freezing moves
        # what exists now out of the cyclic collector's reach (reference counting still
        # frees it); see gc.freeze.
        gc.freeze()

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
        """Open an index written by `save` (and its form table, when saved with it)."""
        index = NameIndex.load(Path(index_dir))
        return cls(index, model, kernel.FormTable.load(Path(index_dir) / "forms", index.stamp))

    def save(self, index_dir: Path | str) -> None:
        """Persist the index and its form table so the next start builds neither."""
        self.index.save(Path(index_dir))
        self.forms.save(Path(index_dir) / "forms", self.index.stamp)

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
        results, scored = self._score_all(checked, cutoff)
        kept = [r for r in results if r[0] >= cutoff]
        kept.sort(key=lambda r: (-r[0], self.index.entities[r[1]].id))
        # Explanations are built only for the hits returned: they cost more than scoring.
        return [
            self._hit(checked, probability, row, self._pick(scored, at, count), extra, key)
            for probability, row, (at, count), extra, key in kept[:limit]
        ]

    def _score_all(
        self, query: CheckedQuery, cutoff: float = 0.0
    ) -> tuple[list[_Result], _Scored | None]:
        """Score every retrieved entity (and every entity sharing an identifier).

        Each result is (score, entity row, (at, count) of its names in the scored names,
        entity feature values, identifier matched or None). Entities whose name score could
        not reach `cutoff` even with every other fact agreeing are left out unscored.
        """
        index = self.index
        forms = self._query_forms(query)
        rows: list[int] = []
        names = _NO_NAMES
        bounds = [0]  # entity i's names are names[bounds[i]:bounds[i + 1]]
        if forms:
            name_ids, scores = index.candidates(forms, CANDIDATE_NAMES, query.schema)
            if len(scores):
                # Names sharing only a small part of the best candidate's key weight cannot
                # reach an alert; skipping them keeps the scorer on the plausible few. The
                # candidates come best first, so those kept are the first ones.
                n_kept = int(np.count_nonzero(scores >= RETRIEVAL_FLOOR * float(scores[0])))
                found, names, at = kernel.group_by_entity(name_ids[:n_kept], index.name_entity)
                rows, bounds = found.tolist(), at.tolist()
        id_keys = [k for value in query.identifiers for k in ids.id_keys(None, value)]
        id_matches = index.entities_by_id(id_keys) if id_keys else {}
        retrieved = set(rows)
        by_id = [row for row in id_matches if row not in retrieved]
        if by_id:  # every name of an entity found only by identifier (it may have none)
            more = [
                self._entity_names[self._entity_bounds[r] : self._entity_bounds[r + 1]]
                for r in by_id
            ]
            names = np.concatenate([names, *more]).astype(np.int64)
            rows += by_id
            bounds += list(accumulate((len(m) for m in more), initial=bounds[-1]))[1:]
        if not rows:
            return [], None
        schema = str(query.schema) if query.schema else None
        plain = not (query.birth_date or query.countries or query.gender or schema)
        scored = self._best_names(forms, names, query.schema)
        # Best name per entity; an entity found by identifier may have no indexed name.
        if not by_id:
            entity_logit = np.maximum.reduceat(scored.name_logit, bounds[:-1])
        else:
            counts = np.diff(bounds)
            entity_logit = np.full(len(rows), -np.inf)
            filled = counts > 0
            if filled.any():
                at = np.asarray(bounds[:-1])[filled]
                entity_logit[filled] = np.maximum.reduceat(scored.name_logit, at)
        bias = self.model.bias
        to_score = self.model.probability_of_logit
        if cutoff > 0.0:
            # Only entities whose name score, with the best the query's other facts could
            # add, reaches the cutoff are scored in full (and those sharing an identifier).
            cut = self._cutoff_logit(cutoff) - 1e-9  # float slack
            reach = bias + entity_logit + self._extra_bound(query) >= cut
            chosen = np.flatnonzero(reach).tolist()
            if id_matches:
                chosen = sorted(set(chosen) | {i for i, r in enumerate(rows) if r in id_matches})
        else:
            chosen = list(range(len(rows)))
        results: list[_Result] = []
        for i in chosen:
            row = rows[i]
            logit = float(entity_logit[i])
            key = id_matches.get(row)
            if plain:
                extra = _NO_EXTRA
                extra_logit = 0.0
            else:
                extra = entity_features(
                    index.entities[row], query.birth_date, query.countries, query.gender, schema
                )
                if query.birth_date:
                    # The dates count as far as the entity's best name agrees (gate_dates).
                    best = self._pick(scored, bounds[i], bounds[i + 1] - bounds[i])
                    if best.name_values is not None:
                        extra = gate_dates(extra, best.name_values)
                extra_logit = sum(w * x for w, x in zip(self._extra_w, extra, strict=True))
            probability = to_score(bias + logit + extra_logit) if logit > -math.inf else 0.0
            if key is not None:
                probability = with_identifier(probability, ids.is_decisive(key))
            results.append((probability, row, (bounds[i], bounds[i + 1] - bounds[i]), extra, key))
        return results, scored

    def _query_forms(self, query: CheckedQuery) -> tuple[Form, ...]:
        """The forms of a query's name as screening reads them (`query_forms`, and a
        mistyped legal form read as the form: `legal_typo_forms`)."""
        return query_forms(query.name, query.schema, self.index.knows) if query.name else ()

    def _cutoff_logit(self, cutoff: float) -> float:
        """`ScoreModel.cutoff_logit`, kept per cutoff: a batch asks for the same one."""
        found = self._cut_logits.get(cutoff)
        if found is None:
            found = self._cut_logits[cutoff] = self.model.cutoff_logit(cutoff)
        return found

    def _extra_bound(self, query: CheckedQuery) -> float:
        """The most a query's facts other than its name can add to the logit."""
        key = (
            len(query.birth_date) if query.birth_date else 0,
            bool(query.countries),
            query.schema == EntityType.VESSEL,
        )
        found = self._bounds.get(key)
        if found is None:
            found = self._bounds[key] = self._extra_bound_of(*key)
        return found

    def _extra_bound_of(self, dob_length: int, countries: bool, vessel: bool) -> float:
        w = self._extra_by_name
        bound = 0.0
        if dob_length:
            # An exact date match needs a full date on the query's side (features.dob_relation).
            exact = w["dob_exact"] if dob_length == 10 else 0.0
            bound += max(0.0, exact, w["dob_partial"], w["dob_near"])
        if countries:
            bound += max(0.0, w["country_match"])
        if vessel:
            bound += max(0.0, w["vessel_match"])
        # Conflicts only subtract (their weights are negative in any sensible fit; a
        # positive one is still counted so the bound stays a bound).
        bound += sum(max(0.0, w[f]) for f in AGAINST)
        return bound

    def _best_names(
        self, forms: tuple[Form, ...], names: np.ndarray | list[int], schema: EntityType | None
    ) -> _Scored:
        """Each name's best name logit over query forms x the name's forms (kernel.py). An
        untyped query of one part is read against an organization's names as an
        organization's name (`_read_as`): one kernel call for those, one for the others."""
        names_arr = np.asarray(names, np.int64)
        query = kernel.prepare_query(self.forms, forms, self._weights_of, *_typing(schema))
        # `_read_as`'s one identifying part, read off the query's arrays.
        if schema is not None or not len(names_arr) or not query.single.any():
            return _Scored(forms, names_arr, self._name_scores(query, names_arr))
        company = self.index.name_schema[names_arr] == _ORGANIZATION
        as_company = dataclasses.replace(query, typed=True)  # the same arrays, typed
        if company.all() or not company.any():
            read = as_company if company.all() else query
            return _Scored(forms, names_arr, self._name_scores(read, names_arr))
        n = len(names_arr)
        logit = np.full(n, -np.inf)
        best_form = np.full(n, -1, np.int64)
        best_q = np.zeros(n, np.int64)
        best_values = np.zeros((n, kernel.N_NAME))
        for read, mask in ((as_company, company), (query, ~company)):
            at = np.flatnonzero(mask)
            part = self._name_scores(read, names_arr[at])
            logit[at] = part.name_logit
            best_form[at] = part.best_form
            best_q[at] = part.best_q
            best_values[at] = part.best_values
        return _Scored(forms, names_arr, kernel.NameScores(logit, best_form, best_q, best_values))

    def _name_scores(self, query: kernel.QueryForms, names: np.ndarray) -> kernel.NameScores:
        weak = self.index.name_kind[names] == _WEAK
        return kernel.score_names(
            self.forms,
            query,
            names,
            weak,
            self._name_w_plain,
            self._weak_w,
            self.index.idf,
            self._weights_of,
        )

    def _pick(self, scored: _Scored | None, at: int, count: int) -> _Best:
        """The best of names[at:at + count] (the first of equals)."""
        none = _Best(float("-inf"), None, None, None)
        if scored is None or count == 0:
            return none
        logits = scored.scores.name_logit[at : at + count]
        i = at + int(np.argmax(logits))
        form_id = int(scored.scores.best_form[i])
        if form_id < 0 or not math.isfinite(float(logits[i - at])):
            return none
        return _Best(
            float(logits[i - at]),
            int(scored.names[i]),
            scored.forms[int(scored.scores.best_q[i])],
            self.forms.form(form_id),
            scored.scores.best_values[i].tolist(),
        )

    def _hit(
        self,
        query: CheckedQuery,
        probability: float,
        row: int,
        best: _Best,
        extra: list[float],
        key: str | None,
    ) -> Hit:
        entity = self.index.entities[row]
        pairs: list[tuple[str, str, float, float]] = []
        values = None
        typed = False
        if best.name_values is not None and best.query_form is not None:
            assert best.list_form is not None
            # The reference alignment's part-by-part pairs, shown to analysts; the kernel
            # computed the feature values.
            read = _read_as(query.schema, entity.schema, self._query_forms(query))
            typed, vessel = _typing(read)
            pairs = align_pairs(best.query_form, best.list_form, self._weights_of, typed, vessel)
            values = best.name_values + list(extra)
        explanation = explain(
            index=self.index,
            model=self.model,
            entity=entity,
            query_name=query.name,
            name_id=best.name_id,
            query_form=best.query_form,
            list_form=best.list_form,
            pairs=pairs,
            values=values,
            identifier=key,
            notes=query.notes,
            typed=typed,
        )
        return Hit(
            entity_id=entity.id,
            list_id=entity.list_id,
            programs=entity.programs,
            name=entity.name,
            score=probability,
            explanation=explanation,
        )

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
        forms = self._query_forms(query)
        if not names or not forms:
            return None
        extra = entity_features(
            self.index.entities[row],
            query.birth_date,
            query.countries,
            query.gender,
            str(query.schema) if query.schema else None,
        )
        best = self._pick(self._best_names(forms, names, query.schema), 0, len(names))
        if best.name_values is None:
            return None
        return best.name_values + gate_dates(extra, best.name_values)

    def candidate_rows(self, query: CheckedQuery, limit: int = CANDIDATE_NAMES) -> list[int]:
        """Entity rows the index retrieves for a query, best first (for calibration/eval)."""
        forms = self._query_forms(query)
        if not forms:
            return []
        name_ids, _ = self.index.candidates(forms, limit, query.schema)
        return list(dict.fromkeys(int(self.index.name_entity[n]) for n in name_ids.tolist()))

    # --- comparing two records -----------------------------------------------------------

    def compare(
        self, a: Query | str, b: Query | str | Entity, *, schema: str | None = None
    ) -> Comparison:
        """Score record `a` against record `b` using this matcher's token rarity."""
        return compare_with(self.index.idf, self.model, a, b, schema=schema, known=self.index.knows)


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
    known: Callable[[str], bool] | None = None,
) -> Comparison:
    """Score two records against each other with the given token rarity (IDF) and model.

    `known`: the lists' words, which `legal_typo_forms` leaves as written in `a`; without an
    index, the words of `b`'s names are those.
    """
    checked = check_query(Query(a, schema=schema) if isinstance(a, str) else a)
    record, names = _as_entity_record(b, schema)
    query_schema = str(checked.schema) if checked.schema else None
    if not record.schema:
        record = _replace_schema(record, query_schema)
    extra = entity_features(
        record, checked.birth_date, checked.countries, checked.gender, query_schema
    )
    person = record.schema == "Person"
    if known is None:
        known = {
            t for text in names for f in name_forms(text, person) for t in f.tokens
        }.__contains__
    forms = query_forms(checked.name, checked.schema, known) if checked.name else ()
    typed, vessel = _typing(_read_as(checked.schema, record.schema, forms))
    best: tuple[float, Any, Any, Any] = (float("-inf"), None, None, None)
    for text in names:
        for list_form in name_forms(text, person=person):
            for query_form in forms:
                alignment = align(query_form, list_form, idf, False, None, typed, vessel)
                logit = model.logit(alignment.values + extra)
                if logit > best[0]:
                    best = (logit, query_form, list_form, alignment)
    _, query_form, list_form, alignment = best
    values = alignment.values + gate_dates(extra, alignment.values) if alignment else None
    probability = model.probability(values) if values is not None else 0.0
    a_keys = {k for v in checked.identifiers for k in ids.id_keys(None, v)}
    shared = sorted(a_keys & set(record.id_keys))
    if shared:
        probability = with_identifier(probability, any(ids.is_decisive(k) for k in shared))
    contributions = model.contributions(values) if values is not None else {}
    explanation = {
        **form_fields(query_form, list_form, alignment.pairs if alignment else [], typed),
        "contributions": contributions,
        "agreeing": sorted(k for k, v in contributions.items() if v > 0) + shared,
        "conflicting": sorted(k for k, v in contributions.items() if v < 0),
    }
    return Comparison(probability, probability >= model.threshold, explanation)


def _replace_schema(record: EntityRecord, schema: str | None) -> EntityRecord:
    return dataclasses.replace(record, schema=schema or "")
