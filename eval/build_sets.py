"""Build the labelled evaluation sets from the lists' own data.

    .venv/bin/python -m eval.build_sets [--lists DIR] [--seed 20240503]

Writes, under eval/out/ (git-ignored, rebuilt deterministically from the seed and the list files):

- pairs.csv: schema,name1,name2,label,category,script_pair,entity_id,split,origin,entity_id2
  `category` says how the pair was made (alias, cross_list, romanization, joined_given, typo,
  drop_middle, reorder | hard_similar, same_surname, same_first_token, clean); `origin` is
  korean / chinese / other (nationality, program or script of the designee).
- clean_names.csv: Faker customer names (10 locales) for alerts-per-1,000 screening.
- e2e_queries.csv: test designees written as customers would (variants, typos, birth year ±1),
  with every entity id of the designee as the expected hit.
- test_entities.txt: every entity id of a TEST designee (see eval/split.py).
- summary.json: counts per split/category/label, and what was dropped and why.

Designees are linked across lists (union-find) by a record's own UN reference number (UN, EU
unitedNationId, UK "UN Ref"; never one a remark mentions: "Father's name is Abu Bakar Ba'asyir
(QDi.217)" names another designee), shared IMO / BIC / passport numbers, and, for persons, the
same folded name with the same full date of birth. Links are only made between different lists:
within one list, two records are two designations by definition.
"""

from __future__ import annotations

import argparse
import csv
import json
import random
import re
import sys
from collections import Counter, defaultdict
from collections.abc import Callable, Iterable, Iterator
from dataclasses import dataclass, field
from datetime import date, timedelta
from pathlib import Path

from anyascii import anyascii
from rapidfuzz import fuzz, process

from eval import variants
from eval.lists import DEFAULT_LISTS, OUT, load_all_entities
from eval.split import split_name
from scrutiny.match.calibrate import ARAB_COUNTRIES, FAKER_COUNTRY
from scrutiny.model import Entity, EntityType, IdKind, Name, NameKind

SEED = 20240503
PAIR_FIELDS = (
    "schema",
    "name1",
    "name2",
    "label",
    "category",
    "script_pair",
    "entity_id",
    "split",
    "origin",
    "entity_id2",
)
SCHEMAS = {
    EntityType.PERSON: "person",
    EntityType.ORGANIZATION: "organization",
    EntityType.VESSEL: "vessel",
}
FAKER_LOCALES = (
    "ko_KR",
    "zh_CN",
    "ru_RU",
    "ar_AA",
    "en_US",
    "es_ES",
    "de_DE",
    "fr_FR",
    "ja_JP",
    "tr_TR",
)
# List preference when one member's primary name stands for the designee.
LIST_ORDER = ("un_sc", "ofac_sdn", "eu_fsf", "uk_ofsi", "ofac_cons")
UN_REF = re.compile(r"\b([A-Z]{2}[ie])\s?\.\s?(\d{1,4})\b")
KOREAN_PROGRAM = re.compile(r"DPRK|PRK|KOREA|NKSPEA|^KP", re.IGNORECASE)
MAX_POSITIVES_PER_DESIGNEE = 8
# A same-script alias counts as a spelling variant of the primary name only when the two share
# some letters (token_set_ratio on ASCII folds); unrelated aliases ("KKBC" for "Korea Kwangson
# Banking Corp", noms de guerre) are matched in screening through the alias itself, and no
# name-pair matcher can be expected to call them equal.
RELATED_ALIAS_MIN = 60.0
BLOCK_MAX_DF = 400
NEAR_DUPLICATE = 90.0  # token_sort_ratio of two names on different lists: maybe one designee


# --- folding and blocking -----------------------------------------------------------------


def ascii_fold(text: str) -> str:
    """Lower-case ASCII form for blocking; CamelCase from anyascii (GimMinJun) is split."""
    text = anyascii(text)
    text = re.sub(r"(?<=[a-z])(?=[A-Z])", " ", text)
    return " ".join(re.sub(r"[^a-z0-9]+", " ", text.lower()).split())


def block_keys(folded: str) -> set[str]:
    keys: set[str] = set()
    for token in folded.split():
        if len(token) >= 2:
            keys.add(token)
        if len(token) >= 5:
            keys.add("^" + token[:4])
    return keys


# --- designees ------------------------------------------------------------------------------


