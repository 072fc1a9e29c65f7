"""The scoring hot path: name features of many (query form, list form) pairs in one call.

`features.align` is the readable reference for one pair; this module computes the same values
for every candidate pair of a query at once, so that a query costs a few array operations and
one compiled loop instead of a Python loop per pair:

- `FormTable` holds every distinct list-name form of an index as integer arrays (token ids
  into one vocabulary, each part's evidence weight, Korean key and legal-form word ids),
  built once with the index.
- Per query, `_gather` collects the candidates' distinct forms and tokens, one
  `rapidfuzz.process.cdist` call gives the Jaro-Winkler matrix of the query's tokens against
  those tokens, and `_features` turns it into part similarities (the rules of
  `features._part_similarity`), runs the greedy one-to-one alignment and computes every
  feature of `align` for every pair; `_select` picks each name's best pair. These three are
  written by hand because no library aligns name parts the way the fitted model expects;
  numba compiles them (cached on disk after the first run).

Pairs where one side writes two parts joined that the other writes apart ("jong un" /
"jongun") are handed to `align` itself: they need merged tokens, and they are rare.
tests/match/test_kernel.py checks that both paths give the same values on real list names.
"""

from __future__ import annotations

import threading
import zipfile
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from functools import cached_property, lru_cache
from itertools import pairwise
from pathlib import Path
from typing import Any

import numba
import numpy as np
import orjson
from rapidfuzz import process
from rapidfuzz.distance import OSA, JaroWinkler

from scrutiny.match import _text
from scrutiny.match.features import (
    _DISTINCT_LETTERS,
    _KOREAN_PARTS,
    _PHONETIC_MIN_RAW,
    _SHORT_PART,
    _SHORT_TYPO_SIM,
    _SIM_FLOOR,
    _SKELETON_RAW,
    _STRONG_SIM,
    _TRANSLATED_FACTOR,
    _TYPO_ALONE,
    ARABIC_SKELETON,
    CYRILLIC_SKELETON,
    CYRILLIC_SPELLING,
    DISTINCT,
    FOREIGN_COMMON,
    FOREIGN_FORM,
    FOREIGN_ONLY,
    LATIN_COMMON,
    LATIN_OWN,
    NAME_FEATURES,
    SAME_NAME_RAW,
    align,
    commonness,
    form_translation_bits,
    gender_form,
    looks_patronymic,
    part_weights_table,
    short_word_lengths,
    skeleton_key,
    skeleton_kind,
    translation_bits,
    typo_lengths,
)
from scrutiny.match.forms import (
    Form,
    apart_compounds,
    decode_forms,
    form_columns,
    joined_compounds,
    joined_skeleton,
    joined_skeletons,
)
from scrutiny.text import arabic

N_NAME = len(NAME_FEATURES)
_NO_EDITS = np.zeros((0, 0), np.bool_)
_ROW_CACHE = 200_000  # query tokens whose FormTable.row_of values are kept between queries
WEAK_AT = NAME_FEATURES.index("weak_alias")


