"""Schemathesis against `/api/v1/openapi.json`: no 5xx, and every answer is the documented one.

The app runs in-process on a fresh SQLite database with a widget site, a signing key and a
supervisor key, so the authenticated paths are reached; the examples are derandomised and
bounded, so a CI run is deterministic and short.
"""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from schemathesis import APIOperation, Case, Config, GenerationMode
from schemathesis.core.jsonschema.types import JsonValue
from schemathesis.openapi import from_asgi
from schemathesis.python import asgi
from schemathesis.schemas import BaseSchema

from settings import Settings
from tests.webhooks.api.conftest import (
    API_TABLES,
    ORIGIN,
    OTHER,
    PHONE,
    SITE_KEY_VALUE,
    SUPERVISOR_KEY,
    sha,
)
from tests.webhooks.conftest import MONDAY_10
from webhooks.api.auth import SITE_KEY
from webhooks.api.openapi import PREFIX, document
from webhooks.app import create_app
from webhooks.twilio.notify import MemoryNotifier

# Limits out of the way, so that generated requests get past them to the deeper answers.
LOOSE = {
    "per_number_per_day = 3": "per_number_per_day = 1000",
    "per_ip_per_hour = 5": "per_ip_per_hour = 1000000",
    "per_prefix_per_hour = 20": "per_prefix_per_hour = 1000000",
    "per_country_per_hour = 200": "per_country_per_hour = 1000000",
    "min_fill_seconds = 3": "min_fill_seconds = 0",
    "min_requests = 20": "min_requests = 1000000",
}
AnyCase = Case[APIOperation[Any, Any, Any, Any]]
# Given here, so that no schemathesis.toml found on disk changes the run. Every check applies,
# but "valid by the schema is accepted": a number may still be refused by the number policy,
# a queue name may not exist. A body over 16 KB is rightly refused with 413 before it is read.
CHECKS = Config.from_dict(
    {
        "checks": {
            "positive_data_acceptance": {"enabled": False},
            "negative_data_rejection": {
                "expected-statuses": ["400", "401", "403", "404", "409", "413", "422", "429"]
            },
        }
    }
)
# Valid, national, blocked (in the example's [numbers]) and premium rate (Ofcom's 0909 drama range).
PHONES = (PHONE, OTHER, "020 7946 0458", "+44 20 7946 0999", "+44 909 8790 000")
HEADERS = {SITE_KEY: SITE_KEY_VALUE, "Origin": ORIGIN, "Authorization": f"Bearer {SUPERVISOR_KEY}"}


def _config(path: Path, verify: str) -> None:
    text = path.read_text().replace('verify_numbers = "off"', f'verify_numbers = "{verify}"')
    for old, new in LOOSE.items():
        assert old in text
        text = text.replace(old, new)
    text = text.replace(
        'company = "Example Energy"',
        f'company = "Example Energy"\nsupervisor_key_sha256 = "{sha(SUPERVISOR_KEY)}"',
    )
    marker = "# How long personal data"
    path.write_text(text.replace(marker, API_TABLES + "\n" + marker))


@dataclass(frozen=True)
class Served:
    """The document of a running app, and values that reach past "not found" in it."""

    schema: BaseSchema
    known: dict[str, str]


def _known(schema: BaseSchema) -> dict[str, str]:
    # One real request (or held verification), so that generated cases can name it.
    create = schema[f"{PREFIX}/callbacks"]["POST"]
    body: dict[str, JsonValue] = {"queue": "support", "phone": PHONES[0], "name": "Ann"}
    answer = create.Case(body=body, media_type="application/json").call(headers=HEADERS).json()
    known = {"queue": "support"}
    if "verification_id" in answer:
        return known | {"verification_id": answer["verification_id"]}
    return known | {"token": answer["status_url"].rsplit("/", 1)[1]}


@pytest.fixture
def served(
    request: pytest.FixtureRequest, config_file: Path, settings: Settings
) -> Iterator[Served]:
    """A fresh app with `[abuse] verify_numbers` set to the test's parameter."""
    _config(config_file, request.param)
    app = create_app(settings, clock=lambda: MONDAY_10, ticker=False, notifier=MemoryNotifier())
    try:
        schema = from_asgi(f"{PREFIX}/openapi.json", app, config=CHECKS)
        yield Served(schema, _known(schema))
    finally:
        asgi.shutdown_lifespans()  # Schemathesis started the app's lifespan on first use


def _steer(case: AnyCase, steer: bool, phone: str, known: dict[str, str]) -> AnyCase:
    """Half the cases name the real queue, request or verification and a plausible number."""
    if not steer:
        return case
    for name in case.path_parameters or {}:
        if name in known:
            case.path_parameters[name] = known[name]
    if isinstance(case.body, dict):
        body = {**case.body, **{k: v for k, v in known.items() if k in case.body}}
        case.body = body | ({"phone": phone} if "phone" in body else {})
    return case


def _cases(
    served: Served, method: str, path: str, mode: GenerationMode
) -> st.SearchStrategy[AnyCase]:
    generated = served.schema[path][method].as_strategy(mode)
    if mode is GenerationMode.NEGATIVE:
        return generated  # steering could make an invalid case valid
    return st.builds(
        _steer, generated, st.booleans(), st.sampled_from(PHONES), st.just(served.known)
    )


def _documented() -> Iterator[tuple[str, str, str, GenerationMode]]:
    # Read from the document itself, so an operation added later is tested without a change here.
    for path, methods in document()["paths"].items():
        for method, operation in methods.items():
            # SMS verification changes only what a body posted to the API leads to.
            for verify in ("off", "sms") if method == "post" else ("off",):
                yield verify, method.upper(), path, GenerationMode.POSITIVE
                # Only a body or a query has rules to break; a bare path string has none.
                queried = any(p["in"] == "query" for p in operation.get("parameters", []))
                if "requestBody" in operation or queried:
                    yield verify, method.upper(), path, GenerationMode.NEGATIVE


@pytest.mark.parametrize(
    ("served", "method", "path", "mode"), list(_documented()), indirect=["served"]
)
def test_every_answer_is_documented_and_none_is_a_server_error(
    served: Served, method: str, path: str, mode: GenerationMode
) -> None:
    @given(case=_cases(served, method, path, mode))
    @settings(
        max_examples=25,
        derandomize=True,
        deadline=None,
        database=None,
        suppress_health_check=list(HealthCheck),
    )
    def answers_as_documented(case: AnyCase) -> None:
        case.call_and_validate(headers=HEADERS)

    answers_as_documented()
