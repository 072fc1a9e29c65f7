"""Candidate retrieval: an in-process inverted index over every name of every loaded list.

Each name contributes retrieval keys (tokens, joined neighbours, phonetic codes, the Korean
key; see `forms.index_keys`). Postings are stored CSR-style in numpy arrays (`offsets`,
`postings`) with one IDF weight per key, so a query is a handful of array slices and one
`np.bincount`: summed weights of matched keys per name, top-K by `argpartition`. Tokens with
typos are found through a deletion index (SymSpell's idea: a token and every one-character
deletion of it share a key) over the token vocabulary.
"""

from __future__ import annotations

import math
import multiprocessing as mp
import os
import threading
import uuid
from collections.abc import Iterable, Iterator
from dataclasses import dataclass, field
from functools import lru_cache
from pathlib import Path
from typing import Any

import numba
import numpy as np
import orjson
import pyarrow as pa
from rapidfuzz.distance import OSA

from scrutiny.match import ids
from scrutiny.match.forms import Form, encode_forms, index_keys, name_forms, query_spelling_keys
from scrutiny.model import Entity, EntityType, NameKind

# 2: name forms of the text layer of 2026-11-22 (Cyrillic, Arabic, legal forms); 3: forms
# flag Sino-Korean readings (Form.sino) and readings of Han, Hangul and Kana (Form.reading);
# misspelt words of multi-word legal forms corrected; 4: a joined Korean name has a form
# per reading of its n|g boundaries (Mangon: man-gon, mang-on); 5: ... and where a final n
# or l may begin the next syllable (Jinyeong: ji-nyeong, jin-yeong); 6: a Mandarin or
# Japanese reading of Han or Kana has no Korean key; 7: OFAC's spellings of Russian legal
# forms (aktsionernoe obshchestvo) are read as their own forms (PAO, OAO, not AO); 8: forms
# flag readings of Arabic script (Form.arabic); 9: a title after the comma is dropped as at
# the front ("TAYSIR, Hajji" is taysir, as "Hajji TAYSIR" is); 10: a four-letter legal form
# with two letters swapped is the form (OJCS KEREMET BANK); 11: a three-syllable Hangul name
# splits after its first syllable; 12: a number written on to a word of 3+ letters is a token
# of its own (KANG2); 13: a multi-word legal form one word one edit off is read as the form
# too; 14: a joined Korean name's doubled consonant is read at either side of the syllable
# boundary (Rakkyom: rak-kyom and ra-kkyom); 15: names' entity rows and kinds are numpy
# files, and the manifest has a stamp (NameIndex.stamp); 16: patronymics as other languages
# write them (Mussajevič, Uladzimirauna) weigh as patronymics, and the form table flags them;
# 17: forms flag readings of Cyrillic script (Form.cyrillic), and the form table keeps each
# token's skeleton of both kinds; 18: Arabic compounds have a retrieval key ("c:", one
# spelling for Abdurrahman and Abdul Rahman); 19: spelling keys of Cyrillic readings ("s:"),
# joined skeletons of Arabic-script readings ("j:"), Russian state-enterprise legal forms,
# a third column of skeleton ids; 20: the Wikidata name items of name parts ("n:",
# features.same_name); 21: the form table's translation bits (features.translated_pair) and
# Form.foreign ("f"); 22: legal forms in Bulgarian, Greek and Ukrainian (text_orgforms.tsv).
# The matcher's form table is saved with the
# index (kernel.FormTable.save): a change to what it holds is a change of format too.
FORMAT_VERSION = 22
KIND_CODES = {
    NameKind.PRIMARY: 0,
    NameKind.STRONG_ALIAS: 1,
    NameKind.WEAK_ALIAS: 2,
    NameKind.FORMER: 3,
}
KIND_NAMES = {v: k for k, v in KIND_CODES.items()}
SCHEMA_CODES = {
    EntityType.PERSON: 0,
    EntityType.ORGANIZATION: 1,
    EntityType.VESSEL: 2,
    EntityType.AIRCRAFT: 3,
}
TYPO_MIN_LEN = 4  # shorter tokens have too many neighbours one edit away to mean anything
TYPO_FACTOR = 0.8
_TYPO_CACHE = 100_000  # unknown query tokens whose typo neighbours are kept between queries