@dataclass
class FormTable:
    """Every distinct list-name form of an index, as arrays."""

    form_lines: list[str]  # encode_forms() line of each distinct form (see `form`)
    name_off: np.ndarray  # int64 (names + 1): name i's forms are name_forms[name_off[i]:...]
    name_forms: np.ndarray  # int32 form ids
    off: np.ndarray  # int64 (forms + 1): form f's parts are tok[off[f]:off[f + 1]]
    tok: np.ndarray  # int32 vocabulary id of each part
    weight: np.ndarray  # float64 evidence weight of each part (features.part_weights)
    korean: np.ndarray  # int32 Korean key id, -1 when the form is not a Korean name
    sino: np.ndarray  # bool: a Sino-Korean reading of Han (Form.sino)
    reading: np.ndarray  # bool: a reading of Han, Hangul or Kana (Form.reading)
    skel_kind: np.ndarray  # int8: features.skeleton_kind of each form (Form.arabic, .cyrillic)
    # int8 per form: FOREIGN_FORM (Form.foreign), LATIN_OWN (features.translated_pair's Latin side)
    form_trans: np.ndarray
    legal_off: np.ndarray  # int64: the form's legal-form words are legal_tok[legal_off[f]:...]
    legal_tok: np.ndarray  # int32 ids into `legal_words`
    legal_words: dict[str, int]
    joined_off: np.ndarray  # int64: ids of the form's neighbouring parts written together
    joined: np.ndarray  # int64 hash() of each pair of neighbouring parts written together
    vocab: list[str]
    vocab_ids: dict[str, int]
    vocab_array: np.ndarray  # object: `vocab`, for selecting many tokens at once
    tok_len: np.ndarray  # int64 letters of each vocabulary token
    tok_word_len: np.ndarray  # int64 `_word_lengths` of each vocabulary token
    tok_digit: np.ndarray  # bool
    tok_phon: np.ndarray  # int32 phonetic code id, -1 when none
    tok_syl: np.ndarray  # bool: a Korean or Mandarin syllable of <= 4 letters (_text.is_syllable)
    tok_chars: np.ndarray  # int32 (vocab, 4): code points of tokens of <= 4 letters, else 0
    tok_gender: np.ndarray  # int64 features.gender_form of each token
    # int32 (vocabulary, 3): features.skeleton_key ids of Arabic (column 0) and Cyrillic (1)
    # forms' tokens, and every token's spelling key (2: CYRILLIC_SPELLING), else -1
    tok_skel: np.ndarray
    tok_patronymic: np.ndarray  # bool: features.looks_patronymic (patronymic_apart)
    tok_trans: np.ndarray  # int8 `translation_bits` of each token
    # int32 id of each token's text.arabic.compound_key (-1 none): computed, not saved
    tok_compound: np.ndarray
    compound_ids: dict[str, int]
    phon_ids: dict[str, int]
    skel_ids: dict[str, int]
    korean_ids: dict[str, int]
    # Query tokens' `row_of` values: a customer file repeats its words.
    row_cache: dict[str, tuple[float, ...]] = field(default_factory=dict, repr=False)
    skel_cache: dict[tuple[str, int], int] = field(default_factory=dict, repr=False)
    # features.same_name: each query token's vocabulary ids of the same name (same_name_ids)
    name_cache: dict[str, np.ndarray | None] = field(default_factory=dict, repr=False)

    @classmethod
    def build(cls, name_forms_raw: Sequence[str], idf: Callable[[str], float]) -> FormTable:
        form_ids: dict[str, int] = {}
        form_lines: list[str] = []
        name_off = [0]
        name_form_list: list[int] = []
        for raw in name_forms_raw:
            for line in raw.split("\n"):
                fid = form_ids.get(line)
                if fid is None:
                    fid = form_ids[line] = len(form_lines)
                    form_lines.append(line)
                name_form_list.append(fid)
            name_off.append(len(name_form_list))
        # Column by column rather than form by form: one Python step per form was most of
        # the table's build. Ids are given in order of first appearance, as before.
        columns = form_columns(form_lines)
        counts = np.fromiter(
            (c.count(" ") + 1 if c else 0 for c in columns.core), np.int64, len(form_lines)
        )
        parts = " ".join(columns.core).split()
        vocab_ids = {t: i for i, t in enumerate(dict.fromkeys(parts))}
        vocab = list(vocab_ids)
        tok_array = np.fromiter(map(vocab_ids.__getitem__, parts), np.int32, len(parts))
        off_array = np.zeros(len(form_lines) + 1, np.int64)
        np.cumsum(counts, out=off_array[1:])
        legal_words: dict[str, int] = {}
        legal_off = [0]
        legal_tok: list[int] = []
        for legal in columns.legal:
            if legal:
                legal_tok.extend(
                    legal_words.setdefault(t, len(legal_words))
                    for t in dict.fromkeys(legal.split())
                )
            legal_off.append(len(legal_tok))
        korean_ids: dict[str, int] = {}
        korean = [
            korean_ids.setdefault(key, len(korean_ids)) if key else -1 for key in columns.korean
        ]
        skel_kind = np.asarray(
            [
                ARABIC_SKELETON if a else CYRILLIC_SKELETON if c else 0
                for a, c in zip(columns.arabic, columns.cyrillic, strict=True)
            ],
            np.int8,
        )
        joined_off, joined = _joined(vocab, tok_array, off_array, skel_kind == ARABIC_SKELETON)
        tok_syl, tok_chars, tok_gender = _token_arrays(vocab)
        tok_trans = np.fromiter(map(translation_bits, vocab), np.int8, len(vocab))
        phon_ids: dict[str, int] = {}
        tok_phon = []
        for t in vocab:
            code = _text.phonetic(t)
            tok_phon.append(phon_ids.setdefault(code, len(phon_ids)) if code else -1)
        # Skeletons only meet parts of list names read from Arabic or Cyrillic script
        # (features.align): only their tokens get one, of that script's kind.
        skel_ids: dict[str, int] = {}
        tok_skel = np.full((len(vocab), 3), -1, np.int32)
        for fid in np.flatnonzero(skel_kind).tolist():
            kind = int(skel_kind[fid])
            for vid in tok_array[off_array[fid] : off_array[fid + 1]].tolist():
                key = skeleton_key(vocab[vid], kind)
                if key:
                    tok_skel[vid, kind - 1] = skel_ids.setdefault(f"{kind}{key}", len(skel_ids))
        # Spelling keys of every word: a Latin query meets a Cyrillic reading's words by them,
        # and a Cyrillic query's reading the Latin names' words.
        for vid, token in enumerate(vocab):
            key = skeleton_key(token, CYRILLIC_SPELLING)
            if key:
                tok_skel[vid, 2] = skel_ids.setdefault(f"{CYRILLIC_SPELLING}{key}", len(skel_ids))
        return cls(
            form_lines=form_lines,
            name_off=np.asarray(name_off, np.int64),
            name_forms=np.asarray(name_form_list, np.int32),
            off=off_array,
            tok=tok_array,
            weight=part_weights_table(vocab, tok_array, off_array, idf),
            korean=np.asarray(korean, np.int32),
            sino=np.asarray(columns.sino, np.bool_),
            reading=np.asarray(columns.reading, np.bool_),
            skel_kind=skel_kind,
            form_trans=_form_trans(columns.foreign, columns.reading),
            legal_off=np.asarray(legal_off, np.int64),
            legal_tok=np.asarray(legal_tok, np.int32),
            legal_words=legal_words,
            joined_off=joined_off,
            joined=joined,
            vocab=vocab,
            vocab_ids=vocab_ids,
            vocab_array=np.asarray(vocab, dtype=object),
            tok_len=np.fromiter((len(t) for t in vocab), np.int64, len(vocab)),
            tok_word_len=_word_lengths(vocab),
            tok_digit=np.fromiter((t.isdigit() for t in vocab), bool, len(vocab)),
            tok_phon=np.asarray(tok_phon, np.int32),
            tok_syl=tok_syl,
            tok_chars=tok_chars,
            tok_gender=tok_gender,
            tok_skel=tok_skel,
            tok_patronymic=np.fromiter(map(looks_patronymic, vocab), np.bool_, len(vocab)),
            tok_trans=tok_trans,
            **_compound_ids(vocab),
            phon_ids=phon_ids,
            skel_ids=skel_ids,
            korean_ids=korean_ids,
        )

    # --- persistence: a restart reads the table instead of building it (docs/benchmarks.md)

    def save(self, folder: Path, stamp: str) -> None:
        """Write the table beside the index it was built from (`NameIndex.stamp`)."""
        folder.mkdir(parents=True, exist_ok=True)
        done = folder / "stamp"
        done.unlink(missing_ok=True)  # written last: a half-written table is never read
        np.savez(folder / "arrays.npz", **{name: getattr(self, name) for name in _SAVED_ARRAYS})
        words = {name: list(getattr(self, name)) for name in _SAVED_WORDS}
        words["form_lines"] = self.form_lines
        (folder / "words.json").write_bytes(orjson.dumps(words))
        done.write_text(stamp, encoding="utf-8")

    @classmethod
    def load(cls, folder: Path, stamp: str) -> FormTable | None:
        """The table `save` wrote with the index of this stamp; None if there is none."""
        try:
            if not stamp or (folder / "stamp").read_text(encoding="utf-8") != stamp:
                return None
            words = orjson.loads((folder / "words.json").read_bytes())
            with np.load(folder / "arrays.npz") as saved:
                arrays = {name: saved[name] for name in _SAVED_ARRAYS}
        except (OSError, ValueError, KeyError, EOFError, zipfile.BadZipFile):
            return None  # unreadable: the caller builds the table instead
        vocab = words["vocab"]
        # Python's string hash is per process: neighbour hashes are computed again.
        joined_off, joined = _joined(
            vocab, arrays["tok"], arrays["off"], arrays["skel_kind"] == ARABIC_SKELETON
        )
        return cls(
            form_lines=words["form_lines"],
            legal_words={w: i for i, w in enumerate(words["legal_words"])},
            joined_off=joined_off,
            joined=joined,
            vocab=vocab,
            vocab_ids={t: i for i, t in enumerate(vocab)},
            vocab_array=np.asarray(vocab, dtype=object),
            phon_ids={w: i for i, w in enumerate(words["phon_ids"])},
            skel_ids={w: i for i, w in enumerate(words["skel_ids"])},
            korean_ids={w: i for i, w in enumerate(words["korean_ids"])},
            **_compound_ids(vocab),
            **arrays,
        )

    def row_of(self, token: str) -> tuple[float, ...]:
        """A query token's per-row values, as the table's own tokens have them: vocabulary
        id (-1 none), commonness, letters, digits only, phonetic code id (-1 none, -2 not in
        the table), syllable, gender form, patronymic (`tok_patronymic`), compound id
        (`tok_compound`), spelling key id (`tok_skel` column 2), `translation_bits`, then
        the code points `_short_typo` compares (as `_token_arrays` gives the vocabulary's).
        Floats, so that one array call takes a query's rows; every integer here is exact in a
        float. A vocabulary token's are read from the table's columns, which hold the same
        values."""
        found = self.row_cache.get(token)
        if found is None:
            if len(self.row_cache) >= _ROW_CACHE:
                self.row_cache.clear()
            vid = self.vocab_ids.get(token, -1)
            if vid >= 0:  # the table's own columns: no word test run again
                found = self.row_cache[token] = (
                    vid,
                    commonness(token),
                    int(self.tok_len[vid]),
                    bool(self.tok_digit[vid]),
                    int(self.tok_phon[vid]),
                    bool(self.tok_syl[vid]),
                    int(self.tok_gender[vid]),
                    bool(self.tok_patronymic[vid]),
                    int(self.tok_compound[vid]),
                    int(self.tok_skel[vid, 2]),
                    int(self.tok_trans[vid]),
                    *self.tok_chars[vid].tolist(),
                )
                return found
            code = _text.phonetic(token)
            chars = _code_points(token)
            found = self.row_cache[token] = (
                -1,
                commonness(token),
                len(token),
                token.isdigit(),
                self.phon_ids.get(code, -2) if code else -1,
                _short_syllable(token),
                gender_form(token),
                looks_patronymic(token),
                self.compound_ids.get(arabic.compound_key(token) or "", -1),
                self.skeleton_id(token, CYRILLIC_SPELLING),
                translation_bits(token),
                *chars,
                *[0] * (_SHORT_PART + 1 - len(chars)),
            )
        return found

    def skeleton_id(self, token: str, kind: int) -> int:
        """A query token's skeleton id of one kind (`tok_skel`'s column kind - 1; -1 none,
        -2 not in the table)."""
        found = self.skel_cache.get((token, kind))
        if found is None:
            if len(self.skel_cache) >= _ROW_CACHE:
                self.skel_cache.clear()
            key = skeleton_key(token, kind)
            found = self.skel_cache[token, kind] = (
                self.skel_ids.get(f"{kind}{key}", -2) if key else -1
            )
        return found

    def same_name_ids(self, token: str) -> np.ndarray | None:
        """Sorted vocabulary ids of the parts that are the same person's name as a query
        token by `features.same_name` (Yury / Jurij), None when it has no name item."""
        if token in self.name_cache:
            return self.name_cache[token]
        if len(self.name_cache) >= _ROW_CACHE:
            self.name_cache.clear()
        ids = {vid for item in _text.name_items(token) for vid in self.item_ids.get(item, ())}
        found = self.name_cache[token] = np.asarray(sorted(ids), np.int64) if ids else None
        return found

    @cached_property
    def item_ids(self) -> dict[int, list[int]]:
        """Wikidata name item -> vocabulary ids of the parts that may be it (`same_name_ids`;
        derived from the vocabulary, not saved: about 10 ms)."""
        found: dict[int, list[int]] = {}
        for vid, part in enumerate(self.vocab):
            for item in _text.name_items(part):
                found.setdefault(item, []).append(vid)
        return found

    def form(self, form_id: int) -> Form:
        return decode_forms(self.form_lines[form_id])[0]

    def forms_of_name(self, name_id: int) -> np.ndarray:
        return self.name_forms[self.name_off[name_id] : self.name_off[name_id + 1]]


