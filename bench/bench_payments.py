"""Payment screening throughput: messages per second on one core.

Generates MT103, MT202COV, pacs.008 and pain.001 messages (faker names and addresses, real
BICs, invoice-style remittance text), parses and screens them against OFAC SDN (+ alias file)
and the UN 1718 vessels list, single process. Two runs:

- ``repeat``: parties drawn from a pool (default 2,000 customers for 20,000 messages), as in
  a bank's real flow where the same customers and counterparties recur;
- ``unique``: every customer name distinct (worst case: every party reaches the matcher).

    .venv/bin/python -m bench.bench_payments [--messages 20000] [--pool 2000] [--unique 1000]

Rates are messages per CPU-second of this process (the machine may be shared). The matcher's
first call (loading its compiled kernels) is timed apart; each run also reports how many
`Matcher.screen` calls it made and their share of its CPU time.
"""

from __future__ import annotations

import argparse
import itertools
import os
import random
import time
from pathlib import Path
from typing import Any

from faker import Faker

from scrutiny.match import Matcher
from scrutiny.screening.payments import PaymentScreener

LISTS = Path(
    os.environ.get("SCRUTINY_LISTS_DIR") or Path(__file__).resolve().parents[2] / "shared" / "lists"
)
BICS = [
    "DEUTDEFF",
    "COBADEFF",
    "BNPAFRPP",
    "CHASUS33",
    "HSBCHKHH",
    "BKCHCNBJ",
    "ICBKCNBJ",
    "INGBNL2A",
    "ABNANL2A",
    "BARCGB22",
    "NWBKGB2L",
    "UBSWCHZH",
    "DBSSSGSG",
    "CITIUS33",
]
TEXTS = [
    "INVOICE {n} SPARE PARTS",
    "ORDER {n} MACHINE TOOLS DELIVERY",
    "CONTRACT {n} FREIGHT",
    "SALARY {n}",
    "RENT {n} OFFICE LEASE",
    "CONSULTING FEES Q{q} REF {n}",
]


def _matcher() -> Matcher:
    from scrutiny.sources.ofac_csv import read_sdn_csv
    from scrutiny.sources.un_vessels import read_1718_vessels

    sdn = read_sdn_csv(
        LISTS / "mirror/ofac/SDN.CSV", alt=LISTS / "archive/ofac/ofac_sdn_alt_2025-12-24.csv"
    )
    vessels = read_1718_vessels(
        LISTS / "archive/dprk/un_1718_designated_vessels_2020-06-04_extracted.csv"
    )
    return Matcher.from_entities(itertools.chain(sdn.entities, vessels.entities))


def _mt103(n: int, a: tuple[str, str], b: tuple[str, str], text: str, rnd: random.Random) -> str:
    return (
        f"{{1:F01{rnd.choice(BICS)}AXXX0000{n:06d}}}{{2:I103{rnd.choice(BICS)}XXXXN}}{{4:\n"
        f":20:REF{n}\n:23B:CRED\n:32A:240611EUR{rnd.randint(100, 99999)},00\n"
        f":50K:/DE{n:020d}\n{a[0][:35]}\n{a[1][:35]}\n:52A:{rnd.choice(BICS)}\n"
        f":57A:{rnd.choice(BICS)}\n:59:/FR{n:020d}\n{b[0][:35]}\n{b[1][:35]}\n"
        f":70:{text}\n:71A:SHA\n-}}"
    )


def _mt202cov(n: int, a: tuple[str, str], b: tuple[str, str], text: str, rnd: random.Random) -> str:
    return (
        f"{{1:F01{rnd.choice(BICS)}AXXX0000{n:06d}}}{{2:I202{rnd.choice(BICS)}XXXXN}}"
        f"{{3:{{119:COV}}}}{{4:\n:20:COV{n}\n:21:REL{n}\n:32A:240611USD{rnd.randint(100, 99999)},00\n"
        f":52A:{rnd.choice(BICS)}\n:58A:{rnd.choice(BICS)}\n:50K:/US{n}\n{a[0][:35]}\n{a[1][:35]}\n"
        f":59:/GB{n}\n{b[0][:35]}\n{b[1][:35]}\n:70:{text}\n-}}"
    )


def _pacs008(n: int, a: tuple[str, str], b: tuple[str, str], text: str, rnd: random.Random) -> str:
    return (
        '<?xml version="1.0" encoding="UTF-8"?>'
        '<Document xmlns="urn:iso:std:iso:20022:tech:xsd:pacs.008.001.08"><FIToFICstmrCdtTrf>'
        f"<GrpHdr><MsgId>M{n}</MsgId><NbOfTxs>1</NbOfTxs></GrpHdr><CdtTrfTxInf>"
        f"<PmtId><EndToEndId>E{n}</EndToEndId></PmtId>"
        f'<IntrBkSttlmAmt Ccy="EUR">{rnd.randint(100, 99999)}.00</IntrBkSttlmAmt>'
        f"<Dbtr><Nm>{a[0]}</Nm><PstlAdr><TwnNm>{a[1]}</TwnNm><Ctry>DE</Ctry></PstlAdr></Dbtr>"
        f"<DbtrAgt><FinInstnId><BICFI>{rnd.choice(BICS)}</BICFI></FinInstnId></DbtrAgt>"
        f"<CdtrAgt><FinInstnId><BICFI>{rnd.choice(BICS)}</BICFI></FinInstnId></CdtrAgt>"
        f"<Cdtr><Nm>{b[0]}</Nm><PstlAdr><TwnNm>{b[1]}</TwnNm><Ctry>FR</Ctry></PstlAdr></Cdtr>"
        f"<RmtInf><Ustrd>{text}</Ustrd></RmtInf></CdtTrfTxInf></FIToFICstmrCdtTrf></Document>"
    )