@dataclass(frozen=True, slots=True)
class EntityRecord:
    """What scoring and explanations need of a list entity, kept compact in memory."""

    id: str
    list_id: str
    schema: str
    name: str
    programs: tuple[str, ...]
    birth_dates: tuple[tuple[str, str | None], ...]
    countries: tuple[str, ...]
    gender: str | None
    id_keys: tuple[str, ...]
    publisher_date: str | None
    content_hash: str
    source_file: str

    @classmethod
    def from_entity(cls, entity: Entity) -> EntityRecord:
        countries = list(entity.nationalities) + list(entity.citizenships)
        if entity.vessel and entity.vessel.flag:
            countries.append(entity.vessel.flag)
        keys: list[str] = []
        for ident in entity.identifiers:
            keys.extend(ids.id_keys(ident.kind, ident.value))
        return cls(
            id=entity.id,
            list_id=entity.list_id,
            schema=str(entity.schema),
            name=entity.primary_name,
            programs=tuple(entity.programs),
            birth_dates=tuple((b.date, b.until) for b in entity.birth_dates),
            countries=tuple(dict.fromkeys(countries)),
            gender=entity.gender,
            id_keys=tuple(dict.fromkeys(keys)),
            publisher_date=entity.provenance.publisher_date,
            content_hash=entity.provenance.content_hash,
            source_file=entity.provenance.source_file,
        )

    def to_json(self) -> list[Any]:
        return [
            self.id,
            self.list_id,
            self.schema,
            self.name,
            self.programs,
            self.birth_dates,
            self.countries,
            self.gender,
            self.id_keys,
            self.publisher_date,
            self.content_hash,
            self.source_file,
        ]

    @classmethod
    def from_json(cls, row: list[Any]) -> EntityRecord:
        return cls(
            id=row[0],
            list_id=row[1],
            schema=row[2],
            name=row[3],
            programs=tuple(row[4]),
            birth_dates=tuple((d[0], d[1]) for d in row[5]),
            countries=tuple(row[6]),
            gender=row[7],
            id_keys=tuple(row[8]),
            publisher_date=row[9],
            content_hash=row[10],
            source_file=row[11],
        )