@dataclass
class QueryForms:
    """A query's forms as arrays: parts of every form, and their distinct tokens ("rows")."""

    forms: tuple[Form, ...]
    tokens: list[str]  # distinct tokens over all forms (rows of the similarity matrices)
    off: np.ndarray  # int64 (forms + 1): form k's parts are row[off[k]:off[k + 1]]
    row: np.ndarray  # int64 row of each part
    weight: np.ndarray  # float64 evidence weight of each part
    vid: np.ndarray  # int64 vocabulary id of each row, -1 - row when not in the vocabulary
    length: np.ndarray  # int64 letters of each row
    digit: np.ndarray  # bool per row
    phon: np.ndarray  # int64 phonetic code id per row (-1 none, -2 not in the table)
    syl: np.ndarray  # bool per row: a short syllable (FormTable.tok_syl)
    chars: np.ndarray  # int32 (rows, 4): FormTable.tok_chars of each row
    gender: np.ndarray  # int64 features.gender_form per row
    common: np.ndarray  # float64 features.commonness of each row
    patronymic: np.ndarray  # bool per row (FormTable.tok_patronymic)
    compound: np.ndarray  # int64 per row (FormTable.tok_compound; -1 none)
    spell: np.ndarray  # int64 spelling key id per row (FormTable.tok_skel column 2; -1 none)
    trans: np.ndarray  # int8 `translation_bits` per row
    korean: np.ndarray  # int64 Korean key id per form (-1 none, -2 not in the table)
    has_korean: np.ndarray  # bool per form
    sino: np.ndarray  # bool per form (Form.sino)
    reading: np.ndarray  # bool per form (Form.reading)
    skel_kind: np.ndarray  # int8 per form: features.skeleton_kind
    form_trans: np.ndarray  # int8 per form: FormTable.form_trans
    single: np.ndarray  # bool per form: one identifying part
    legal_off: np.ndarray  # int64: form k's legal words are legal[legal_off[k]:...]
    legal: np.ndarray  # int64 ids into the table's legal words (-1 unknown)
    joined_off: np.ndarray  # int64: vocabulary ids of form k's neighbouring parts joined
    joined: np.ndarray  # int64
    as_joined_off: np.ndarray  # int64: hash() of form k's parts, to meet FormTable.joined
    as_joined: np.ndarray  # int64
    typed: bool = False  # the query says it is an organization or a vessel
    vessel: bool = False  # ... a vessel (features.align)


def prepare_query(
    table: FormTable,
    forms: Sequence[Form],
    weights_of: Callable[[tuple[str, ...]], list[float]],
    typed: bool = False,
    vessel: bool = False,
) -> QueryForms:
    """A query's forms as the arrays the kernel reads."""
    rows: dict[str, int] = {}
    off = [0]
    row: list[int] = []
    weight: list[float] = []
    korean: list[int] = []
    legal_off = [0]
    legal: list[int] = []
    joined_off = [0]
    joined: list[int] = []
    as_joined_off = [0]
    as_joined: list[int] = []
    vocab_ids = table.vocab_ids
    for form in forms:
        row.extend(rows.setdefault(t, len(rows)) for t in form.core)
        weight.extend(weights_of(form.core))
        off.append(len(row))
        if form.korean is None:
            korean.append(-1)
        else:
            korean.append(table.korean_ids.get(form.korean, -2))
        legal.extend(table.legal_words.get(t, -1) for t in dict.fromkeys(form.legal))
        legal_off.append(len(legal))
        joined.extend(vocab_ids[a + b] for a, b in pairwise(form.core) if a + b in vocab_ids)
        joined_off.append(len(joined))
        # Hashes, not a dict of every joined pair (12 MB): a collision only sends the pair
        # to `align`, which merges exactly.
        as_joined.extend(hash(t) for t in form.core)
        as_joined.extend(_query_compound_hashes(form.core))
        as_joined_off.append(len(as_joined))
    tokens = list(rows)
    flags = np.array(
        [(f.korean is not None, f.sino, f.reading, len(f.core) == 1) for f in forms],
        np.bool_,
    ).reshape(len(forms), 4)
    has_korean, sino, reading, single = flags.T.copy()
    return QueryForms(
        forms=tuple(forms),
        tokens=tokens,
        off=np.asarray(off, np.int64),
        row=np.asarray(row, np.int64),
        weight=np.asarray(weight, np.float64),
        **_row_arrays(table, tokens),
        korean=np.asarray(korean, np.int64),
        has_korean=has_korean,
        sino=sino,
        reading=reading,
        skel_kind=np.fromiter(map(skeleton_kind, forms), np.int8, len(forms)),
        form_trans=np.fromiter(map(form_translation_bits, forms), np.int8, len(forms)),
        single=single,
        legal_off=np.asarray(legal_off, np.int64),
        legal=np.asarray(legal, np.int64),
        joined_off=np.asarray(joined_off, np.int64),
        joined=np.asarray(joined, np.int64),
        as_joined_off=np.asarray(as_joined_off, np.int64),
        as_joined=np.asarray(as_joined, np.int64),
        typed=typed,
        vessel=vessel,
    )


@dataclass
class NameScores:
    """The best (query form, list form) of each of a list of names, and its values."""

    name_logit: np.ndarray  # best name logit per name (weak weight included; -inf if none)
    best_form: np.ndarray  # int64 form id of the best form per name (-1 if none)
    best_q: np.ndarray  # int64 query form index per name
    best_values: np.ndarray  # (names, N_NAME) feature values of the best pair, weak flag set


class _Scratch(threading.local):
    """Per-thread marker arrays (the service screens on several threads)."""

    def __init__(self) -> None:
        self.arrays: tuple[np.ndarray, np.ndarray] | None = None


_SCRATCH = _Scratch()


def _scratch(table: FormTable) -> tuple[np.ndarray, np.ndarray]:
    arrays = _SCRATCH.arrays
    n_forms = len(table.form_lines)
    if arrays is None or len(arrays[0]) != n_forms or len(arrays[1]) != len(table.vocab):
        arrays = _SCRATCH.arrays = (
            np.full(n_forms, -1, np.int64),
            np.full(len(table.vocab), -1, np.int64),
        )
    return arrays