@dataclass
class Designee:
    """One designated party, possibly listed on several lists under several entity ids."""

    key: str
    members: list[Entity]
    schema: EntityType
    origin: str
    split: str
    names: list[tuple[str, Name]] = field(default_factory=list)  # (entity_id, name)

    @property
    def entity_ids(self) -> list[str]:
        return [e.id for e in self.members]

    @property
    def main(self) -> Entity:
        return self.members[0]

    @property
    def primary(self) -> str:
        return self.main.primary_name

    @property
    def birth_years(self) -> set[str]:
        return {b.date[:4] for e in self.members for b in e.birth_dates if b.date}


class _UnionFind:
    def __init__(self) -> None:
        self.parent: dict[str, str] = {}

    def find(self, item: str) -> str:
        self.parent.setdefault(item, item)
        while self.parent[item] != item:
            self.parent[item] = self.parent[self.parent[item]]
            item = self.parent[item]
        return item

    def union(self, a: str, b: str) -> None:
        ra, rb = self.find(a), self.find(b)
        if ra != rb:
            self.parent[max(ra, rb)] = min(ra, rb)


def link_keys(entity: Entity) -> set[str]:
    """Keys that identify the same designee on another list."""
    keys: set[str] = set()
    # The record's own reference numbers only. Remarks name related designees by theirs
    # ("Associated with Jemaah Islamiyah (QDe.092)", "Linked by marriage to ... (TAi.149)"):
    # linking on those made one designee of a group and its leaders, or of two brothers.
    texts = list(entity.references)
    texts += [i.value for i in entity.identifiers if i.kind is IdKind.OTHER]
    texts += [i.note or "" for i in entity.identifiers]
    for text in texts:
        for prefix, number in UN_REF.findall(text):
            keys.add(f"un:{prefix.upper()}.{int(number)}")
    for ident in entity.identifiers:
        value = re.sub(r"[^A-Za-z0-9]", "", ident.value).upper()
        digits = re.sub(r"\D", "", value)
        if ident.kind is IdKind.IMO and re.fullmatch(r"\d{7}", digits):
            keys.add(f"imo:{entity.schema}:{digits}")
        elif ident.kind is IdKind.BIC and len(value) in (8, 11):
            keys.add(f"bic:{value[:8]}")
        elif ident.kind is IdKind.PASSPORT and len(value) >= 6 and any(c.isdigit() for c in value):
            keys.add(f"passport:{value}")
    if entity.schema is EntityType.PERSON:
        for birth in entity.birth_dates:
            if len(birth.date) == 10 and not birth.until:
                for name in entity.names:
                    keys.add(f"namedob:{ascii_fold(name.full)}:{birth.date}")
    return keys


# Origins whose persons have no middle name to drop: a Korean or Chinese given name is one
# name written in two syllables (KIM Jong Man: given name Jong Man, 정만). Dropping a syllable
# makes another person's name (KIM Man, 김만), not the shortening a customer writes, and a
# pair-level positive that rewards containment, which on Korean names is what raises false
# alerts (KIM Chol is contained in dozens of designees' names). Hard negatives never hold
# containment pairs (`_maybe_same_designee`), so the set could not show that cost.
ONE_GIVEN_NAME = frozenset({"korean", "chinese"})


def _origin(members: list[Entity]) -> str:
    scripts = {variants.script_of(n.full) for e in members for n in e.names}
    countries = {c for e in members for c in (*e.nationalities, *e.citizenships)}
    programs = " ".join(p for e in members for p in e.programs)
    refs = " ".join(r for e in members for r in e.references)
    if "Hang" in scripts or countries & {"KP", "KR"} or KOREAN_PROGRAM.search(programs):
        return "korean"
    if re.search(r"\bKP[ie]\.", refs):
        return "korean"
    if "Hani" in scripts or countries & {"CN", "TW", "HK", "MO"}:
        return "chinese"
    return "other"