@dataclass
class NameIndex:
    """The index: entities, their names, and the key → name postings."""

    entities: list[EntityRecord]
    name_entity: np.ndarray  # int32, entity row of each name
    name_kind: np.ndarray  # int8, KIND_CODES
    name_text: list[str]
    name_forms_raw: list[str]  # encode_forms() of each name, decoded lazily when scored
    keys: list[str]
    offsets: np.ndarray  # int64, len(keys) + 1
    postings: np.ndarray  # int32 name ids
    weights: np.ndarray  # float32 IDF per key
    list_versions: dict[str, dict[str, str | None]] = field(default_factory=dict)
    # Which store content the index was built from (list id -> version content hash), so a
    # persisted index is reused only while the loaded lists are unchanged.
    fingerprint: dict[str, str] = field(default_factory=dict)
    # (deletion hashes, owners) as `save` wrote them, so a load does not recompute them.
    typo_index: tuple[np.ndarray, np.ndarray] | None = None
    # A new random value at each `save`, kept by what is saved beside the index (the
    # matcher's form table) to tell that it was written with this very index.
    stamp: str = ""
    key_ids: dict[str, int] = field(init=False)
    id_index: dict[str, list[int]] = field(init=False)
    entity_schema: np.ndarray = field(init=False)
    name_schema: np.ndarray = field(init=False)  # int8 schema code of each name's entity
    # Deletion index over the token vocabulary, as parallel arrays rather than a dict of
    # lists (which cost ~1 GB and half a minute): the hash of every one-character deletion
    # of every vocabulary token, sorted, with the token it came from. Hash collisions only
    # add candidates, which the edit-distance check in `typo_neighbours` drops.
    _typo_vocab: list[str] = field(init=False)
    _delete_hashes: np.ndarray = field(init=False)
    _delete_owner: np.ndarray = field(init=False)
    max_idf: float = field(init=False)
    _scratch: threading.local = field(init=False, repr=False)
    _typo_cache: dict[str, list[str]] = field(init=False, repr=False)

    def __post_init__(self) -> None:
        self.key_ids = {key: i for i, key in enumerate(self.keys)}
        self.max_idf = math.log(len(self.name_text) + 1) + 1.0
        self._scratch = threading.local()
        self._typo_cache = {}
        self.id_index = {}
        for row, entity in enumerate(self.entities):
            for key in entity.id_keys:
                self.id_index.setdefault(key, []).append(row)
        codes = {str(s): c for s, c in SCHEMA_CODES.items()}
        self.entity_schema = np.array([codes.get(e.schema, 1) for e in self.entities], np.int8)
        self.name_schema = self.entity_schema[self.name_entity]
        self._typo_vocab = [
            key[2:]
            for key in self.keys
            if key.startswith("t:") and len(key) - 2 >= TYPO_MIN_LEN and key[2:].isalpha()
        ]
        if self.typo_index is not None and len(self.typo_index[0]) == sum(
            len(t) for t in self._typo_vocab
        ):
            self._delete_hashes, self._delete_owner = self.typo_index
        else:
            self._delete_hashes, self._delete_owner = _deletion_index(self._typo_vocab)
        self.typo_index = None  # held in the two arrays above from here on

    # --- building ------------------------------------------------------------------------

    @classmethod
    def build(cls, entities: Iterable[Entity]) -> NameIndex:
        """Index every name of every entity.

        Reading the names (`name_forms`, most of the build) is spread over the cores the
        process may use when there are many and it is safe to fork (see `_read_names`).
        """
        entities = list(entities)
        distinct = [_distinct_names(entity) for entity in entities]
        reads = _read_names(
            [
                (text, entity.schema is EntityType.PERSON)
                for entity, names in zip(entities, distinct, strict=True)
                for text in names
            ]
        )
        records: list[EntityRecord] = []
        name_entity: list[int] = []
        name_kind: list[int] = []
        name_text: list[str] = []
        name_raw: list[str] = []
        key_ids: dict[str, int] = {}
        pairs_key: list[int] = []
        pairs_name: list[int] = []
        versions: dict[str, dict[str, str | None]] = {}
        for entity, names in zip(entities, distinct, strict=True):
            row = len(records)
            records.append(EntityRecord.from_entity(entity))
            prov = entity.provenance
            versions.setdefault(
                prov.list_id, {"publisher_date": prov.publisher_date, "source_file": None}
            )["source_file"] = prov.source_file
            for text, kind in names.items():
                raw, keys = next(reads)
                if not raw:
                    continue
                name_id = len(name_text)
                name_entity.append(row)
                name_kind.append(KIND_CODES.get(kind, 1))
                name_text.append(text)
                name_raw.append(raw)
                for key in keys:
                    kid = key_ids.setdefault(key, len(key_ids))
                    pairs_key.append(kid)
                    pairs_name.append(name_id)
        n_names = len(name_text)
        key_arr = np.asarray(pairs_key, dtype=np.int32)
        name_arr = np.asarray(pairs_name, dtype=np.int32)
        order = np.lexsort((name_arr, key_arr))
        postings = name_arr[order]
        counts = np.bincount(key_arr, minlength=len(key_ids))
        offsets = np.zeros(len(key_ids) + 1, dtype=np.int64)
        np.cumsum(counts, out=offsets[1:])
        weights = np.log((n_names + 1) / (counts + 0.5)).astype(np.float32)
        return cls(
            entities=records,
            name_entity=np.asarray(name_entity, dtype=np.int32),
            name_kind=np.asarray(name_kind, dtype=np.int8),
            name_text=name_text,
            name_forms_raw=name_raw,
            keys=list(key_ids),
            offsets=offsets,
            postings=postings,
            weights=weights,
            list_versions=versions,
        )

    # --- persistence ---------------------------------------------------------------------

    def save(self, index_dir: Path) -> None:
        """Write the index to a folder (numpy arrays, Arrow tables, a JSON manifest)."""
        index_dir.mkdir(parents=True, exist_ok=True)
        self.stamp = uuid.uuid4().hex
        np.save(index_dir / "offsets.npy", self.offsets)
        np.save(index_dir / "postings.npy", self.postings)
        np.save(index_dir / "weights.npy", self.weights)
        # Numbers as numpy files: reading them back from Arrow imports pandas (0.7 s).
        np.save(index_dir / "name_entity.npy", self.name_entity)
        np.save(index_dir / "name_kind.npy", self.name_kind)
        names = pa.table(
            {
                "text": pa.array(self.name_text, pa.string()),
                "forms": pa.array(self.name_forms_raw, pa.string()),
            }
        )
        _write_arrow(names, index_dir / "names.arrow")
        _write_arrow(pa.table({"key": pa.array(self.keys)}), index_dir / "keys.arrow")
        np.save(index_dir / "typo_hashes.npy", self._delete_hashes)
        np.save(index_dir / "typo_owners.npy", self._delete_owner)
        # One entity per line: a load parses them one at a time instead of holding the
        # whole parsed document and the records at once.
        with (index_dir / "entities.jsonl").open("wb") as out:
            for entity in self.entities:
                out.write(orjson.dumps(entity.to_json()) + b"\n")
        manifest = {
            "format": FORMAT_VERSION,
            "entities": len(self.entities),
            "names": len(self.name_text),
            "keys": len(self.keys),
            "lists": self.list_versions,
            "fingerprint": self.fingerprint,
            "stamp": self.stamp,
        }
        (index_dir / "manifest.json").write_bytes(
            orjson.dumps(manifest, option=orjson.OPT_INDENT_2)
        )

    @staticmethod
    def stored_fingerprint(index_dir: Path) -> dict[str, str] | None:
        """The fingerprint of a persisted index, None if there is none (or another format)."""
        try:
            manifest = orjson.loads((index_dir / "manifest.json").read_bytes())
        except (OSError, orjson.JSONDecodeError):
            return None
        if manifest.get("format") != FORMAT_VERSION:
            return None
        return dict(manifest.get("fingerprint") or {})

    @classmethod
    def load(cls, index_dir: Path) -> NameIndex:
        """Read an index written by `save`."""
        manifest = orjson.loads((index_dir / "manifest.json").read_bytes())
        if manifest.get("format") != FORMAT_VERSION:
            raise ValueError(
                f"{index_dir}: index format {manifest.get('format')} is not {FORMAT_VERSION}"
            )
        names = _read_arrow(index_dir / "names.arrow")
        keys = _read_arrow(index_dir / "keys.arrow")
        with (index_dir / "entities.jsonl").open("rb") as lines:
            entities = [EntityRecord.from_json(orjson.loads(line)) for line in lines]
        return cls(
            entities=entities,
            name_entity=np.load(index_dir / "name_entity.npy").astype(np.int32, copy=False),
            name_kind=np.load(index_dir / "name_kind.npy").astype(np.int8, copy=False),
            name_text=names.column("text").to_pylist(),
            name_forms_raw=names.column("forms").to_pylist(),
            keys=keys.column("key").to_pylist(),
            offsets=np.load(index_dir / "offsets.npy"),
            postings=np.load(index_dir / "postings.npy"),
            weights=np.load(index_dir / "weights.npy"),
            list_versions=manifest.get("lists", {}),
            fingerprint=manifest.get("fingerprint", {}),
            typo_index=(
                np.load(index_dir / "typo_hashes.npy"),
                np.load(index_dir / "typo_owners.npy"),
            ),
            stamp=manifest.get("stamp", ""),
        )

    # --- querying ------------------------------------------------------------------------

    @property
    def token_idf(self) -> dict[str, float]:
        """Rarity weight of every name token (built on demand: tools and tests only)."""
        weights = self.weights.tolist()
        return {k[2:]: float(weights[i]) for k, i in self.key_ids.items() if k.startswith("t:")}

    def knows(self, token: str) -> bool:
        """Whether a token is a word of some list name."""
        return "t:" + token in self.key_ids

    def idf(self, token: str) -> float:
        """Rarity weight of a token; unseen tokens are as rare as can be."""
        kid = self.key_ids.get("t:" + token)
        return self.max_idf if kid is None else float(self.weights[kid])

    def typo_neighbours(self, token: str) -> list[str]:
        """Vocabulary tokens one edit (incl. transposition) away from `token`."""
        if len(token) < TYPO_MIN_LEN or not token.isalpha():
            return []
        found = self._typo_cache.get(token)
        if found is None:
            if len(self._typo_cache) >= _TYPO_CACHE:
                self._typo_cache.clear()
            found = self._typo_cache[token] = self._typo_neighbours(token)
        return found

    def _typo_neighbours(self, token: str) -> list[str]:
        codes = np.frombuffer(token.encode("utf-32-le"), dtype=np.uint32).astype(np.uint64)
        variants = _token_variant_hashes(codes, _powers(len(token)))
        lo = np.searchsorted(self._delete_hashes, variants, side="left")
        hi = np.searchsorted(self._delete_hashes, variants, side="right")
        found: set[str] = set()
        for a, b in zip(lo.tolist(), hi.tolist(), strict=True):
            for owner in self._delete_owner[a:b].tolist():
                candidate = self._typo_vocab[owner]
                if candidate != token and OSA.distance(token, candidate, score_cutoff=1) <= 1:
                    found.add(candidate)
        return sorted(found)

    def query_keys(self, forms: tuple[Form, ...], person: bool = True) -> dict[int, float]:
        """Key id → weight for a query, including typo neighbours of unknown tokens. `person`:
        the query may be a person's (the only names whose parts meet by skeleton)."""
        weighted: dict[int, float] = {}
        for key in index_keys(forms):
            kid = self.key_ids.get(key)
            if kid is not None:
                weighted[kid] = float(self.weights[kid])
        for form in forms:
            # Words a reading of the other script spells alike (forms.query_spelling_keys).
            for key in query_spelling_keys(form, person):
                kid = self.key_ids.get(key)
                if kid is not None:
                    weighted[kid] = max(weighted.get(kid, 0.0), float(self.weights[kid]))
            for token in form.tokens:
                if self.knows(token):
                    continue
                for neighbour in self.typo_neighbours(token):
                    kid = self.key_ids["t:" + neighbour]
                    weighted[kid] = max(
                        weighted.get(kid, 0.0), TYPO_FACTOR * float(self.weights[kid])
                    )
        return weighted

    def candidates(
        self, forms: tuple[Form, ...], limit: int, schema: EntityType | None = None
    ) -> tuple[np.ndarray, np.ndarray]:
        """Top `limit` name ids by summed key weight, with their retrieval scores."""
        weighted = self.query_keys(forms, schema in (None, EntityType.PERSON))
        if not weighted:
            return np.empty(0, np.int32), np.empty(0, np.float32)
        kids = np.fromiter(weighted.keys(), dtype=np.int64, count=len(weighted))
        kw = np.fromiter(weighted.values(), dtype=np.float64, count=len(weighted))
        # Keys in id order: the query's keys come from sets, whose order follows Python's
        # per-process string hashing, and summing float weights in another order changes
        # the last bits of a score, and with them which of two near-tied names is kept.
        order = np.argsort(kids, kind="stable")
        kids, kw = kids[order], kw[order]
        scratch = getattr(self._scratch, "scores", None)
        if scratch is None:  # one per thread: the service screens on several threads
            scratch = self._scratch.scores = np.zeros(len(self.name_text))
        wanted = SCHEMA_CODES[schema] if schema is not None else -1
        names, scores = _accumulate(
            self.offsets, self.postings, kids, kw, self.name_schema, wanted, scratch
        )
        top = _top(names, scores, min(limit, len(names)))
        return names[top].astype(np.int32), scores[top].astype(np.float32)

    def entities_by_id(self, keys: Iterable[str]) -> dict[int, str]:
        """Entity rows whose identifiers match any of the keys, with the key matched."""
        found: dict[int, str] = {}
        for key in keys:
            for row in self.id_index.get(key, ()):
                found.setdefault(row, key)
        return found