def score_names(
    table: FormTable,
    query: QueryForms,
    names: np.ndarray,
    weak: np.ndarray,
    name_weights: np.ndarray,
    weak_weight: float,
    idf: Callable[[str], float],
    weights_of: Callable[[tuple[str, ...]], list[float]],
) -> NameScores:
    """Score `names` (int64 name ids; `weak` flags them) against the query's forms.

    `name_weights` are the model's name-feature weights with the weak flag's set to 0;
    `weak_weight` is added for weak names. Ties go to the first query form, then the first
    of a name's forms, as `align` called in that order would pick.
    """
    form_mark, tok_mark = _scratch(table)
    form_ids, position_col, cols, c_off, c_col, c_w = _gather(
        names,
        table.name_off,
        table.name_forms,
        table.off,
        table.tok,
        table.weight,
        form_mark,
        tok_mark,
    )
    values = score_gathered(table, query, form_ids, cols, c_off, c_col, c_w, idf, weights_of)
    logit, best_form, best_q, best_values = _select(
        values, name_weights, weak_weight, names, table.name_off, position_col, form_ids, weak
    )
    return NameScores(logit, best_form, best_q, best_values)


def score_gathered(
    table: FormTable,
    query: QueryForms,
    form_ids: np.ndarray,
    cols: np.ndarray,
    c_off: np.ndarray,
    c_col: np.ndarray,
    c_w: np.ndarray,
    idf: Callable[[str], float],
    weights_of: Callable[[tuple[str, ...]], list[float]],
) -> np.ndarray:
    """Name feature values (query forms, gathered forms, N_NAME) of the query x the forms."""
    n_q, n_c = len(query.forms), len(form_ids)
    values = np.zeros((n_q, n_c, N_NAME))
    merge = np.zeros((n_q, n_c), np.bool_)
    if n_q == 0 or n_c == 0:
        return values
    vocab = table.vocab_array[cols].tolist()
    raw = process.cdist(query.tokens, vocab, scorer=JaroWinkler.normalized_similarity).astype(
        np.float64
    )
    # features.patronymic_apart: a patronymic and a part that is none do not pair.
    apart = query.patronymic[:, None] != table.tok_patronymic[cols][None, :]
    if apart.any():
        far = process.cdist(query.tokens, vocab, scorer=OSA.distance, score_cutoff=2) > 2
        raw[apart & far] = 0.0
    # features.same_compound: two spellings of one Arabic compound are one part.
    if query.compound.max() >= 0:
        same = query.compound[:, None] == table.tok_compound[cols][None, :]
        raw[same & (query.compound[:, None] >= 0)] = 1.0
    # features.same_name: two spellings of one person's name (Yury / Jurij).
    if not query.typed:
        for k, token in enumerate(query.tokens):
            ids = table.same_name_ids(token)
            if ids is not None:
                # `ids` is sorted: one binary search per column (np.isin costs more here)
                hit = ids[np.minimum(np.searchsorted(ids, cols), len(ids) - 1)] == cols
                if hit.any():
                    raw[k, hit] = np.maximum(raw[k, hit], SAME_NAME_RAW)
    # features.typo_word and features.typo_short_word, word by word, for a typed
    # (organization / vessel) query only; their name tests (two parts, a shared legal form,
    # a company's only word) are `_features`'.
    if query.typed:
        edit = process.cdist(query.tokens, vocab, scorer=OSA.distance, score_cutoff=1) == 1
        q_len = _word_lengths(query.tokens)[:, None]
        v_len = table.tok_word_len[cols][None, :]
        one_edit = edit & typo_lengths(q_len, v_len)
        same_first = query.chars[:, :1] == table.tok_chars[cols][None, :, 0]
        four_edit = edit & short_word_lengths(q_len, v_len, same_first)
        four_edit &= ~query.syl[:, None] & ~table.tok_syl[cols][None, :]
    else:
        one_edit = four_edit = _NO_EDITS
    _features(
        query.off, query.row, query.weight, query.vid, query.length, query.digit, query.phon,
        query.syl, query.chars, query.gender, query.common, query.trans, query.form_trans,
        query.korean, query.has_korean, query.sino, query.reading, query.skel_kind,
        _query_skeletons(table, query, form_ids),
        query.single, query.legal_off, query.legal,
        query.joined_off, query.joined, *_as_joined(table, query, form_ids),
        form_ids, cols, c_off, c_col, c_w,
        table.tok, table.tok_len, table.tok_digit, table.tok_phon, table.tok_syl,
        table.tok_chars, table.tok_gender, table.tok_skel, table.korean, table.sino,
        table.reading, table.skel_kind, table.tok_trans, table.form_trans,
        table.legal_off, table.legal_tok, table.joined_off, table.joined,
        raw, one_edit, four_edit, query.typed, query.vessel, values, merge,
    )  # fmt: skip
    if merge.any():
        # Parts written joined on one side and apart on the other: `align` merges them.
        for k, c in zip(*np.nonzero(merge), strict=True):
            form = table.form(int(form_ids[c]))
            values[k, c] = align(
                query.forms[k], form, idf, False, weights_of, query.typed, query.vessel
            ).values
    return values


def _as_joined(
    table: FormTable, query: QueryForms, form_ids: np.ndarray
) -> tuple[np.ndarray, np.ndarray]:
    """QueryForms.as_joined_off and .as_joined, with each Latin form's `_skeleton_hashes`
    added where a gathered form is read from Arabic script and the query may be a person's:
    most queries gather none, and are spared them."""
    if query.typed or not (table.skel_kind[form_ids] == ARABIC_SKELETON).any():
        return query.as_joined_off, query.as_joined
    off = [0]
    hashes: list[int] = []
    for k, form in enumerate(query.forms):
        hashes.extend(query.as_joined[query.as_joined_off[k] : query.as_joined_off[k + 1]].tolist())
        if form.korean is None and not skeleton_kind(form):
            hashes.extend(_skeleton_hashes(form.core, listed=False))
        off.append(len(hashes))
    return np.asarray(off, np.int64), np.asarray(hashes, np.int64)


def _query_skeletons(table: FormTable, query: QueryForms, form_ids: np.ndarray) -> np.ndarray:
    """The query's skeleton ids (rows, 3) of the kinds the gathered forms are read with
    (`FormTable.skeleton_id`), -1 elsewhere: a person's query meets them (features.align),
    and most queries gather no such form of one kind or the other."""
    out = np.full((len(query.tokens), 3), -1, np.int64)
    out[:, 2] = query.spell  # spelling keys: read where one side is read from Cyrillic
    kinds = table.skel_kind[form_ids]
    if query.typed or not kinds.any():
        return out
    for kind in (ARABIC_SKELETON, CYRILLIC_SKELETON):
        if (kinds == kind).any():
            out[:, kind - 1] = [table.skeleton_id(t, kind) for t in query.tokens]
    return out


def _word_lengths(tokens: Sequence[str]) -> np.ndarray:
    """Length of each token made of letters only, 0 for any other (features.typo_word)."""
    return np.fromiter((len(t) if t.isalpha() else 0 for t in tokens), np.int64, len(tokens))


