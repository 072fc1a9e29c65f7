"""Monitoring: a new list version re-screens stored records against its delta only."""

from __future__ import annotations

import random
import sys
from pathlib import Path

import pytest

sys.path.insert(0, str(Path(__file__).resolve().parents[1] / "api"))

from api_fakes import BASE, org, parsed, person

from scrutiny.match import Matcher
from scrutiny.monitor.rescreen import run_monitor
from scrutiny.store import Store, alerts, audit, connect
from scrutiny.store.alerts import ScreeningContext

CONTEXT = ScreeningContext(0.7, "test-engine", {})


def setup_store(tmp_path: Path) -> Store:
    store = connect(f"sqlite:///{tmp_path / 'm.db'}")
    store.load_list(parsed(tmp_path, BASE))
    with store.transaction(write=True) as conn:
        alerts.save_records(
            conn,
            [
                ("c-1", {"name": "Ivan Sergeyevich Petrov", "birth_date": "1970-05-05"}),
                ("c-2", {"name": "Acme Shipping Ltd"}),
                ("c-3", {"name": "Maria Gonzalez"}),
            ],
        )
    return store


def test_new_designation_raises_alerts_once(tmp_path: Path) -> None:
    store = setup_store(tmp_path)
    # First run: v1 is the baseline (no earlier version to compare with).
    assert run_monitor(store, CONTEXT, cache_path=tmp_path / "keys.json").alerts_raised == 0
    new = person("9", "IVAN SERGEYEVICH PETROV", dob="1970-05-05", nationality="RU")
    changed = org("4", "BANCO NACIONAL DE CUBA")  # unchanged content
    store.load_list(parsed(tmp_path, [*BASE[:3], changed, BASE[4], new]))
    report = run_monitor(store, CONTEXT, cache_path=tmp_path / "keys.json")
    assert report.records_screened == 3
    assert [(r.list_id, r.from_version, r.to_version, r.entities) for r in report.lists] == [
        ("fake_sdn", 1, 2, 1)
    ]
    assert report.alerts_raised == 1
    with store.transaction() as conn:
        raised = alerts.list_alerts(conn)
        assert [(a.record_id, a.entity_id) for a in raised] == [("c-1", "fake_sdn:9")]
        assert audit.verify_chain(conn).ok
        assert [e.kind for e in audit.entries(conn, kind="monitor_run")] == [
            "monitor_run",
            "monitor_run",
        ]
    # Nothing new: nothing screened, nothing raised.
    again = run_monitor(store, CONTEXT, cache_path=tmp_path / "keys.json")
    assert again.lists == [] and again.alerts_raised == 0
    store.close()


def test_changed_entity_is_rescreened_and_not_raised_twice(tmp_path: Path) -> None:
    store = setup_store(tmp_path)
    run_monitor(store, CONTEXT, cache_path=tmp_path / "keys.json")
    acme = org("7", "ACME SHIPPING LIMITED")
    store.load_list(parsed(tmp_path, [*BASE, acme]))
    assert run_monitor(store, CONTEXT, cache_path=tmp_path / "keys.json").alerts_raised == 1
    store.load_list(parsed(tmp_path, [*BASE, acme, person("8", "NOBODY IN PARTICULAR")]))
    report = run_monitor(store, CONTEXT, cache_path=tmp_path / "keys.json")
    assert report.lists[0].entities == 1  # only the added person; acme unchanged
    assert report.alerts_raised == 0
    # Now the entry changes (new remarks): new content hash, screened and raised again.
    acme_changed = org("7", "ACME SHIPPING LIMITED")
    acme_changed = type(acme_changed)(
        **{f: getattr(acme_changed, f) for f in acme_changed.__dataclass_fields__}
        | {"remarks": "re-designated"}
    )
    from scrutiny.model import seal

    store.load_list(parsed(tmp_path, [*BASE, seal(acme_changed)]))
    report = run_monitor(store, CONTEXT, cache_path=tmp_path / "keys.json")
    assert report.lists[0].entities == 1  # acme changed; the removed person is not screened
    assert report.alerts_raised == 1
    with store.transaction() as conn:
        hashes = {a.entity_hash for a in alerts.list_alerts(conn, record_id="c-2")}
    assert len(hashes) == 2
    store.close()