def build_designees(entities: Iterable[Entity]) -> list[Designee]:
    """Group entities into designees by cross-list links; aircraft are left out of the sets."""
    by_id: dict[str, Entity] = {}
    owners: dict[str, list[str]] = defaultdict(list)
    uf = _UnionFind()
    for entity in entities:
        by_id[entity.id] = entity
        uf.find(entity.id)
        for key in link_keys(entity):
            owners[key].append(entity.id)
    for ids in owners.values():
        lists = {by_id[i].list_id for i in ids}
        if len(lists) < 2 or len(ids) > 8:  # >8 holders: a shared placeholder, not an identity
            continue
        first = ids[0]
        for other in ids[1:]:
            if by_id[other].list_id != by_id[first].list_id:
                uf.union(first, other)
    groups: dict[str, list[Entity]] = defaultdict(list)
    for entity_id, entity in by_id.items():
        groups[uf.find(entity_id)].append(entity)
    designees: list[Designee] = []
    rank = {list_id: i for i, list_id in enumerate(LIST_ORDER)}
    for members in groups.values():
        members.sort(key=lambda e: (rank.get(e.list_id, 99), e.id))
        schema = Counter(e.schema for e in members).most_common(1)[0][0]
        if schema not in SCHEMAS:
            continue
        names: list[tuple[str, Name]] = []
        seen: set[str] = set()
        for entity in members:
            for name in entity.names:
                folded = variants.simple_fold(name.full)
                if folded and folded not in seen:
                    seen.add(folded)
                    names.append((entity.id, name))
        designees.append(
            Designee(
                key=members[0].id,
                members=members,
                schema=schema,
                origin=_origin(members),
                split=split_name(e.id for e in members),
                names=names,
            )
        )
    designees.sort(key=lambda d: d.key)
    return designees


# --- pairs ----------------------------------------------------------------------------------


def _row(
    designee: Designee,
    name1: str,
    name2: str,
    label: int,
    category: str,
    entity_id: str,
    entity_id2: str = "",
) -> dict[str, str]:
    return {
        "schema": SCHEMAS[designee.schema],
        "name1": name1,
        "name2": name2,
        "label": str(label),
        "category": category,
        "script_pair": variants.script_pair(name1, name2),
        "entity_id": entity_id,
        "split": designee.split,
        "origin": designee.origin,
        "entity_id2": entity_id2,
    }


def _related(a: str, b: str) -> bool:
    if variants.script_of(a) != variants.script_of(b):
        return True
    return fuzz.token_set_ratio(ascii_fold(a), ascii_fold(b)) >= RELATED_ALIAS_MIN


def positive_pairs(
    designee: Designee, rng: random.Random, dropped: Counter[str]
) -> list[dict[str, str]]:
    """Same-designee pairs: aliases, other lists' names, and generated customer variants."""
    rows: list[dict[str, str]] = []
    primary = designee.primary
    main_id = designee.main.id
    if not variants.simple_fold(primary):
        return rows

    def add(name2: str | None, category: str, entity_id: str = main_id) -> None:
        if not name2 or variants.simple_fold(name2) == variants.simple_fold(primary):
            return
        rows.append(_row(designee, primary, name2, 1, category, entity_id))

    for entity_id, name in designee.names:
        if name.full == primary:
            continue
        if name.kind is NameKind.WEAK_ALIAS:
            dropped["weak_alias"] += 1
            continue
        if not _related(primary, name.full):
            dropped["unrelated_alias"] += 1
            continue
        category = "alias" if entity_id == main_id else "cross_list"
        add(name.full, category, entity_id)
    latin_person = designee.schema is EntityType.PERSON and variants.script_of(primary) == "Latn"
    if designee.origin == "korean" and latin_person:
        for _ in range(2):
            add(variants.korean_romanization(primary, rng), "romanization")
    if designee.origin == "chinese" and latin_person:
        add(variants.join_given_names(primary, rng), "joined_given")
    if variants.script_of(primary) == "Latn":
        add(variants.keyboard_typo(primary, rng), "typo")
        if designee.schema is EntityType.PERSON:
            shorter = variants.drop_middle_name(primary, rng)  # drawn always: same stream
            if designee.origin not in ONE_GIVEN_NAME:
                add(shorter, "drop_middle")
            add(variants.reorder(primary, rng), "reorder")
    # Keep every generated variant; sample the list-derived pairs of big designees.
    # Cross-script names are rare and the point of the exercise: never sampled away.
    generated = [
        r
        for r in rows
        if r["category"] not in ("alias", "cross_list") or r["script_pair"] != "Latn-Latn"
    ]
    listed = [
        r
        for r in rows
        if r["category"] in ("alias", "cross_list") and r["script_pair"] == "Latn-Latn"
    ]
    room = max(MAX_POSITIVES_PER_DESIGNEE - len(generated), 2)
    if len(listed) > room:
        dropped["alias_over_cap"] += len(listed) - room
        listed = rng.sample(listed, room)
    return listed + generated