def score_forms(
    table: FormTable,
    query_forms: Sequence[Form],
    form_ids: np.ndarray,
    weights_of: Callable[[tuple[str, ...]], list[float]],
    idf: Callable[[str], float],
    typed: bool = False,
    vessel: bool = False,
) -> np.ndarray:
    """Name feature values (weak flag 0) of every query form x every listed form id.

    Returns a float64 array (len(query_forms), len(form_ids), N_NAME); for tests and tools
    (the matcher goes through `score_names`).
    """
    form_ids = np.asarray(form_ids, np.int64)
    starts = table.off[form_ids]
    lengths = table.off[form_ids + 1] - starts
    parts = _ranges(starts, lengths)
    cols, c_col = np.unique(table.tok[parts], return_inverse=True)
    c_off = np.zeros(len(form_ids) + 1, np.int64)
    np.cumsum(lengths, out=c_off[1:])
    query = prepare_query(table, query_forms, weights_of, typed, vessel)
    return score_gathered(
        table, query, form_ids, cols.astype(np.int64), c_off, c_col.astype(np.int64),
        table.weight[parts], idf, weights_of,
    )  # fmt: skip


@numba.njit(cache=True, nogil=True)
def group_by_entity(
    names: np.ndarray, name_entity: np.ndarray
) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """Candidate names grouped by entity: (entity rows in order of first appearance, the
    names in that grouping, each in its order, and the groups' bounds (rows + 1)).

    Compiled, as a dict of lists cost more per query than scoring; the names are a few
    dozen, so an entity is looked up among those already seen.
    """
    n = len(names)
    rows = np.empty(n, np.int64)
    group = np.empty(n, np.int64)
    counts = np.zeros(n, np.int64)
    g = 0
    for i in range(n):
        entity = name_entity[names[i]]
        at = -1
        for j in range(g):
            if rows[j] == entity:
                at = j
                break
        if at < 0:
            at = g
            rows[g] = entity
            g += 1
        group[i] = at
        counts[at] += 1
    bounds = np.zeros(g + 1, np.int64)
    for j in range(g):
        bounds[j + 1] = bounds[j] + counts[j]
    fill = bounds[:g].copy()
    grouped = np.empty(n, np.int64)
    for i in range(n):
        grouped[fill[group[i]]] = names[i]
        fill[group[i]] += 1
    return rows[:g].copy(), grouped, bounds


def _ranges(starts: np.ndarray, lengths: np.ndarray) -> np.ndarray:
    """Concatenation of arange(s, s + n) for every (s, n)."""
    total = int(lengths.sum())
    if total == 0:
        return np.empty(0, np.int64)
    ends = np.cumsum(lengths)
    base = np.repeat(starts - (ends - lengths), lengths)
    return base + np.arange(total)


@numba.njit(cache=True, nogil=True)
def _gather(
    names: np.ndarray,
    name_off: np.ndarray,
    name_forms: np.ndarray,
    off: np.ndarray,
    tok: np.ndarray,
    weight: np.ndarray,
    form_mark: np.ndarray,
    tok_mark: np.ndarray,
) -> tuple[np.ndarray, np.ndarray, np.ndarray, np.ndarray, np.ndarray, np.ndarray]:
    """The distinct forms of `names` and their distinct tokens, with local numbering.

    Returns (form ids, column of each name-form position, token ids ("cols"), per-form
    part offsets, per-part column, per-part weight). The marker arrays are all -1 on entry
    and are left so.
    """
    n_pos = 0
    for name in names:
        n_pos += name_off[name + 1] - name_off[name]
    position_col = np.empty(n_pos, np.int64)
    form_ids = np.empty(n_pos, np.int64)
    n_forms = 0
    p = 0
    n_parts = 0
    for name in names:
        for i in range(name_off[name], name_off[name + 1]):
            f = name_forms[i]
            if form_mark[f] < 0:
                form_mark[f] = n_forms
                form_ids[n_forms] = f
                n_forms += 1
                n_parts += off[f + 1] - off[f]
            position_col[p] = form_mark[f]
            p += 1
    form_ids = form_ids[:n_forms].copy()
    c_off = np.zeros(n_forms + 1, np.int64)
    c_col = np.empty(n_parts, np.int64)
    c_w = np.empty(n_parts)
    cols = np.empty(n_parts, np.int64)
    n_cols = 0
    q = 0
    for c in range(n_forms):
        f = form_ids[c]
        form_mark[f] = -1
        for i in range(off[f], off[f + 1]):
            t = tok[i]
            if tok_mark[t] < 0:
                tok_mark[t] = n_cols
                cols[n_cols] = t
                n_cols += 1
            c_col[q] = tok_mark[t]
            c_w[q] = weight[i]
            q += 1
        c_off[c + 1] = q
    cols = cols[:n_cols].copy()
    for t in cols:
        tok_mark[t] = -1
    return form_ids, position_col, cols, c_off, c_col, c_w


# What `FormTable.save` writes: these arrays, and the word tables (in id order).
_SAVED_ARRAYS = (
    "name_off", "name_forms", "off", "tok", "weight", "korean", "sino", "reading", "skel_kind",
    "form_trans", "legal_off", "legal_tok", "tok_len", "tok_word_len", "tok_digit", "tok_phon",
    "tok_syl", "tok_chars", "tok_gender", "tok_skel", "tok_patronymic", "tok_trans",
)  # fmt: skip
_SAVED_WORDS = ("vocab", "legal_words", "phon_ids", "skel_ids", "korean_ids")


def _compound_ids(vocab: list[str]) -> dict[str, Any]:
    """FormTable.tok_compound and .compound_ids: the Arabic compounds of the vocabulary
    written joined (Abdullah, Abdallah, Abdollah: one id), computed at build and at load."""
    ids: dict[str, int] = {}
    tok = np.full(len(vocab), -1, np.int32)
    for vid, token in enumerate(vocab):
        key = arabic.compound_key(token)
        if key:
            tok[vid] = ids.setdefault(key, len(ids))
    return {"tok_compound": tok, "compound_ids": ids}


def _joined(
    vocab: list[str], tok: np.ndarray, off: np.ndarray, arabic_forms: np.ndarray
) -> tuple[np.ndarray, np.ndarray]:
    """(FormTable.joined_off, FormTable.joined): hash() of each form's neighbouring parts
    written together, then the `_compound_hashes` of its Arabic compounds and, for a form
    read from Arabic script (`arabic_forms`), the `_skeleton_hashes` of its parts."""
    counts = np.diff(off)
    has_next = np.ones(len(tok), bool)  # every part but each form's last
    has_next[off[1:][counts > 0] - 1] = False
    at = np.flatnonzero(has_next)
    left, right = tok[at].tolist(), tok[at + 1].tolist()
    pairs = np.fromiter(
        (hash(vocab[a] + vocab[b]) for a, b in zip(left, right, strict=True)), np.int64, len(at)
    )
    base = np.maximum(counts - 1, 0)
    extra = _compound_hashes(vocab, tok, off, has_next)
    for fid in np.flatnonzero(arabic_forms).tolist():
        core = tuple(vocab[v] for v in tok[off[fid] : off[fid + 1]].tolist())
        hashes = _skeleton_hashes(core, listed=True)
        if hashes:
            extra[fid] = extra.get(fid, ()) + hashes
    sizes = base.copy()
    for fid, hashes in extra.items():
        sizes[fid] += len(hashes)
    joined_off = np.zeros(len(off), np.int64)
    np.cumsum(sizes, out=joined_off[1:])
    joined = np.empty(int(joined_off[-1]), np.int64)
    # Each form's pairs first, at the start of its slice.
    form_of_pair = np.repeat(np.arange(len(counts)), base)
    pair_off = np.zeros(len(off), np.int64)
    np.cumsum(base, out=pair_off[1:])
    joined[joined_off[form_of_pair] + np.arange(len(pairs)) - pair_off[form_of_pair]] = pairs
    for fid, hashes in extra.items():
        begin = int(joined_off[fid] + base[fid])
        joined[begin : begin + len(hashes)] = hashes
    return joined_off, joined


