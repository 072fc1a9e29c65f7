"""Company legal forms and generic words."""

from __future__ import annotations

import pytest

from scrutiny.text.normalize import tokenize_name
from scrutiny.text.orgforms import canonical_form, split_legal_forms, token_weight_class


@pytest.mark.parametrize(
    ("name", "core", "forms"),
    [
        ("Korea Kwangson Banking Corporation", ["korea", "kwangson", "banking"], ["corp"]),
        ("ABC Trading Co., Ltd.", ["abc", "trading"], ["co", "ltd"]),
        ("Foo L.L.C.", ["foo"], ["llc"]),
        ("Foo Limited Liability Company", ["foo"], ["llc"]),
        ("OOO Romashka", ["romashka"], ["ooo"]),
        ("ООО Ромашка", ["ромашка"], ["ooo"]),
        ("Public Joint Stock Company Rosneft", ["rosneft"], ["pjsc"]),
        ("Siemens GmbH", ["siemens"], ["gmbh"]),
        ("Acme S.A.R.L.", ["acme"], ["sarl"]),
        ("Polska Sp. z o.o.", ["polska"], ["spzoo"]),
        ("朝鲜光鲜银行有限公司", ["朝鲜光鲜银行"], ["有限公司"]),
        ("주식회사 삼성", ["삼성"], ["주식회사"]),
        ("(주)삼성", ["삼성"], ["주식회사"]),
        ("Company Limited", ["company", "limited"], []),  # nothing left: keep the name
    ],
)
def test_split_legal_forms(name: str, core: list[str], forms: list[str]) -> None:
    assert split_legal_forms(tokenize_name(name)) == (core, forms)


@pytest.mark.parametrize(
    ("token", "cls"),
    [
        ("ltd", "legal_form"),
        ("gmbh", "legal_form"),
        ("trading", "generic"),
        ("international", "generic"),
        ("group", "generic"),
        ("bank", "generic"),
        ("kwangson", None),
    ],
)
def test_token_weight_class(token: str, cls: str | None) -> None:
    assert token_weight_class(token) == cls


def test_canonical_forms() -> None:
    assert canonical_form("limited") == "ltd"
    assert canonical_form("company") == "co"
    assert canonical_form("corporation") == "corp"