def test_monitor_matches_full_screen_for_delta_entities(tmp_path: Path) -> None:
    """The delta matcher finds what a full matcher over all entities finds for the record."""
    store = setup_store(tmp_path)
    run_monitor(store, CONTEXT, cache_path=tmp_path / "keys.json")
    new = person("9", "IVAN SERGEYEVICH PETROV", dob="1970-05-05")
    store.load_list(parsed(tmp_path, [*BASE, new]))
    run_monitor(store, CONTEXT, cache_path=tmp_path / "keys.json")
    full = Matcher.from_entities(store.iter_current_entities())
    expected = {
        h.entity_id for h in full.screen("Ivan Sergeyevich Petrov") if h.entity_id == new.id
    }
    with store.transaction() as conn:
        got = {a.entity_id for a in alerts.list_alerts(conn, record_id="c-1")}
    assert got == expected == {new.id}
    store.close()


def test_prefilter_finds_what_screening_every_record_finds(tmp_path: Path) -> None:
    """Records skipped by the key prefilter have no alert-level hits from the delta matcher."""
    from faker import Faker

    from scrutiny.monitor.rescreen import RecordKeyCache, _DeltaFilter, query_from_record

    fake = Faker(["en_US", "ru_RU", "de_DE"])
    Faker.seed(5)
    records = [{"name": fake.name()} for _ in range(300)]
    records += [{"name": "Ivan Sergeevich Petrov"}, {"name": "Kim Jong-un"}, {"name": "Ivanof"}]
    records += [{"name": "Petrov Ivan"}, {"name": "Ivan Petrof"}, {"name": "Jong Un Kim"}]
    records += [{"name": "Peter Ivanov Smith"}, {"name": "Иван Сергеевич Петров"}]
    delta = [
        person("9", "IVAN SERGEYEVICH PETROV"),
        person("10", "KIM JONG UN"),
        person("11", "PETER IVANOV"),
    ]
    matcher = Matcher.from_entities(delta)
    keep = _DeltaFilter(matcher)
    cache = RecordKeyCache(tmp_path / "k.json")
    skipped_with_hits = []
    kept = 0
    for i, data in enumerate(records):
        keys, tokens = cache.keys_of(str(i), data)
        hits = matcher.screen(query_from_record(data), threshold=matcher.threshold)
        if keep.may_match(keys, tokens, data):
            kept += 1
        elif hits:
            skipped_with_hits.append(data["name"])
    assert skipped_with_hits == []
    assert 8 <= kept < len(records) // 4  # it does filter
    cache.save()
    assert RecordKeyCache(tmp_path / "k.json").entries == cache.entries


def _variants(name: str, rng: random.Random, person: bool) -> list[str]:
    """How customers write a listed name: as listed, one typo, a part dropped, and for
    people, surname first or last (company names are not written backwards)."""
    parts = name.replace(",", " ").split()
    out = [name, " ".join(reversed(parts))] if person else [name]
    if parts:
        word = rng.randrange(len(parts))
        token = parts[word]
        if len(token) > 3:
            i = rng.randrange(1, len(token) - 1)
            parts_typo = [*parts[:word], token[:i] + token[i + 1 :], *parts[word + 1 :]]
            out.append(" ".join(parts_typo))
    if len(parts) > 2:
        out.append(" ".join(parts[:1] + parts[2:]))
    return out


@pytest.mark.slow
def test_prefilter_on_real_list_entries(mirror_dir: Path, tmp_path: Path) -> None:
    """Delta of 60 real SDN entries; customers are Faker names plus variants of the listed
    names. No record the prefilter skips would have raised an alert."""
    from faker import Faker

    from scrutiny.model import EntityType
    from scrutiny.monitor.rescreen import RecordKeyCache, _DeltaFilter, query_from_record
    from scrutiny.sources.ofac_csv import read_sdn_csv

    entities = list(read_sdn_csv(mirror_dir / "ofac" / "SDN.CSV").entities)
    rng = random.Random(11)
    delta = rng.sample(entities, 60)
    matcher = Matcher.from_entities(delta)
    keep = _DeltaFilter(matcher)
    fake = Faker(["en_US", "es_ES", "ar_AA", "ru_RU"])
    Faker.seed(11)
    records = [{"name": fake.name()} for _ in range(400)]
    records += [{"name": fake.company()} for _ in range(200)]
    records += [
        {"name": v}
        for e in delta
        for v in _variants(e.primary_name, rng, e.schema == EntityType.PERSON)
    ]
    cache = RecordKeyCache(None)
    missed, kept = [], 0
    for i, data in enumerate(records):
        strong, tokens = cache.keys_of(str(i), data)
        if keep.may_match(strong, tokens, data):
            kept += 1
        elif matcher.screen(query_from_record(data), threshold=matcher.threshold):
            missed.append(data["name"])
    assert missed == []
    assert kept < len(records) // 2