def _compound_hashes(
    vocab: list[str], tok: np.ndarray, off: np.ndarray, has_next: np.ndarray
) -> dict[int, tuple[int, ...]]:
    """Per form, `compound_hash`es of its Arabic compounds: parts that make one written apart
    ("w", to meet a query part that writes it joined) and parts that are one written joined
    ("t", to meet a query's parts written apart). Either sends the pair to `align`, whose
    `features._merge_joined` joins them. The compounds are the query's own
    (`forms.apart_compounds`, `joined_compounds`), read only in forms holding a part that may
    begin, continue or be one."""
    starts = np.fromiter((t in arabic.COMPOUND_STARTS for t in vocab), np.bool_, len(vocab))
    middles = np.fromiter(map(arabic.may_continue, vocab), np.bool_, len(vocab))
    joined = np.fromiter((arabic.compound_key(t) is not None for t in vocab), np.bool_, len(vocab))
    may = joined[tok]
    may[:-1] |= has_next[:-1] & (starts[tok[:-1]] | middles[tok[1:]])
    extra: dict[int, tuple[int, ...]] = {}
    for fid in np.unique(np.searchsorted(off, np.flatnonzero(may), side="right") - 1).tolist():
        core = tuple(vocab[v] for v in tok[off[fid] : off[fid + 1]].tolist())
        hashes = (
            *(compound_hash("w", key) for key in apart_compounds(core)),
            *(compound_hash("t", key) for key in joined_compounds(core)),
        )
        if hashes:
            extra[fid] = hashes
    return extra


def compound_hash(tag: str, key: str) -> int:
    """hash() of an Arabic compound's key for `_features`' test of parts to merge: by its
    consonant skeleton, so that a compound read from Arabic script with other vowels (sif al
    din / seifeddine) is sent to `align` too."""
    return hash((tag, arabic.skeleton(key)))


@lru_cache(maxsize=1 << 16)
def _skeleton_hashes(core: tuple[str, ...], listed: bool) -> tuple[int, ...]:
    """Hashes that send a Latin query and a name read from Arabic script to `align` when two
    neighbouring parts of one side make one long part of the other by consonant skeleton
    (forms.joined_skeleton: MOHAMMAD HOSSEIN / محمدحسین). Both the two parts' joined
    skeleton and a long part's skeleton are tagged by the side that writes them apart, "l"
    (the list's, `listed`) or "q" (the query's), so that each side's pairs meet the other
    side's long parts."""
    apart, whole = ("l", "q") if listed else ("q", "l")
    hashes = [hash((apart, key)) for a, b in pairwise(core) if (key := joined_skeleton(a, b))]
    hashes += [hash((whole, key)) for key in joined_skeletons(core)]
    return tuple(hashes)


@lru_cache(maxsize=1 << 16)
def _query_compound_hashes(core: tuple[str, ...]) -> tuple[int, ...]:
    """The query form's side of `_compound_hashes`: a part written joined meets list parts
    written apart ("w"), parts written apart meet a list part written joined ("t")."""
    return (
        *(compound_hash("w", key) for key in joined_compounds(core)),
        *(compound_hash("t", key) for key in apart_compounds(core)),
    )


def _row_arrays(table: FormTable, tokens: list[str]) -> dict[str, np.ndarray]:
    """QueryForms' per-row arrays, from `FormTable.row_of` (one array call, not eight)."""
    short = _SHORT_PART + 1
    values = np.array([table.row_of(t) for t in tokens], np.float64).reshape(
        len(tokens), 11 + short
    )
    cols = values.T.astype(np.int64)  # a copy: each row is a contiguous array
    vid = cols[0]
    unknown = vid < 0
    if unknown.any():  # a token not in the vocabulary: -1 - its row
        vid[unknown] = -1 - np.flatnonzero(unknown)
    return {
        "vid": vid,
        "common": np.ascontiguousarray(values[:, 1]),
        "length": cols[2],
        "digit": cols[3].astype(np.bool_),
        "phon": cols[4],
        "syl": cols[5].astype(np.bool_),
        "gender": cols[6],
        "patronymic": cols[7].astype(np.bool_),
        "compound": cols[8],
        "spell": cols[9],
        "trans": cols[10].astype(np.int8),
        "chars": np.ascontiguousarray(cols[11:].T, np.int32),
    }


def _form_trans(foreign: list[bool], reading: list[bool]) -> np.ndarray:
    """`form_translation_bits` of every form of a table at once (from its columns)."""
    is_foreign = np.asarray(foreign, np.bool_)
    own = ~is_foreign & ~np.asarray(reading, np.bool_)
    return (is_foreign * FOREIGN_FORM + own * LATIN_OWN).astype(np.int8)


def _short_syllable(token: str) -> bool:
    """A Korean or Mandarin syllable of at most 4 letters (_text.is_syllable)."""
    return len(token) <= _SHORT_PART + 1 and _text.is_syllable(token)


def _code_points(token: str) -> list[int]:
    """The code points `_short_typo` compares: a token's of at most 4 letters, else none."""
    return [ord(ch) for ch in token] if len(token) <= _SHORT_PART + 1 else []


def _token_arrays(tokens: Sequence[str]) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """Per-token arrays the similarity step reads (query rows read the same per token,
    `FormTable.row_of`): `_short_syllable`, `_code_points` zero-padded, features.gender_form.
    Generators, not a tuple per token: that version took 0.13 s against 0.04 s over the
    43,435 tokens of every list's names."""
    syl = np.fromiter((_short_syllable(t) for t in tokens), np.bool_, len(tokens))
    chars = np.zeros((len(tokens), _SHORT_PART + 1), np.int32)
    for i, t in enumerate(tokens):
        if len(t) <= _SHORT_PART + 1:
            chars[i, : len(t)] = _code_points(t)
    gender = np.fromiter((gender_form(t) for t in tokens), np.int64, len(tokens))
    return syl, chars, gender


@numba.njit(cache=True, nogil=True)
def _out_of_order(partner: np.ndarray, q_sim: np.ndarray, c_sim: np.ndarray) -> None:
    """features.out_of_order, applied: when every part is paired, the parts paired out of
    place under the rotation that keeps most in place are unpaired (similarity 0)."""
    n = len(partner)
    for i in range(n):
        if q_sim[i] == 0.0:
            return
    best = -1
    best_off = n + 1
    for shift in range(n):
        off = 0
        for i in range(n):
            if partner[i] != (i + shift) % n:
                off += 1
        if off == 0:
            return
        if off < best_off:
            best_off = off
            best = shift
    for i in range(n):
        if partner[i] != (i + best) % n:
            q_sim[i] = 0.0
            c_sim[partner[i]] = 0.0


@numba.njit(cache=True, nogil=True)
def _short_typo(a: np.ndarray, la: int, b: np.ndarray, lb: int) -> bool:
    """features.short_typo without the syllable test: both parts of 2-4 letters, the same
    first letter, and one substitution, insertion, deletion or adjacent transposition apart."""
    if la > _SHORT_PART + 1 or lb > _SHORT_PART + 1 or la < 2 or lb < 2 or a[0] != b[0]:
        return False
    if la == lb:
        diff = 0
        first = -1
        for i in range(la):
            if a[i] != b[i]:
                diff += 1
                if first < 0:
                    first = i
        if diff == 1:
            return True
        return (
            diff == 2 and first + 1 < la and a[first] == b[first + 1] and a[first + 1] == b[first]
        )
    if la == lb + 1:
        a, b, la, lb = b, a, lb, la
    if lb != la + 1:
        return False
    # b is a with one letter more: skip one letter of b once.
    i = 0
    while i < la and a[i] == b[i]:
        i += 1
    for j in range(i, la):  # noqa: SIM110 (numba compiles no generator inside all())
        if a[j] != b[j + 1]:
            return False
    return True


