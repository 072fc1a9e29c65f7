"""API keys, stored only as sha256 hashes, each with one role.

Roles are ordered: an analyst may also screen, an admin may do everything. The plain key is
shown once, when created; a lost key is replaced, never recovered.
"""

from __future__ import annotations

import hashlib
import secrets
from dataclasses import dataclass
from datetime import UTC, datetime
from enum import StrEnum

from sqlalchemy import (
    Boolean,
    Column,
    Connection,
    DateTime,
    Integer,
    String,
    Table,
    insert,
    select,
    update,
)

from scrutiny.errors import ScrutinyError
from scrutiny.store.schema import metadata

KEY_PREFIX = "scr_"


class Role(StrEnum):
    """What a key may do: screener (screen), analyst (+ alerts, decisions), admin (+ lists, keys)."""

    SCREENER = "screener"
    ANALYST = "analyst"
    ADMIN = "admin"

    @property
    def rank(self) -> int:
        return _RANKS[self]

    def allows(self, needed: Role) -> bool:
        """Whether a key with this role may do what `needed` may do."""
        return self.rank >= needed.rank


_RANKS = {Role.SCREENER: 0, Role.ANALYST: 1, Role.ADMIN: 2}


class UnknownRoleError(ScrutinyError, ValueError):
    """A role name that is not screener, analyst or admin."""


api_keys = Table(
    "api_keys",
    metadata,
    Column("id", Integer, primary_key=True, autoincrement=True),
    Column("key_hash", String(64), nullable=False, unique=True),
    Column("role", String(16), nullable=False),
    Column("label", String(200), nullable=False),
    Column("created_at", DateTime(timezone=True), nullable=False),
    Column("revoked", Boolean, nullable=False, default=False),
)


@dataclass(frozen=True)
class ApiKey:
    """A stored key (never the plain key itself)."""

    id: int
    role: Role
    label: str


def hash_key(plain: str) -> str:
    """The stored form of a key: sha256 hex of its text."""
    return hashlib.sha256(plain.encode()).hexdigest()


def parse_role(value: str) -> Role:
    """A Role from its name; UnknownRoleError naming the choices otherwise."""
    try:
        return Role(value.strip().lower())
    except ValueError:
        raise UnknownRoleError(
            f"unknown role {value!r}: expected screener, analyst or admin"
        ) from None


def create_key(conn: Connection, role: Role | str, label: str = "") -> tuple[str, ApiKey]:
    """Create a key; returns (the plain key, shown only now; its stored record)."""
    role = parse_role(role) if isinstance(role, str) else role
    plain = KEY_PREFIX + secrets.token_urlsafe(32)
    key_id = conn.execute(
        insert(api_keys).returning(api_keys.c.id),
        {
            "key_hash": hash_key(plain),
            "role": str(role),
            "label": label,
            "created_at": datetime.now(UTC),
            "revoked": False,
        },
    ).scalar_one()
    return plain, ApiKey(key_id, role, label)


def lookup_key(conn: Connection, plain: str) -> ApiKey | None:
    """The active key whose hash matches `plain`, or None."""
    row = conn.execute(
        select(api_keys.c.id, api_keys.c.role, api_keys.c.label).where(
            api_keys.c.key_hash == hash_key(plain), api_keys.c.revoked.is_(False)
        )
    ).first()
    return ApiKey(row.id, Role(row.role), row.label) if row else None


def revoke_key(conn: Connection, key_id: int) -> bool:
    """Revoke a key by id; False if no such key."""
    result = conn.execute(update(api_keys).where(api_keys.c.id == key_id).values(revoked=True))
    return bool(result.rowcount)


__all__ = [
    "KEY_PREFIX",
    "ApiKey",
    "Role",
    "UnknownRoleError",
    "api_keys",
    "create_key",
    "hash_key",
    "lookup_key",
    "parse_role",
    "revoke_key",
]