def _pain001(n: int, a: tuple[str, str], b: tuple[str, str], text: str, rnd: random.Random) -> str:
    return (
        '<?xml version="1.0" encoding="UTF-8"?>'
        '<Document xmlns="urn:iso:std:iso:20022:tech:xsd:pain.001.001.09"><CstmrCdtTrfInitn>'
        f"<GrpHdr><MsgId>P{n}</MsgId><NbOfTxs>1</NbOfTxs></GrpHdr><PmtInf><PmtInfId>I{n}</PmtInfId>"
        f"<Dbtr><Nm>{a[0]}</Nm></Dbtr><DbtrAgt><FinInstnId><BICFI>{rnd.choice(BICS)}</BICFI>"
        f"</FinInstnId></DbtrAgt><CdtTrfTxInf><PmtId><EndToEndId>E{n}</EndToEndId></PmtId>"
        f'<Amt><InstdAmt Ccy="GBP">{rnd.randint(100, 9999)}.00</InstdAmt></Amt>'
        f"<Cdtr><Nm>{b[0]}</Nm></Cdtr><RmtInf><Ustrd>{text}</Ustrd></RmtInf></CdtTrfTxInf>"
        "</PmtInf></CstmrCdtTrfInitn></Document>"
    )


def messages(count: int, pool: int, seed: int = 7, pool_seed: int = 7) -> list[str]:
    """`count` messages whose customers come from a pool of `pool` parties (same pool_seed:
    same parties, other seed: other messages between them)."""
    fake = Faker(["en_GB", "de_DE", "fr_FR", "en_US"])
    Faker.seed(pool_seed)
    rnd = random.Random(seed)
    parties = [
        (
            (fake.company() if i % 2 else fake.name()).upper().replace("&", "AND"),
            fake.city().upper(),
        )
        for i in range(pool)
    ]
    builders = (_mt103, _mt202cov, _pacs008, _pain001)
    out = []
    for n in range(count):
        text = rnd.choice(TEXTS).format(n=n, q=rnd.randint(1, 4))
        out.append(rnd.choice(builders)(n, rnd.choice(parties), rnd.choice(parties), text, rnd))
    return out


class MatcherMeter:
    """Counts `Matcher.screen` calls and their CPU time (the matcher's share of a run)."""

    def __init__(self, matcher: Matcher) -> None:
        self.calls = 0
        self.cpu = 0.0
        screen = matcher.screen

        def counted(*args: Any, **kwargs: Any) -> Any:
            start = time.process_time()
            try:
                return screen(*args, **kwargs)
            finally:
                self.cpu += time.process_time() - start
                self.calls += 1

        matcher.screen = counted  # type: ignore[method-assign]

    def take(self) -> tuple[int, float]:
        """Calls and CPU seconds since the last take."""
        taken = self.calls, self.cpu
        self.calls, self.cpu = 0, 0.0
        return taken


def run(screener: PaymentScreener, batch: list[str]) -> tuple[float, float, int, int]:
    """Wall seconds, CPU seconds of this process, messages held, messages in error.

    CPU seconds give the per-core rate even when other jobs share the machine.
    """
    start, cpu = time.perf_counter(), time.process_time()
    held = errors = 0
    for raw in batch:
        result = screener.screen_raw(raw)
        held += result.held
        errors += result.decision == "error"
    return time.perf_counter() - start, time.process_time() - cpu, held, errors


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--messages", type=int, default=20_000)
    parser.add_argument("--pool", type=int, default=2_000)
    parser.add_argument("--unique", type=int, default=1_000, help="messages in the unique run")
    args = parser.parse_args()
    matcher = _matcher()
    start = time.perf_counter()
    screener = PaymentScreener(matcher)
    print(
        f"screener build (automaton over {len(matcher.index.name_text)} names): "
        f"{time.perf_counter() - start:.1f} s"
    )
    # The matcher's first call loads its compiled kernels (numba): start-up, not per message.
    start = time.process_time()
    matcher.screen("WARM UP")
    print(f"matcher first call (compiled kernels loaded): {time.process_time() - start:.2f} s CPU")
    meter = MatcherMeter(matcher)
    repeat = messages(args.messages, args.pool)
    screener = PaymentScreener(matcher)
    label = f"pool {args.pool}"
    first = run(screener, repeat)
    _report(f"repeat, first pass ({label}, cold cache)", len(repeat), *first, *meter.take())
    again = messages(args.messages, args.pool, seed=8)
    steady = run(screener, again)
    _report(f"repeat, steady state ({label}, new messages)", len(again), *steady, *meter.take())
    unique = messages(args.unique, args.unique * 2, seed=11, pool_seed=11)
    distinct = run(PaymentScreener(matcher), unique)
    _report("unique parties", len(unique), *distinct, *meter.take())


def _report(
    label: str,
    count: int,
    wall: float,
    cpu: float,
    held: int,
    errors: int,
    calls: int,
    matcher_cpu: float,
) -> None:
    per_call = f", {1000 * matcher_cpu / calls:.2f} ms each" if calls else ""
    print(
        f"{label}: {count} messages, {wall:.2f} s wall, {cpu:.2f} s CPU = "
        f"{count / cpu:,.0f} messages per CPU-second (held {held}, errors {errors}); "
        f"Matcher.screen: {calls} calls{per_call}, {matcher_cpu / cpu:.0%} of the CPU time"
    )


if __name__ == "__main__":
    main()