@numba.njit(cache=True, nogil=True)
def _top(names: np.ndarray, scores: np.ndarray, take: int) -> np.ndarray:
    """Positions of the `take` best scores, best first; ties go to the lower name id so the
    candidates do not depend on the selection algorithm.

    One pass with a heap of the `take` best so far, its worst at the root, so most names
    are turned away by one comparison with the root (numpy's partition, selections and
    lexsort cost more in calls than in work on a few thousand names, and numba has no
    bounded heap to call). "Worse" is a lower score, or an equal score and a higher id.
    """
    heap = np.empty(max(take, 0), np.int64)
    k = 0
    for i in range(len(scores)):
        s = scores[i]
        name = names[i]
        if k < take:  # fill: sift the new name up past better parents
            j = k
            k += 1
            while j > 0:
                p = heap[(j - 1) // 2]
                if s < scores[p] or (s == scores[p] and name > names[p]):
                    heap[j] = p
                    j = (j - 1) // 2
                else:
                    break
            heap[j] = i
            continue
        r = heap[0]
        if s < scores[r] or (s == scores[r] and name > names[r]):
            continue  # worse than the worst kept
        j = 0  # replace the root and sift it down past worse children
        while True:
            child = 2 * j + 1
            if child >= take:
                break
            c = heap[child]
            if child + 1 < take:
                c2 = heap[child + 1]
                if scores[c2] < scores[c] or (scores[c2] == scores[c] and names[c2] > names[c]):
                    child += 1
                    c = c2
            if not (scores[c] < s or (scores[c] == s and names[c] > name)):
                break
            heap[j] = c
            j = child
        heap[j] = i
    # Insertion sort, best first: `take` is a few dozen.
    for a in range(1, k):
        p = heap[a]
        b = a - 1
        while b >= 0 and (
            scores[heap[b]] < scores[p]
            or (scores[heap[b]] == scores[p] and names[heap[b]] > names[p])
        ):
            heap[b + 1] = heap[b]
            b -= 1
        heap[b + 1] = p
    return heap[:k]


@numba.njit(cache=True, nogil=True)
def _accumulate(
    offsets: np.ndarray,
    postings: np.ndarray,
    kids: np.ndarray,
    kw: np.ndarray,
    name_schema: np.ndarray,
    wanted: int,
    scratch: np.ndarray,
) -> tuple[np.ndarray, np.ndarray]:
    """(name ids, summed key weights) of every name in the keys' postings.

    A dense accumulator (`scratch`, all zeros on entry and on exit) and the list of names
    touched: one pass over the postings, where sorting or `np.unique` cost several times more.
    Key weights are positive, so a zero means "not touched yet". Names of another schema than
    the one asked for count half.
    """
    total = 0
    for k in kids:
        total += offsets[k + 1] - offsets[k]
    touched = np.empty(total, np.int32)
    n = 0
    for i in range(len(kids)):
        k = kids[i]
        w = kw[i]
        for p in range(offsets[k], offsets[k + 1]):
            name = postings[p]
            if scratch[name] == 0.0:
                touched[n] = name
                n += 1
            scratch[name] += w
    names = touched[:n].copy()
    scores = np.empty(n)
    for i in range(n):
        name = names[i]
        score = scratch[name]
        if wanted >= 0 and name_schema[name] != wanted:
            score *= 0.5
        scores[i] = score
        scratch[name] = 0.0
    return names, scores


def _write_arrow(table: pa.Table, path: Path) -> None:
    # Plain Arrow IPC files (what Feather v2 is): pyarrow.feather imports pandas, which
    # costs a second and ~50 MB in a process that only screens.
    with pa.OSFile(str(path), "wb") as sink, pa.ipc.new_file(sink, table.schema) as writer:
        writer.write_table(table)


def _read_arrow(path: Path) -> pa.Table:
    with pa.memory_map(str(path), "r") as source:
        return pa.ipc.open_file(source).read_all()


_HASH_BASE = np.uint64(0x100000001B3)  # odd, so every power is a distinct multiplier mod 2**64


def _codes(tokens: list[str], length: int) -> np.ndarray:
    """Code points of equal-length tokens as a (len(tokens), length) uint64 matrix."""
    raw = np.frombuffer("".join(tokens).encode("utf-32-le"), dtype=np.uint32)
    return raw.reshape(len(tokens), length).astype(np.uint64)


_PARALLEL_NAMES = 20_000  # fewer names are read in this process (forking costs ~0.1 s)


def _distinct_names(entity: Entity) -> dict[str, NameKind]:
    """An entity's names to index, each once (case-insensitively; the first spelling and
    kind kept), in order."""
    found: dict[str, NameKind] = {}
    seen: set[str] = set()
    for name in entity.names:
        text = name.full.strip()
        if text and text.casefold() not in seen:
            seen.add(text.casefold())
            found[text] = name.kind
    return found


def _read_chunk(items: list[tuple[str, bool]]) -> list[tuple[str, list[str]]]:
    """Each (name, is a person) as (encoded forms, retrieval keys); ("", []) for no form."""
    out = []
    for text, person in items:
        forms = name_forms(text, person=person)
        out.append((encode_forms(forms), list(index_keys(forms))) if forms else ("", []))
    return out


def _read_names(items: list[tuple[str, bool]]) -> Iterator[tuple[str, list[str]]]:
    """`_read_chunk` over every name, in order, on every core this process may use.

    Forked workers, and only when forking is safe: no other thread is running (a service
    reloading lists in a thread reads the names here) and the platform forks. The workers
    inherit this process's string hashing, so keys come in the order they would here.
    """
    workers = len(os.sched_getaffinity(0)) if hasattr(os, "sched_getaffinity") else 1
    if (
        len(items) < _PARALLEL_NAMES
        or workers < 2
        or threading.active_count() > 1
        or "fork" not in mp.get_all_start_methods()
    ):
        return iter(_read_chunk(items))
    # The word-frequency table: each worker would load it for itself, and this process
    # needs it after the build (the matcher's `commonness`); loaded once here, shared.
    from scrutiny.match.features import commonness  # features imports this module

    commonness("")
    # This process only waits: reading a share itself beside the pool's threads was
    # slower than leaving all of it to the workers.
    size = -(-len(items) // (workers * 4))
    chunks = [items[i : i + size] for i in range(0, len(items), size)]
    with mp.get_context("fork").Pool(workers) as pool:
        done = pool.map(_read_chunk, chunks)
    return (read for chunk in done for read in chunk)


@lru_cache(maxsize=256)
def _powers(length: int) -> np.ndarray:
    """base**k mod 2**64 for k < length (cached: every unknown query word needs them)."""
    powers = np.ones(max(length, 1), dtype=np.uint64)
    with np.errstate(over="ignore"):
        for k in range(1, length):
            powers[k] = powers[k - 1] * _HASH_BASE
    powers.flags.writeable = False  # shared between calls
    return powers


def _deletion_hashes(tokens: list[str]) -> np.ndarray:
    """(len(tokens), length) hashes of every one-character deletion of equal-length tokens.

    The polynomial hash (sum of code point * base**position, mod 2**64) of the shortened
    string, computed without building it:
    the characters before position i keep their power, those after it move down by one.
    """
    length = len(tokens[0])
    codes = _codes(tokens, length)
    powers = _powers(length)
    with np.errstate(over="ignore"):
        before = np.cumsum(codes * powers, axis=1) - codes * powers  # sum over k < i
        shifted = np.zeros_like(codes)
        shifted[:, 1:] = codes[:, 1:] * powers[: length - 1]  # c[k] * base**(k-1)
        after = np.cumsum(shifted[:, ::-1], axis=1)[:, ::-1] - shifted  # sum over k > i
        return (before + after).view(np.int64)


@numba.njit(cache=True, nogil=True)
def _token_variant_hashes(codes: np.ndarray, powers: np.ndarray) -> np.ndarray:
    """The polynomial hash of one token, then its `_deletion_hashes`, in one compiled call: the
    vectorised forms are for the vocabulary's many tokens, and for one query word their dozen
    array calls cost more than the arithmetic (uint64 wraps mod 2**64 alike in both)."""
    n = len(codes)
    out = np.zeros(n + 1, np.uint64)
    for k in range(n):
        out[0] += codes[k] * powers[k]
    for i in range(n):  # delete position i: later characters move down one power
        h = np.uint64(0)
        for k in range(i):
            h += codes[k] * powers[k]
        for k in range(i + 1, n):
            h += codes[k] * powers[k - 1]
        out[i + 1] = h
    return out.view(np.int64)


def _deletion_index(vocab: list[str]) -> tuple[np.ndarray, np.ndarray]:
    """Sorted deletion hashes of every vocabulary token and the token each belongs to.

    Vectorised per token length (a Python loop over ~1.6M deletion strings cost seconds at
    every build and load); hashes are stable across processes.
    """
    by_length: dict[int, list[int]] = {}
    for i, token in enumerate(vocab):
        by_length.setdefault(len(token), []).append(i)
    hash_parts = [np.empty(0, np.int64)]
    owner_parts = [np.empty(0, np.int32)]
    for length, members in by_length.items():
        hashes = _deletion_hashes([vocab[i] for i in members])
        hash_parts.append(hashes.ravel())
        owner_parts.append(np.repeat(np.asarray(members, dtype=np.int32), length))
    hashes = np.concatenate(hash_parts)
    owners = np.concatenate(owner_parts)
    order = np.argsort(hashes, kind="stable")
    return hashes[order], owners[order]
