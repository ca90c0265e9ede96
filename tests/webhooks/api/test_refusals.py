"""Every refusal: a 4xx naming code and field, nothing stored, and the refusal counted."""

from __future__ import annotations

import dataclasses
from typing import Any

import pytest

from tests.webhooks.api.conftest import ORIGIN, PHONE, Api, as_json, form
from webhooks.api.auth import SITE_KEY
from webhooks.api.body import MAX_BODY
from webhooks.api.captcha import FakeCaptcha
from webhooks.api.schemas import ErrorBody

# (raw number, the number policy's reason). Sources: Ofcom numbering (09 premium, 0871
# shared cost), ITU-T E.164 assignments (+870 Inmarsat, +881 GMSS), NANP (900 premium).
BAD_NUMBERS = [
    ("+44 909 879 0000", "type_not_allowed"),  # UK premium rate
    ("+44 871 789 0000", "type_not_allowed"),  # UK shared cost (and a blocked prefix)
    ("+1 900 555 0100", "region_not_allowed"),  # NANP premium, outside the allowed regions
    ("+870 7721 23456", "region_not_allowed"),  # Inmarsat satellite (global network "001")
    ("+881 6 1234 5678", "region_not_allowed"),  # Iridium satellite
    ("+1 555 0100", "invalid"),  # NANP look-alike: too short
    ("+1 011 555 0100", "invalid"),  # NANP area codes never start with 0
    ("999", "emergency_or_short_code"),
    ("112", "emergency_or_short_code"),
    ("020 7946 0456 ext 12", "extension"),
    ("020 7946 0456,,1234#", "extension"),
    ("020 7946 0456;ext=5", "extension"),
    ("020 7946 0456 w123", "extension"),
    ("sip:alice@example.com", "not_pstn"),
    ("client:alice", "not_pstn"),
    ("tel:020 7946 0456", "not_pstn"),
    ("", "empty"),
    ("   ", "empty"),
    ("1" * 65_536, "too_long"),
    ("+44 20 7946 0456'; DROP TABLE callback_request;--", "not_a_number"),
    ("<script>alert(1)</script>", "not_a_number"),
    ("+44 20 7946 0456\u202e1", "invalid"),  # a hidden bidi override before an extra digit
    ("+44 2\u041e 7946 0456", "not_pstn"),  # Cyrillic O posing as a zero
    ("\u0660\u0662\u0660\u0667\u0669\u0664\u0666\u0660\u0664\u0665\u0666x9", "extension"),
    ("+44 20 7946 0000", "own_number"),
    ("+44 20 7946 0999", "blocked"),
    ("+44 20 ７９４６ ０４５６ x12", "extension"),  # full-width digits, then an extension
]


def _error(response: Any) -> dict[str, Any]:
    return ErrorBody.model_validate_json(response.text).error.model_dump()


@pytest.mark.parametrize(("raw", "reason"), BAD_NUMBERS)
def test_a_bad_number_is_refused_with_its_reason_and_nothing_stored(
    api: Api, raw: str, reason: str
) -> None:
    response = api.web(form(raw)) if len(raw) < MAX_BODY else api.signed(as_json(form(raw)))
    assert 400 <= response.status_code < 500, response.text
    error = _error(response)
    if len(raw) < MAX_BODY:
        assert (error["code"], error["field"], error["reason"]) == (
            "invalid_number",
            "phone",
            reason,
        )
    else:
        assert error["code"] == "body_too_large"
    assert api.stored() == 0


def test_a_number_refusal_speaks_the_request_language(api: Api) -> None:
    english = _error(api.web(form("999")))["message"]
    russian = _error(api.web(form("999", language="ru")))["message"]
    assert english.startswith("Sorry") and russian != english
    assert api.svc.config.current.catalogue.text("ru", "number_refused_short") == russian


INJECTIONS = ["<script>x</script>", "{{7*7}}", "a\u0000b", "x\u202ey", "`id`", "a\\b"]


@pytest.mark.parametrize("text", INJECTIONS)
@pytest.mark.parametrize("field", ["name", "reason", "context"])
def test_markup_and_control_characters_are_refused_in_every_text_field(
    api: Api, field: str, text: str
) -> None:
    value: object = {"page": text} if field == "context" else text
    error = _error(api.web(form(**{field: value})))
    assert error["code"] == "invalid_field"
    assert error["field"] == ("context.page" if field == "context" else field)
    assert api.stored() == 0


@pytest.mark.parametrize(
    ("body", "code", "field"),
    [
        ({"phone": PHONE, "fill_ms": 8000}, "invalid_field", "queue"),
        (form(queue="../etc"), "invalid_field", "queue"),
        (form(queue="billing"), "unknown_queue", "queue"),
        (form(colour="red"), "unknown_field", "colour"),
        (form(email="not-an-address"), "invalid_field", "email"),
        (form(language="english"), "invalid_field", "language"),
        (form(preferred_time="tomorrow"), "invalid_field", "preferred_time"),
        (form(preferred_time="2026-03-02T11:00:00"), "invalid_field", "preferred_time"),
        (form(context={"Page": "x"}), "invalid_field", "context.Page"),
        (form(context={"nested": {"a": 1}}), "invalid_field", "context.nested"),
        (form(phone=12345), "invalid_field", "phone"),
    ],
)
def test_a_body_breaking_a_rule_names_the_field(
    api: Api, body: dict[str, Any], code: str, field: str
) -> None:
    response = api.web(body)
    assert response.status_code in (404, 422)
    assert (_error(response)["code"], _error(response)["field"]) == (code, field)
    assert api.stored() == 0


@pytest.mark.parametrize("raw", [b"", b"[]", b"not json", b"\xff\xfe", b'"text"'])
def test_a_body_that_is_not_a_json_object_is_refused(api: Api, raw: bytes) -> None:
    headers = {SITE_KEY: "pk_example_energy_widget", "Origin": ORIGIN}
    response = api.client.post("/api/v1/callbacks", content=raw, headers=headers)
    assert (response.status_code, _error(response)["code"]) == (400, "invalid_body")


def test_a_body_over_16_kb_is_refused(api: Api) -> None:
    response = api.web(form(reason="x" * (MAX_BODY + 1)))
    assert (response.status_code, _error(response)["code"]) == (413, "body_too_large")


def test_the_honeypot_and_a_hasty_form_are_refused(api: Api) -> None:
    honeypot = api.web(form(website="http://spam.example"))
    assert (_error(honeypot)["code"], _error(honeypot)["reason"]) == ("bot_suspected", "honeypot")
    hasty = api.web(form(fill_ms=900))
    assert (_error(hasty)["code"], _error(hasty)["field"]) == ("bot_suspected", "fill_ms")
    missing = api.web({"queue": "support", "phone": PHONE})
    assert _error(missing)["reason"] == "too_fast"
    assert api.web(form(website="")).status_code == 201


def test_the_captcha_hook_refuses_unsolved_challenges(api: Api) -> None:
    api.state = dataclasses.replace(api.state, captcha=FakeCaptcha(frozenset({"solved"})))
    assert _error(api.web(form()))["code"] == "captcha_failed"
    assert _error(api.web(form(captcha_token="guessed")))["code"] == "captcha_failed"
    assert api.web(form(captcha_token="solved")).status_code == 201


def test_every_refusal_is_counted_by_reason(api: Api) -> None:
    api.web(form("999"))
    api.web(form("999"))
    api.web(form(colour="red"))
    assert api.refusals() == {
        "invalid_number.emergency_or_short_code": 2,
        "unknown_field": 1,
    }