class NameBlocks:
    """Blocking index over designees' primary names (ASCII-folded tokens and 4-letter prefixes)."""

    def __init__(self, designees: list[Designee]) -> None:
        self.designees = designees
        self.folded = [ascii_fold(d.primary) for d in designees]
        postings: dict[str, list[int]] = defaultdict(list)
        for i, folded in enumerate(self.folded):
            for key in block_keys(folded):
                postings[key].append(i)
        self.postings = {k: v for k, v in postings.items() if len(v) <= BLOCK_MAX_DF}
        self.by_first: dict[str, list[int]] = defaultdict(list)
        self.by_last: dict[str, list[int]] = defaultdict(list)
        for i, folded in enumerate(self.folded):
            tokens = folded.split()
            if tokens:
                self.by_first[tokens[0]].append(i)
                self.by_last[tokens[-1]].append(i)

    def nearest(
        self, folded: str, schema: EntityType, accept: Callable[[int], bool]
    ) -> tuple[int, float] | None:
        """The most similar other designee's primary name sharing a blocking key."""
        candidates: set[int] = set()
        for key in block_keys(folded):
            candidates.update(self.postings.get(key, ()))
        pool = sorted(i for i in candidates if self.designees[i].schema is schema)
        if not pool:
            return None
        choices = [self.folded[i] for i in pool]
        # Best-first over a C-speed ranking; `accept` rejects same/possibly-same designees.
        ranked = process.extract(folded, choices, scorer=fuzz.token_sort_ratio, limit=25)
        for _, score, position in ranked:
            if accept(pool[position]):
                return pool[position], float(score)
        return None


# Legal-form words, dropped only to decide whether two organisation names are the same name.
_LEGAL_FORMS = frozenset(
    line.strip()
    for line in (Path(__file__).with_name("data") / "legal_forms.txt").read_text().splitlines()
    if line.strip() and not line.startswith("#")
)


def _core_tokens(folded: str) -> str:
    tokens = [t for t in folded.split() if t not in _LEGAL_FORMS]
    return " ".join(tokens) or folded


def _maybe_same_designee(a: Designee, b: Designee, fold_a: str, fold_b: str) -> bool:
    """Two records we could not link but which may be the same party: not a safe negative."""
    tokens_a, tokens_b = set(fold_a.split()), set(fold_b.split())
    # Same tokens, or all tokens of the shorter name inside the longer one ("ABZAR BORESH KAVEH
    # CO" / "ABZAR BORESH KAVEH CO. (BK CO.)"): no name matcher can tell these apart.
    if tokens_a <= tokens_b or tokens_b <= tokens_a:
        return True
    if a.birth_years & b.birth_years:
        return True
    # Near-identical names on DIFFERENT lists are most likely one designee the cross-list links
    # missed ("HESONG TRADING CORPORATION" / "HESONG TRADING COMPANY"); on the SAME list they are
    # two designations and stay as hard negatives.
    lists_a = {e.list_id for e in a.members}
    lists_b = {e.list_id for e in b.members}
    if lists_a != lists_b or len(lists_a) > 1:
        core_a, core_b = _core_tokens(fold_a), _core_tokens(fold_b)
        if core_a == core_b or fuzz.token_sort_ratio(core_a, core_b) >= NEAR_DUPLICATE:
            return True
    return False


def negative_pairs(
    index: int, blocks: NameBlocks, rng: random.Random, dropped: Counter[str]
) -> list[dict[str, str]]:
    """Hard negatives for one designee: nearest other name, same surname, same first token."""
    designee = blocks.designees[index]
    folded = blocks.folded[index]
    if not folded:
        return []
    rows: list[dict[str, str]] = []
    used: set[int] = {index}

    def ok(i: int) -> bool:
        if i in used:
            return False
        other = blocks.designees[i]
        # Train negatives only between train designees: a test designee's names stay unseen.
        if designee.split == "train" and other.split == "test":
            return False
        if _maybe_same_designee(designee, other, folded, blocks.folded[i]):
            dropped["negative_maybe_same"] += 1
            return False
        return True

    def add(i: int, category: str) -> None:
        used.add(i)
        other = blocks.designees[i]
        rows.append(
            _row(
                designee,
                designee.primary,
                other.primary,
                0,
                category,
                designee.main.id,
                other.main.id,
            )
        )

    best = blocks.nearest(folded, designee.schema, ok)
    if best is not None:
        add(best[0], "hard_similar")
    tokens = folded.split()
    if designee.schema is EntityType.PERSON and len(tokens) >= 2:
        same = [
            i
            for i in blocks.by_last.get(tokens[-1], [])
            if blocks.designees[i].schema is EntityType.PERSON and ok(i)
        ]
        if same:
            add(rng.choice(same), "same_surname")
    same_first = [
        i
        for i in blocks.by_first.get(tokens[0], [])
        if blocks.designees[i].schema is designee.schema and ok(i)
    ]
    if same_first:
        add(rng.choice(same_first), "same_first_token")
    return rows


