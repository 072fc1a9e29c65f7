"""The scoring hot path: name features of many (query form, list form) pairs in one call.

`features.align` is the readable reference for one pair; this module computes the same values
for every candidate pair of a query at once, so that a query costs a few array operations and
one compiled loop instead of a Python loop per pair:

- `FormTable` holds every distinct list-name form of an index as integer arrays (token ids
  into one vocabulary, each part's evidence weight, Korean key and legal-form ids), built once.
- Per query, the Jaro-Winkler matrix of the query's tokens against the candidates' distinct
  tokens comes from one `rapidfuzz.process.cdist` call, turned into part similarities with
  the rules of `features._part_similarity`, vectorised.
- `_pair_features` (numba) runs the greedy one-to-one alignment and the feature formulas of
  `align` for every pair. It is written by hand because no library aligns name parts the way
  the fitted model expects; numba compiles it (cached on disk after the first run).

Pairs where one side writes two parts joined that the other writes apart ("jong un" /
"jongun") are handed to `align` itself: they need merged tokens, and they are rare.
tests/match/test_kernel.py checks that both paths give the same values on real list names.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from dataclasses import dataclass
from itertools import pairwise

import numba
import numpy as np
from rapidfuzz import process
from rapidfuzz.distance import JaroWinkler

from scrutiny.match import _text
from scrutiny.match.features import (
    _PHONETIC_MIN_RAW,
    _SHORT_PART,
    _SIM_FLOOR,
    _STRONG_SIM,
    NAME_FEATURES,
    align,
)
from scrutiny.match.forms import Form, decode_forms

N_NAME = len(NAME_FEATURES)
_WEAK_AT = NAME_FEATURES.index("weak_alias")


@dataclass
class FormTable:
    """Every distinct list-name form of an index, as arrays."""

    forms: list[Form]
    name_off: np.ndarray  # int64 (names + 1): name i's forms are name_forms[name_off[i]:...]
    name_forms: np.ndarray  # int32 form ids
    off: np.ndarray  # int64 (forms + 1): form f's parts are tok[off[f]:off[f + 1]]
    tok: np.ndarray  # int32 vocabulary id of each part
    weight: np.ndarray  # float64 evidence weight of each part (features.part_weights)
    korean: np.ndarray  # int32 Korean key id, -1 when the form is not a Korean name
    legal: np.ndarray  # int32 id of the form's legal-form set, 0 when it has none
    joined_off: np.ndarray  # int64: ids of the form's neighbouring parts written together
    joined: np.ndarray  # int32 ids into `joined_ids`
    vocab: list[str]
    vocab_ids: dict[str, int]
    tok_len: np.ndarray  # int64 letters of each vocabulary token
    tok_digit: np.ndarray  # bool
    tok_phon: np.ndarray  # int32 phonetic code id, -1 when none
    phon_ids: dict[str, int]
    korean_ids: dict[str, int]
    legal_sets: list[frozenset[str]]
    legal_ids: dict[frozenset[str], int]
    joined_ids: dict[str, int]

    @classmethod
    def build(
        cls, name_forms_raw: Sequence[str], weights_of: Callable[[tuple[str, ...]], list[float]]
    ) -> FormTable:
        form_ids: dict[str, int] = {}
        forms: list[Form] = []
        name_off = [0]
        name_form_list: list[int] = []
        for raw in name_forms_raw:
            for line in raw.split("\n"):
                fid = form_ids.get(line)
                if fid is None:
                    fid = form_ids[line] = len(forms)
                    forms.append(decode_forms(line)[0])
                name_form_list.append(fid)
            name_off.append(len(name_form_list))
        vocab_ids: dict[str, int] = {}
        korean_ids: dict[str, int] = {}
        legal_ids: dict[frozenset[str], int] = {frozenset(): 0}
        joined_ids: dict[str, int] = {}
        off = [0]
        tok: list[int] = []
        weight: list[float] = []
        korean: list[int] = []
        legal: list[int] = []
        joined_off = [0]
        joined: list[int] = []
        for form in forms:
            tok.extend(vocab_ids.setdefault(t, len(vocab_ids)) for t in form.core)
            weight.extend(weights_of(form.core))
            off.append(len(tok))
            korean.append(
                korean_ids.setdefault(form.korean, len(korean_ids)) if form.korean else -1
            )
            legal.append(legal_ids.setdefault(frozenset(form.legal), len(legal_ids)))
            joined.extend(
                joined_ids.setdefault(a + b, len(joined_ids)) for a, b in pairwise(form.core)
            )
            joined_off.append(len(joined))
        vocab = list(vocab_ids)
        phon_ids: dict[str, int] = {}
        tok_phon = []
        for t in vocab:
            code = _text.phonetic(t)
            tok_phon.append(phon_ids.setdefault(code, len(phon_ids)) if code else -1)
        legal_sets = list(legal_ids)
        return cls(
            forms=forms,
            name_off=np.asarray(name_off, np.int64),
            name_forms=np.asarray(name_form_list, np.int32),
            off=np.asarray(off, np.int64),
            tok=np.asarray(tok, np.int32),
            weight=np.asarray(weight, np.float64),
            korean=np.asarray(korean, np.int32),
            legal=np.asarray(legal, np.int32),
            joined_off=np.asarray(joined_off, np.int64),
            joined=np.asarray(joined, np.int32),
            vocab=vocab,
            vocab_ids=vocab_ids,
            tok_len=np.fromiter((len(t) for t in vocab), np.int64, len(vocab)),
            tok_digit=np.fromiter((t.isdigit() for t in vocab), bool, len(vocab)),
            tok_phon=np.asarray(tok_phon, np.int32),
            phon_ids=phon_ids,
            korean_ids=korean_ids,
            legal_sets=legal_sets,
            legal_ids=legal_ids,
            joined_ids=joined_ids,
        )

    def forms_of_name(self, name_id: int) -> np.ndarray:
        return self.name_forms[self.name_off[name_id] : self.name_off[name_id + 1]]


@dataclass
class PairScores:
    """Name features of query forms x candidate forms."""

    form_ids: np.ndarray  # int32 candidate form ids (columns)
    values: np.ndarray  # float64 (query forms, candidate forms, N_NAME), weak flag 0


def score_forms(
    table: FormTable,
    query_forms: Sequence[Form],
    form_ids: np.ndarray,
    weights_of: Callable[[tuple[str, ...]], list[float]],
    idf: Callable[[str], float],
) -> np.ndarray:
    """Name feature values (weak flag 0) of every query form x every listed form id.

    Returns a float64 array (len(query_forms), len(form_ids), N_NAME).
    """
    n_q, n_c = len(query_forms), len(form_ids)
    out = np.zeros((n_q, n_c, N_NAME))
    if n_q == 0 or n_c == 0:
        return out
    starts = table.off[form_ids]
    lengths = table.off[form_ids + 1] - starts
    gather = _ranges(starts, lengths)
    c_tok = table.tok[gather]
    c_w = table.weight[gather]
    c_off = np.zeros(n_c + 1, np.int64)
    np.cumsum(lengths, out=c_off[1:])
    c_owner = np.repeat(np.arange(n_c), lengths)  # candidate column of each part
    cols, c_col = np.unique(c_tok, return_inverse=True)
    # Query side: distinct tokens over all forms (rows of the similarity matrices).
    q_rows: dict[str, int] = {}
    q_off = [0]
    q_row: list[int] = []
    q_w: list[float] = []
    for form in query_forms:
        q_row.extend(q_rows.setdefault(t, len(q_rows)) for t in form.core)
        q_w.extend(weights_of(form.core))
        q_off.append(len(q_row))
    q_tokens = list(q_rows)
    vocab_ids = table.vocab_ids
    q_vid = np.asarray([vocab_ids.get(t, -1 - r) for r, t in enumerate(q_tokens)], np.int64)
    raw32 = process.cdist(
        q_tokens, [table.vocab[c] for c in cols.tolist()], scorer=JaroWinkler.normalized_similarity
    )
    raw = raw32.astype(np.float64)
    sim = _similarities(table, q_tokens, q_vid, cols, raw)
    # Per query form: Korean key, legal-form set, one-part flag, joined neighbours.
    c_kor = table.korean[form_ids]
    c_legal = table.legal[form_ids]
    legal_mm = np.zeros((n_q, n_c), np.bool_)
    merge = np.zeros((n_q, n_c), np.bool_)
    q_kor = np.full(n_q, -1, np.int64)
    q_has_kor = np.zeros(n_q, np.bool_)
    c_joined: np.ndarray | None = None  # joined-neighbour ids of the candidates, on demand
    joined_owner: np.ndarray | None = None
    for k, form in enumerate(query_forms):
        if form.korean is not None:
            q_has_kor[k] = True
            q_kor[k] = table.korean_ids.get(form.korean, -2)
        if form.legal and c_legal.any():
            q_legal = set(form.legal)
            distinct_legal = np.unique(c_legal)
            disjoint = np.asarray(
                [lid != 0 and q_legal.isdisjoint(table.legal_sets[lid]) for lid in distinct_legal]
            )
            legal_mm[k] = disjoint[np.searchsorted(distinct_legal, c_legal)]
        # Parts written joined on one side and apart on the other need `align`'s merging.
        q_joined = [vocab_ids[a + b] for a, b in pairwise(form.core) if a + b in vocab_ids]
        if q_joined:
            hit = np.isin(c_tok, q_joined)
            if hit.any():
                merge[k] |= np.bincount(c_owner[hit], minlength=n_c) > 0
        q_as_joined = [table.joined_ids[t] for t in form.core if t in table.joined_ids]
        if q_as_joined:
            if c_joined is None:
                j_starts = table.joined_off[form_ids]
                j_lengths = table.joined_off[form_ids + 1] - j_starts
                c_joined = table.joined[_ranges(j_starts, j_lengths)]
                joined_owner = np.repeat(np.arange(n_c), j_lengths)
            assert joined_owner is not None
            hit = np.isin(c_joined, q_as_joined)
            if hit.any():
                merge[k] |= np.bincount(joined_owner[hit], minlength=n_c) > 0
    q_len = np.asarray([len(t) for t in q_tokens], np.int64)
    single = np.asarray([len(f.core) == 1 for f in query_forms], np.bool_)
    _pair_features(
        np.asarray(q_off, np.int64),
        np.asarray(q_row, np.int64),
        np.asarray(q_w, np.float64),
        q_vid,
        q_len,
        q_kor,
        q_has_kor,
        single,
        c_off,
        c_col.astype(np.int64),
        c_tok.astype(np.int64),
        c_w,
        c_kor.astype(np.int64),
        legal_mm,
        merge,
        raw,
        sim,
        out,
    )
    if merge.any():
        for k, c in zip(*np.nonzero(merge), strict=True):
            form = table.forms[int(form_ids[c])]
            values = align(query_forms[k], form, idf, False, weights_of).values
            out[k, c] = values
    return out


def _ranges(starts: np.ndarray, lengths: np.ndarray) -> np.ndarray:
    """Concatenation of arange(s, s + n) for every (s, n)."""
    total = int(lengths.sum())
    if total == 0:
        return np.empty(0, np.int64)
    ends = np.cumsum(lengths)
    base = np.repeat(starts - (ends - lengths), lengths)
    return base + np.arange(total)


def _similarities(
    table: FormTable, q_tokens: list[str], q_vid: np.ndarray, cols: np.ndarray, raw: np.ndarray
) -> np.ndarray:
    """`features._part_similarity` of every query token x candidate token, vectorised."""
    phon_ids = table.phon_ids
    q_phon = np.asarray(
        [phon_ids.get(code, -2) if (code := _text.phonetic(t)) else -1 for t in q_tokens],
        np.int64,
    )
    c_phon = table.tok_phon[cols].astype(np.int64)
    boost = (
        (raw >= _PHONETIC_MIN_RAW)
        & (raw < 0.9)
        & (q_phon[:, None] == c_phon[None, :])
        & (q_phon[:, None] >= 0)
    )
    sim = np.maximum(0.0, (np.where(boost, 0.9, raw) - _SIM_FLOOR) / (1.0 - _SIM_FLOOR))
    q_len = np.asarray([len(t) for t in q_tokens], np.int64)
    q_digit = np.asarray([t.isdigit() for t in q_tokens], np.bool_)
    zero = (
        (np.minimum.outer(q_len, table.tok_len[cols]) <= _SHORT_PART)
        | q_digit[:, None]
        | table.tok_digit[cols][None, :]
    )
    sim[zero] = 0.0
    sim[q_vid[:, None] == cols[None, :]] = 1.0
    return sim


@numba.njit(cache=True, nogil=True)
def _pair_features(
    q_off: np.ndarray,
    q_row: np.ndarray,
    q_w_all: np.ndarray,
    q_vid: np.ndarray,
    q_len: np.ndarray,
    q_kor: np.ndarray,
    q_has_kor: np.ndarray,
    single: np.ndarray,
    c_off: np.ndarray,
    c_col: np.ndarray,
    c_vid_all: np.ndarray,
    c_w_all: np.ndarray,
    c_kor: np.ndarray,
    legal_mm: np.ndarray,
    merge: np.ndarray,
    raw: np.ndarray,
    sim: np.ndarray,
    out: np.ndarray,
) -> None:
    n_q = len(q_off) - 1
    n_c = len(c_off) - 1
    for k in range(n_q):
        qa, qb = q_off[k], q_off[k + 1]
        nq = qb - qa
        rows = q_row[qa:qb]
        q_w = q_w_all[qa:qb]
        q_vids = q_vid[rows]
        q_sorted = np.sort(q_vids)
        q_total = q_w.sum()
        if q_total == 0.0:
            q_total = 1.0
        syllabic = nq > 0
        for i in range(nq):
            if q_len[rows[i]] > 4:  # _SHORT_PART + 1
                syllabic = False
        for c in range(n_c):
            if merge[k, c]:
                continue
            ca, cb = c_off[c], c_off[c + 1]
            nc = cb - ca
            cols = c_col[ca:cb]
            c_vids = c_vid_all[ca:cb]
            c_w = c_w_all[ca:cb]
            q_sim = np.zeros(nq)
            c_sim = np.zeros(nc)
            korean_equal = q_has_kor[k] and q_kor[k] >= 0 and q_kor[k] == c_kor[c]
            same = nq == nc
            if same:
                for i in range(nq):
                    if q_vids[i] != c_vids[i]:
                        same = False
                        break
            if same or korean_equal:
                q_sim[:] = 1.0
                c_sim[:] = 1.0
            elif nq > 0 and nc > 0:
                used_q = np.zeros(nq, np.bool_)
                used_c = np.zeros(nc, np.bool_)
                for _ in range(min(nq, nc)):
                    # The most similar unused pair; ties go to the larger (i, j), as in
                    # `align`'s reverse sort of (raw, i, j).
                    best = -1.0
                    bi = -1
                    bj = -1
                    for i in range(nq):
                        if used_q[i]:
                            continue
                        for j in range(nc):
                            if used_c[j]:
                                continue
                            r = raw[rows[i], cols[j]]
                            if r >= best:
                                best = r
                                bi = i
                                bj = j
                    used_q[bi] = True
                    used_c[bj] = True
                    s = sim[rows[bi], cols[bj]]
                    q_sim[bi] = s
                    c_sim[bj] = s
            matched = 0.0
            fuzzy = 0.0
            letters = 0
            rarest = 0.0
            for i in range(nq):
                s = q_sim[i]
                matched += q_w[i] * s
                if 0.0 < s < 1.0:
                    fuzzy += q_w[i] * s
                if s >= 0.9:  # _STRONG_SIM
                    if q_w[i] > rarest:
                        rarest = q_w[i]
                    if q_w[i] >= 3.0:
                        letters += q_len[rows[i]]
            # Distinct strong parts (a part repeated in the query counts once).
            strong = 0
            for i in range(nq):
                if q_sim[i] >= 0.9 and q_w[i] >= 3.0:
                    seen = False
                    for h in range(i):
                        if q_vids[h] == q_vids[i] and q_sim[h] >= 0.9 and q_w[h] >= 3.0:
                            seen = True
                            break
                    if not seen:
                        strong += 1
            c_total = c_w.sum()
            if c_total == 0.0:
                c_total = 1.0
            c_matched = 0.0
            unmatched = 0.0
            for j in range(nc):
                c_matched += c_w[j] * c_sim[j]
                if c_sim[j] == 0.0:
                    unmatched += c_w[j]
            q_cov = matched / q_total
            c_cov = c_matched / c_total
            exact = korean_equal
            if not exact and nq == nc:
                exact = True
                c_sorted = np.sort(c_vids)
                for i in range(nq):
                    if q_sorted[i] != c_sorted[i]:
                        exact = False
                        break
            row = out[k, c]
            row[0] = q_cov
            row[1] = c_cov
            row[2] = q_cov * c_cov
            row[3] = 1.0 if exact else 0.0
            row[4] = min(2.0, matched / 10.0)
            row[5] = 1.0 if single[k] else 0.0
            row[6] = 0.0
            row[7] = 1.0 if legal_mm[k, c] else 0.0
            row[8] = min(q_cov, c_cov)
            row[9] = min(1.0, strong / 3.0)
            row[10] = fuzzy / matched if matched else 0.0
            row[11] = 1.0 if syllabic else 0.0
            row[12] = min(1.0, unmatched / 10.0)
            row[13] = min(1.5, rarest / 10.0)
            row[14] = 1.0 if q_has_kor[k] and not exact else 0.0
            row[15] = min(1.5, letters / 20.0)
            row[16] = 1.0 if exact and single[k] else 0.0


@numba.njit(cache=True, nogil=True)
def segment_argmax(values: np.ndarray, off: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """Max and first argmax (index into `values`) of each segment values[off[i]:off[i+1]].

    Empty segments give -inf and -1.
    """
    n = len(off) - 1
    best = np.full(n, -np.inf)
    arg = np.full(n, -1, np.int64)
    for s in range(n):
        for i in range(off[s], off[s + 1]):
            if values[i] > best[s] or arg[s] < 0:
                best[s] = values[i]
                arg[s] = i
    return best, arg


_ = _STRONG_SIM, _WEAK_AT  # thresholds shared with features.py (spelled out in the kernel)