@numba.njit(cache=True, nogil=True)
def _features(
    q_off: np.ndarray,
    q_row: np.ndarray,
    q_w_all: np.ndarray,
    q_vid: np.ndarray,
    q_len: np.ndarray,
    q_digit: np.ndarray,
    q_phon: np.ndarray,
    q_syl: np.ndarray,
    q_chars: np.ndarray,
    q_gender: np.ndarray,
    q_common: np.ndarray,
    q_trans: np.ndarray,
    q_form_trans: np.ndarray,
    q_kor: np.ndarray,
    q_has_kor: np.ndarray,
    q_sino: np.ndarray,
    q_reading: np.ndarray,
    q_kind: np.ndarray,
    q_skel: np.ndarray,
    single: np.ndarray,
    q_legal_off: np.ndarray,
    q_legal: np.ndarray,
    q_joined_off: np.ndarray,
    q_joined: np.ndarray,
    q_asj_off: np.ndarray,
    q_asj: np.ndarray,
    form_ids: np.ndarray,
    cols: np.ndarray,
    c_off: np.ndarray,
    c_col: np.ndarray,
    c_w_all: np.ndarray,
    tok: np.ndarray,
    tok_len: np.ndarray,
    tok_digit: np.ndarray,
    tok_phon: np.ndarray,
    tok_syl: np.ndarray,
    tok_chars: np.ndarray,
    tok_gender: np.ndarray,
    tok_skel: np.ndarray,
    form_korean: np.ndarray,
    form_sino: np.ndarray,
    form_reading: np.ndarray,
    form_kind: np.ndarray,
    tok_trans: np.ndarray,
    form_trans: np.ndarray,
    legal_off: np.ndarray,
    legal_tok: np.ndarray,
    joined_off: np.ndarray,
    joined: np.ndarray,
    raw: np.ndarray,
    one_edit: np.ndarray,
    four_edit: np.ndarray,
    typed: bool,
    vessel: bool,
    out: np.ndarray,
    merge: np.ndarray,
) -> None:
    n_q = len(q_off) - 1
    n_c = len(c_off) - 1
    n_rows, n_cols = raw.shape
    # Part similarities (features._part_similarity) of every row x column; `plain` without
    # features.typo_word's lift, which a one-word query does not get.
    sim = np.empty((n_rows, n_cols))
    plain = np.empty((n_rows, n_cols))
    for r in range(n_rows):
        for u in range(n_cols):
            t = cols[u]
            x = raw[r, u]
            if q_vid[r] == t:
                sim[r, u] = plain[r, u] = 1.0
                continue
            if q_digit[r] or tok_digit[t]:
                sim[r, u] = plain[r, u] = 0.0
                continue
            if min(q_len[r], tok_len[t]) <= _SHORT_PART:
                typo = (not (q_syl[r] and tok_syl[t])) and _short_typo(
                    q_chars[r], q_len[r], tok_chars[t], tok_len[t]
                )
                sim[r, u] = plain[r, u] = _SHORT_TYPO_SIM if typo else 0.0
                continue
            if _PHONETIC_MIN_RAW <= x < 0.9 and q_phon[r] >= 0 and q_phon[r] == tok_phon[t]:
                x = 0.9
            sim[r, u] = max(0.0, (x - _SIM_FLOOR) / (1.0 - _SIM_FLOOR))
            plain[r, u] = sim[r, u]
            if typed and one_edit[r, u] and sim[r, u] < _STRONG_SIM:
                sim[r, u] = _STRONG_SIM  # features.typo_word
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
            if q_len[rows[i]] > _SHORT_PART + 1:
                syllabic = False
        for c in range(n_c):
            f = form_ids[c]
            ca, cb = c_off[c], c_off[c + 1]
            nc = cb - ca
            if q_sino[k] or form_sino[f]:
                # features.sino_allowed; a form it rules out keeps a row of zeros.
                allowed = not (q_sino[k] and form_sino[f])
                if allowed and not (q_has_kor[k] and q_kor[k] >= 0 and q_kor[k] == form_korean[f]):
                    allowed = nq == nc
                    if allowed:
                        c_sorted = np.sort(cols[c_col[ca:cb]])
                        for i in range(nq):
                            if q_sorted[i] != c_sorted[i]:
                                allowed = False
                                break
                if not allowed:
                    continue
            # Parts written joined on one side and apart on the other: left to `align`.
            needs_merge = False
            for h in range(q_joined_off[k], q_joined_off[k + 1]):
                for i in range(ca, cb):
                    if cols[c_col[i]] == q_joined[h]:
                        needs_merge = True
            for h in range(q_asj_off[k], q_asj_off[k + 1]):
                for i in range(joined_off[f], joined_off[f + 1]):
                    if joined[i] == q_asj[h]:
                        needs_merge = True
            if needs_merge:
                merge[k, c] = True
                continue
            # Legal forms on both sides: none shared is a conflict (legal_mismatch); one
            # shared stands for a second part in features.typo_short_word's name test.
            legal_mismatch = False
            legal_shared = False
            la, lb = q_legal_off[k], q_legal_off[k + 1]
            fa, fb = legal_off[f], legal_off[f + 1]
            if lb > la and fb > fa:
                for h in range(la, lb):
                    for i in range(fa, fb):
                        if q_legal[h] == legal_tok[i]:
                            legal_shared = True
                legal_mismatch = not legal_shared
            ccols = c_col[ca:cb]
            c_w = c_w_all[ca:cb]
            q_sim = np.zeros(nq)
            c_sim = np.zeros(nc)
            korean_equal = q_has_kor[k] and q_kor[k] >= 0 and q_kor[k] == form_korean[f]
            same = nq == nc
            if same:
                for i in range(nq):
                    if q_vids[i] != cols[ccols[i]]:
                        same = False
                        break
            opposite = False
            if same or korean_equal:
                q_sim[:] = 1.0
                c_sim[:] = 1.0
            elif nq > 0 and nc > 0:
                # features.align: a Latin query meets a list name read from Arabic or
                # Cyrillic script by skeleton.
                kind = 0 if typed or q_kind[k] else form_kind[f]
                s = kind - 1  # the column of q_skel and tok_skel of this kind
                # features.align: one side read from Cyrillic, the other not: a word of one
                # spelling key (column 2) is the same word.
                spelled = (q_kind[k] == CYRILLIC_SKELETON) != (form_kind[f] == CYRILLIC_SKELETON)
                used_q = np.zeros(nq, np.bool_)
                used_c = np.zeros(nc, np.bool_)
                partner = np.full(nq, -1, np.int64)
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
                            x = raw[rows[i], ccols[j]]
                            if (
                                kind
                                and x < _SKELETON_RAW
                                and q_skel[rows[i], s] >= 0
                                and q_skel[rows[i], s] == tok_skel[cols[ccols[j]], s]
                            ):
                                x = _SKELETON_RAW
                            if (
                                spelled
                                and x < 1.0
                                and q_skel[rows[i], 2] >= 0
                                and q_skel[rows[i], 2] == tok_skel[cols[ccols[j]], 2]
                            ):
                                x = 1.0
                            if x >= best:
                                best = x
                                bi = i
                                bj = j
                    used_q[bi] = True
                    used_c[bj] = True
                    partner[bi] = bj
                    if q_reading[k] or form_reading[f]:  # Form.reading: exact parts only
                        x = 1.0 if q_vids[bi] == cols[ccols[bj]] else 0.0
                    else:
                        x = sim[rows[bi], ccols[bj]]
                        if (
                            nq == 1
                            and not vessel
                            and not legal_shared
                            and max(q_len[rows[bi]], tok_len[cols[ccols[bj]]]) < _TYPO_ALONE
                        ):
                            x = plain[rows[bi], ccols[bj]]  # features.align: no typo_word
                        if (
                            typed
                            and x < _STRONG_SIM
                            and ((nq > 1 and nc > 1) or legal_shared)
                            and four_edit[rows[bi], ccols[bj]]
                        ):
                            x = _STRONG_SIM  # features.typo_short_word
                        if (
                            kind
                            and x < _STRONG_SIM
                            and q_skel[rows[bi], s] >= 0
                            and q_skel[rows[bi], s] == tok_skel[cols[ccols[bj]], s]
                        ):
                            x = _STRONG_SIM  # features.align: the same consonant skeleton
                        if (
                            spelled
                            and x < 1.0
                            and q_skel[rows[bi], 2] >= 0
                            and q_skel[rows[bi], 2] == tok_skel[cols[ccols[bj]], 2]
                        ):
                            x = 1.0  # features.align: the same spelling key
                    q_sim[bi] = x
                    c_sim[bj] = x
                    g = q_gender[rows[bi]]
                    if x > 0.0 and g != 0 and g == -tok_gender[cols[ccols[bj]]]:
                        opposite = True  # features.gender_form
                if q_has_kor[k] and form_korean[f] >= 0 and nq == nc == _KOREAN_PARTS:
                    _out_of_order(partner, q_sim, c_sim)  # features.out_of_order
            matched = 0.0
            fuzzy = 0.0
            letters = 0
            rarest = 0.0
            strong = 0
            common = 2.0  # min commonness of the parts matched near-exactly
            for i in range(nq):
                x = q_sim[i]
                matched += q_w[i] * x
                if 0.0 < x < 1.0:
                    fuzzy += q_w[i] * x
                if x >= _STRONG_SIM:
                    if q_common[rows[i]] < common:
                        common = q_common[rows[i]]
                    if q_w[i] > rarest:
                        rarest = q_w[i]
                    if q_w[i] >= 3.0:
                        letters += q_len[rows[i]]
                        # Distinct strong parts (a part repeated in the query counts once).
                        seen = False
                        for h in range(i):
                            if q_vids[h] == q_vids[i] and q_sim[h] >= _STRONG_SIM and q_w[h] >= 3.0:
                                seen = True
                                break
                        if not seen:
                            strong += 1
            # features.translated_pair: a translation's unmatched common words count little.
            q_bit, c_bit = FOREIGN_COMMON, LATIN_COMMON
            translated = False
            if not typed:
                pass  # features.align: persons' names are not translated
            elif q_form_trans[k] & FOREIGN_FORM and form_trans[f] & LATIN_OWN:
                translated = True
            elif form_trans[f] & FOREIGN_FORM and q_form_trans[k] & LATIN_OWN:
                translated = True
                q_bit, c_bit = LATIN_COMMON, FOREIGN_COMMON
            if translated:  # features.translation_met
                translated = False
                for i in range(nq):
                    if (
                        q_sim[i] == 1.0
                        and q_len[rows[i]] >= _DISTINCT_LETTERS
                        and q_trans[rows[i]] & DISTINCT
                    ):
                        translated = True
                        break
                if translated and q_bit == LATIN_COMMON:  # the query is the Latin name
                    for i in range(nq):
                        if q_sim[i] == 0.0 and q_trans[rows[i]] & FOREIGN_ONLY:
                            translated = False
                elif translated:
                    for j in range(nc):
                        if c_sim[j] == 0.0 and tok_trans[cols[ccols[j]]] & FOREIGN_ONLY:
                            translated = False
            q_cover = q_total
            if translated:
                q_cover = 0.0
                for i in range(nq):
                    w = q_w[i]
                    if q_sim[i] == 0.0 and q_trans[rows[i]] & q_bit:
                        w *= _TRANSLATED_FACTOR
                    q_cover += w
                if q_cover == 0.0:
                    q_cover = 1.0
            c_total = 0.0
            c_matched = 0.0
            unmatched = 0.0
            left_over = False
            for j in range(nc):
                w = c_w[j]
                c_matched += w * c_sim[j]
                if c_sim[j] == 0.0:
                    if translated and tok_trans[cols[ccols[j]]] & c_bit:
                        w *= _TRANSLATED_FACTOR
                    unmatched += w
                    left_over = True
                c_total += w
            if c_total == 0.0:
                c_total = 1.0
            if q_reading[k]:  # features.align: the characters written, no more, no fewer
                for i in range(nq):
                    if q_sim[i] == 0.0:
                        left_over = True
                if left_over:
                    continue
            q_cov = matched / q_cover
            c_cov = c_matched / c_total
            exact = korean_equal
            if not exact and nq == nc:
                exact = True
                c_sorted = np.sort(cols[ccols])
                for i in range(nq):
                    if q_sorted[i] != c_sorted[i] or q_sim[i] == 0.0:
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
            row[7] = 1.0 if legal_mismatch else 0.0
            row[8] = min(q_cov, c_cov)
            row[9] = min(1.0, strong / 3.0)
            row[10] = fuzzy / matched if matched else 0.0
            row[11] = 1.0 if syllabic else 0.0
            row[12] = min(1.0, unmatched / 10.0)
            row[13] = min(1.5, rarest / 10.0)
            contained = nq >= 2 and nc > nq
            for i in range(nq):
                if q_sim[i] != 1.0:
                    contained = False
            korean_both = q_has_kor[k] and form_korean[f] >= 0
            row[14] = 1.0 if korean_both and not exact and not contained and nq >= 2 else 0.0
            row[15] = min(1.5, letters / 20.0)
            # features.align: a person's query of 2+ parts meeting a one-part name too
            single_match = (single[k] or (not typed and nq >= 2)) and nc == 1 and matched > 0.0
            row[16] = 1.0 if single_match else 0.0
            row[17] = common if common <= 1.0 else 0.0
            row[18] = 1.0 if typed and single_match and q_sim[0] >= _STRONG_SIM else 0.0
            row[19] = 1.0 if contained else 0.0
            row[20] = 1.0 if opposite else 0.0
            near_exact = common <= 1.0  # `common` is set by any part matched near-exactly
            row[21] = 1.0 if nq >= 2 and not exact and not near_exact else 0.0