# --- clean customer names -----------------------------------------------------------------


def faker_names(
    count_per_locale: int, seed: int, *, company_share: float
) -> Iterator[dict[str, str]]:
    """Customer-like records from Faker, `count_per_locale` in each locale, seeded.

    Each has a name, and as a customer file has them, a country (the locale's) and, for
    persons, a date of birth (age 18-85). The facts are drawn from a generator of their own,
    so the names are the same with or without them.
    """
    from faker import Faker

    for locale in FAKER_LOCALES:
        fake = Faker(locale)
        fake.seed_instance(seed)
        rng = random.Random(f"{seed}:{locale}")
        facts = random.Random(f"{seed}:{locale}:facts")
        for i in range(count_per_locale):
            country = FAKER_COUNTRY.get(locale) or facts.choice(ARAB_COUNTRIES)
            born = _date_of_birth(facts)
            if rng.random() < company_share:
                yield {
                    "id": f"faker:{locale}:{i}",
                    "name": fake.company(),
                    "schema": "organization",
                    "locale": locale,
                    "birth_date": "",
                    "countries": country,
                }
            else:
                # name_nonbinary etc. include prefixes; first+last is what a customer file holds.
                name = f"{fake.first_name()} {fake.last_name()}"
                if locale in ("ko_KR", "zh_CN", "ja_JP"):
                    name = f"{fake.last_name()}{fake.first_name()}"
                yield {
                    "id": f"faker:{locale}:{i}",
                    "name": name,
                    "schema": "person",
                    "locale": locale,
                    "birth_date": born,
                    "countries": country,
                }


def _date_of_birth(rng: random.Random) -> str:
    """An ISO date of birth of someone aged 18 to 85 on the day the lists were taken (2026)."""
    year = 2026 - rng.randint(18, 85)
    day = rng.randint(1, 365 if year % 4 else 366)
    return (date(year, 1, 1) + timedelta(days=day - 1)).isoformat()


def clean_pairs(blocks: NameBlocks, seed: int, count_per_locale: int) -> list[dict[str, str]]:
    """Each clean customer name against the most similar list name of its type (label 0)."""
    from eval.split import is_test_entity

    rows: list[dict[str, str]] = []
    schema_of = {"person": EntityType.PERSON, "organization": EntityType.ORGANIZATION}
    for record in faker_names(count_per_locale, seed, company_share=0.25):
        best = blocks.nearest(
            ascii_fold(record["name"]), schema_of[record["schema"]], lambda i: True
        )
        if best is None:
            continue
        other = blocks.designees[best[0]]
        rows.append(
            {
                "schema": record["schema"],
                "name1": record["name"],
                "name2": other.primary,
                "label": "0",
                "category": "clean",
                "script_pair": variants.script_pair(record["name"], other.primary),
                "entity_id": record["id"],
                "split": "test" if is_test_entity(record["id"]) else "train",
                "origin": record["locale"],
                "entity_id2": other.main.id,
            }
        )
    return rows


# --- end-to-end queries -------------------------------------------------------------------


