"""The OpenAPI schema says exactly what the API accepts and answers: bodies it refuses are invalid in
the schema too, and every route lists its error answers in the one error shape."""

from __future__ import annotations

from typing import Any

import jsonschema_rs
import pytest
from fastapi.testclient import TestClient
from sqlalchemy import Engine

from jaga.api import create_app
from jaga.policy import Policy
from tests.api.test_api import key_for

SPEC_ERRORS = {"400", "401", "403", "404", "413", "422", "503"}


def _valid(spec: dict[str, Any], name: str, body: object) -> bool:
    validator = jsonschema_rs.validator_for({"$ref": f"#/components/schemas/{name}", "components": spec["components"]})
    return bool(validator.is_valid(body))


@pytest.mark.parametrize(
    ("name", "body", "path"),
    [
        ("SubjectIn", {}, "/v1/subjects/resolve"),
        ("SubjectIn", {"key": None}, "/v1/subjects/resolve"),
        ("SubjectIn", {"identities": []}, "/v1/subjects/resolve"),
        ("SubjectIn", {"key": "a" * 64, "identities": [{"kind": "email", "value": "a@b.id"}]}, "/v1/subjects/resolve"),
        ("RequestIn", {"identities": {"": []}}, None),
        ("RequestIn", {"identities": {"email": []}}, None),
    ],
)
def test_what_the_api_refuses_the_schema_refuses(
    sqlite_engine: Engine, policy: Policy, name: str, body: dict[str, Any], path: str | None
) -> None:
    app = create_app(sqlite_engine, policy)
    spec = app.openapi()
    assert not _valid(spec, name, body)
    if path is not None:
        with TestClient(app) as client:
            _, headers = key_for(sqlite_engine, "admin")
            answer = client.post(path, headers=headers, json=body)
        assert answer.status_code == 422 and set(answer.json()) == {"error", "where", "hint"}
        assert "input" not in answer.text  # the default answer echoed what was sent (identities)


def test_the_schema_still_allows_what_is_accepted(sqlite_engine: Engine, policy: Policy) -> None:
    spec = create_app(sqlite_engine, policy).openapi()
    assert _valid(spec, "SubjectIn", {"key": "a" * 64})
    assert _valid(spec, "SubjectIn", {"identities": [{"kind": "email", "value": "a@b.id"}]})
    assert _valid(spec, "RequestIn", {"identities": {"email": "a@b.id", "phone": ["0812", "0813"]}})


def test_every_route_lists_its_error_answers(sqlite_engine: Engine, policy: Policy) -> None:
    spec = create_app(sqlite_engine, policy).openapi()
    for path, operations in spec["paths"].items():
        if not path.startswith("/v1/"):
            continue
        for method, operation in operations.items():
            assert set(operation["responses"]) >= SPEC_ERRORS, (method, path)
            error = operation["responses"]["401"]["content"]["application/json"]["schema"]
            assert error == {"$ref": "#/components/schemas/ErrorOut"}, (method, path)