@numba.njit(cache=True, nogil=True)
def _select(
    values: np.ndarray,
    name_weights: np.ndarray,
    weak_weight: float,
    names: np.ndarray,
    name_off: np.ndarray,
    position_col: np.ndarray,
    form_ids: np.ndarray,
    weak: np.ndarray,
) -> tuple[np.ndarray, np.ndarray, np.ndarray, np.ndarray]:
    """Per name: best logit over its forms x query forms, that pair's form, query form, values."""
    n_q, n_c, n_f = values.shape
    # Best query form of each gathered form (first of equals).
    col_logit = np.full(n_c, -np.inf)
    col_q = np.zeros(n_c, np.int64)
    for c in range(n_c):
        for k in range(n_q):
            z = 0.0
            for i in range(n_f):
                z += values[k, c, i] * name_weights[i]
            if k == 0 or z > col_logit[c]:
                col_logit[c] = z
                col_q[c] = k
    n = len(names)
    logit = np.full(n, -np.inf)
    best_form = np.full(n, -1, np.int64)
    best_q = np.zeros(n, np.int64)
    best_values = np.zeros((n, n_f))
    p = 0
    for s in range(n):
        name = names[s]
        extra = weak_weight if weak[s] else 0.0
        best_c = -1
        for _ in range(name_off[name], name_off[name + 1]):
            c = position_col[p]
            p += 1
            if n_q == 0:
                continue
            z = col_logit[c] + extra
            if best_c < 0 or z > logit[s]:
                logit[s] = z
                best_c = c
        if best_c >= 0:
            best_form[s] = form_ids[best_c]
            best_q[s] = col_q[best_c]
            best_values[s] = values[col_q[best_c], best_c]
            best_values[s, WEAK_AT] = 1.0 if weak[s] else 0.0
    return logit, best_form, best_q, best_values
