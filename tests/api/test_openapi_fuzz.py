"""Schemathesis over the OpenAPI spec: generated requests to every route never get a 500."""

from __future__ import annotations

from pathlib import Path

import pytest

schemathesis = pytest.importorskip("schemathesis")

from api_fakes import make_api  # noqa: E402
from hypothesis import HealthCheck, given, settings  # noqa: E402
from schemathesis.checks import not_a_server_error  # noqa: E402


@pytest.mark.slow
def test_no_server_errors_on_generated_requests(tmp_path: Path) -> None:
    api = make_api(f"sqlite:///{tmp_path / 'fuzz.db'}", tmp_path)
    app = api.client.app
    schema = schemathesis.openapi.from_asgi("/openapi.json", app)
    headers = api.headers("admin")
    failures: list[str] = []
    for operation in schema.get_all_operations():
        op = operation.ok()
        if op.path == "/lists/refresh":
            continue  # loads lists from disk; covered elsewhere

        @settings(
            max_examples=25,
            deadline=None,
            suppress_health_check=list(HealthCheck),
            database=None,
        )
        @given(case=op.as_strategy())
        def run(case: object) -> None:
            response = case.call(headers=headers)  # type: ignore[attr-defined]
            if response.status_code >= 500:
                failures.append(f"{case.method} {case.path}: {response.status_code}")  # type: ignore[attr-defined]
            case.validate_response(response, checks=[not_a_server_error])  # type: ignore[attr-defined]

        run()
    api.store.close()
    assert failures == []