def e2e_queries(designees: list[Designee], rng: random.Random, limit: int) -> list[dict[str, str]]:
    """Test designees written as a customer would, with a birth year off by one when known."""
    rows: list[dict[str, str]] = []
    pool = [d for d in designees if d.split == "test" and variants.simple_fold(d.primary)]
    rng.shuffle(pool)
    # Korean and Chinese designees are a few percent of the lists; over-sample them (up to a
    # quarter and an eighth of the queries) so their recall is measured on more than a handful.
    korean = [d for d in pool if d.origin == "korean"][: limit // 4]
    chinese = [d for d in pool if d.origin == "chinese"][: limit // 8]
    others = [d for d in pool if d.origin == "other"]
    chosen = korean + chinese + others[: max(0, limit - len(korean) - len(chinese))]
    rng.shuffle(chosen)
    for designee in chosen:
        names = [n.full for _, n in designee.names if n.kind is not NameKind.WEAK_ALIAS]
        base = rng.choice(names) if rng.random() < 0.3 else designee.primary
        transforms: list[tuple[str, Callable[[str, random.Random], str | None]]] = [
            ("typo", variants.keyboard_typo),
        ]
        if designee.schema is EntityType.PERSON:
            transforms += [
                ("reorder", variants.reorder),
                ("drop_middle", variants.drop_middle_name),
            ]
        if designee.origin == "korean":
            transforms += [("romanization", variants.korean_romanization)] * 3
        if designee.origin == "chinese":
            transforms += [("joined_given", variants.join_given_names)]
        kind = "as_listed"
        query = base
        if rng.random() < 0.8 and variants.script_of(base) == "Latn":
            kind, func = rng.choice(transforms)
            query = func(base, rng) or base
            if kind == "drop_middle" and designee.origin in ONE_GIVEN_NAME:
                query = base  # drawn always, so that the other queries stay as they were
            if query == base:
                kind = "as_listed"
        birth = ""
        years = sorted(designee.birth_years)
        if designee.schema is EntityType.PERSON and years:
            birth = str(int(years[0]) + rng.choice((-1, 1)))
        countries = sorted({c for e in designee.members for c in e.nationalities})[:1]
        rows.append(
            {
                "query_id": f"q{len(rows)}",
                "name": query,
                "schema": SCHEMAS[designee.schema],
                "birth_date": birth,
                "countries": "|".join(countries),
                "expected_ids": "|".join(designee.entity_ids),
                "transform": kind,
                "origin": designee.origin,
                "script": variants.script_of(query),
            }
        )
    return rows


# --- driver ---------------------------------------------------------------------------------


def _write_csv(path: Path, rows: list[dict[str, str]], fields: Iterable[str]) -> None:
    with path.open("w", newline="", encoding="utf-8") as handle:
        writer = csv.DictWriter(handle, fieldnames=list(fields))
        writer.writeheader()
        writer.writerows(rows)


def build(
    entities: list[Entity], *, seed: int = SEED, clean_per_locale: int = 100, e2e_limit: int = 1500
) -> dict[str, object]:
    """Build every set into eval/out/ and return the summary."""
    rng = random.Random(seed)
    designees = build_designees(entities)
    dropped: Counter[str] = Counter()
    pairs: list[dict[str, str]] = []
    for designee in designees:
        pairs += positive_pairs(designee, rng, dropped)
    blocks = NameBlocks(designees)
    for i in range(len(designees)):
        pairs += negative_pairs(i, blocks, rng, dropped)
    pairs += clean_pairs(blocks, seed, 300)
    OUT.mkdir(parents=True, exist_ok=True)
    _write_csv(OUT / "pairs.csv", pairs, PAIR_FIELDS)
    clean = list(faker_names(clean_per_locale, seed + 1, company_share=0.2))
    _write_csv(
        OUT / "clean_names.csv",
        clean,
        ("id", "name", "schema", "locale", "birth_date", "countries"),
    )
    queries = e2e_queries(designees, random.Random(seed + 2), e2e_limit)
    _write_csv(OUT / "e2e_queries.csv", queries, queries[0].keys() if queries else ["query_id"])
    test_ids = sorted(i for d in designees if d.split == "test" for i in d.entity_ids)
    (OUT / "test_entities.txt").write_text("\n".join(test_ids) + "\n", encoding="utf-8")
    counts = Counter((r["split"], r["category"], r["label"]) for r in pairs)
    summary: dict[str, object] = {
        "seed": seed,
        "entities": len(entities),
        "designees": len(designees),
        "cross_listed_designees": sum(len({e.list_id for e in d.members}) > 1 for d in designees),
        "test_designees": sum(d.split == "test" for d in designees),
        "pairs": len(pairs),
        "pairs_by_split_category_label": {"/".join(k): v for k, v in sorted(counts.items())},
        "dropped": dict(dropped),
        "clean_names": len(clean),
        "e2e_queries": len(queries),
    }
    (OUT / "summary.json").write_text(json.dumps(summary, indent=2) + "\n", encoding="utf-8")
    return summary


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    parser.add_argument("--lists", type=Path, default=DEFAULT_LISTS)
    parser.add_argument("--seed", type=int, default=SEED)
    parser.add_argument("--refresh", action="store_true", help="re-parse the lists (ignore cache)")
    args = parser.parse_args(argv)
    entities = load_all_entities(args.lists, use_cache=not args.refresh)
    summary = build(entities, seed=args.seed)
    json.dump(summary, sys.stdout, indent=2)
    print()
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
