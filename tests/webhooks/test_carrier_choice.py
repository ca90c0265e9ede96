"""The carrier is chosen on purpose: Twilio, or the simulated one only when asked for."""

from __future__ import annotations

from pathlib import Path

import pytest
from starlette.testclient import TestClient
from twilio.request_validator import RequestValidator

from callback.store.presence import AgentStatus
from settings import Settings, SettingsError, load_settings
from tests.webhooks.conftest import MONDAY_10
from webhooks.app import create_app
from webhooks.services import Services
from webhooks.twilio.signature import SIMULATED_AUTH_TOKEN, checker_for

REAL_SID, REAL_TOKEN = "AC" + "3f9a" * 8, "b7c1" * 8
URL = "http://127.0.0.1:8000/twilio/voice"
FORM = {"CallSid": "CA" + "0" * 32, "From": "+442079460456"}


def signed_by(token: str) -> str:
    signature: str = RequestValidator(token).compute_signature(URL, FORM)
    return signature


def accepts(settings: Settings, token: str) -> bool:
    checker = checker_for(settings)
    return checker.valid("/twilio/voice", "", FORM, signed_by(token))


def test_without_credentials_or_choice_no_carrier_is_chosen() -> None:
    settings = Settings(_env_file=None)
    assert settings.carrier is None
    refusal = settings.carrier_refusal()
    assert refusal is not None
    assert "HOLDLESS_TWILIO_ACCOUNT_SID and HOLDLESS_TWILIO_AUTH_TOKEN unset" in refusal
    assert "HOLDLESS_CARRIER=simulated" in refusal


def test_both_credentials_choose_twilio() -> None:
    settings = Settings(_env_file=None, twilio_account_sid=REAL_SID, twilio_auth_token=REAL_TOKEN)
    assert settings.carrier == "twilio"
    assert settings.carrier_refusal() is None


def test_one_credential_alone_chooses_nothing() -> None:
    assert Settings(_env_file=None, twilio_account_sid=REAL_SID).carrier is None


def test_twilio_chosen_without_credentials_is_refused_naming_both(
    monkeypatch: pytest.MonkeyPatch, tmp_path: Path
) -> None:
    monkeypatch.chdir(tmp_path)
    monkeypatch.setenv("HOLDLESS_CARRIER", "twilio")
    with pytest.raises(SettingsError) as refused:
        load_settings()
    assert refused.value.problems == [
        "HOLDLESS_CARRIER is 'twilio' but HOLDLESS_TWILIO_ACCOUNT_SID and "
        "HOLDLESS_TWILIO_AUTH_TOKEN unset"
    ]


def test_an_unknown_carrier_is_refused(monkeypatch: pytest.MonkeyPatch, tmp_path: Path) -> None:
    monkeypatch.chdir(tmp_path)
    monkeypatch.setenv("HOLDLESS_CARRIER", "twillio")
    with pytest.raises(SettingsError) as refused:
        load_settings()
    [problem] = refused.value.problems
    assert problem.startswith("HOLDLESS_CARRIER: Input should be 'twilio' or 'simulated'")


def test_the_public_simulated_token_signs_nothing_unless_simulated_was_chosen() -> None:
    assert not accepts(Settings(_env_file=None), SIMULATED_AUTH_TOKEN)
    assert accepts(Settings(_env_file=None, carrier="simulated"), SIMULATED_AUTH_TOKEN)


def test_the_simulated_carrier_ignores_real_credentials_left_in_the_environment() -> None:
    settings = Settings(
        _env_file=None,
        carrier="simulated",
        twilio_account_sid=REAL_SID,
        twilio_auth_token=REAL_TOKEN,
    )
    assert accepts(settings, SIMULATED_AUTH_TOKEN)
    assert not accepts(settings, REAL_TOKEN)


def test_twilio_accepts_only_its_own_token() -> None:
    settings = Settings(_env_file=None, twilio_account_sid=REAL_SID, twilio_auth_token=REAL_TOKEN)
    assert accepts(settings, REAL_TOKEN)
    assert not accepts(settings, SIMULATED_AUTH_TOKEN)


def available_agents(settings: Settings) -> list[str]:
    app = create_app(settings, clock=lambda: MONDAY_10, ticker=False, simulate=True)
    with TestClient(app) as client:
        svc: Services = client.app_state["services"]
        on_duty = svc.presence.everyone()
        return [p.agent_id for p in on_duty if p.status is AgentStatus.AVAILABLE]


def test_the_simulation_puts_the_roster_on_duty(settings: Settings) -> None:
    assert settings.carrier == "simulated"
    assert sorted(available_agents(settings)) == ["alice", "boris", "chloe", "dagur", "leila"]


def test_a_twilio_deployment_never_has_agents_made_available_by_the_simulation(
    settings: Settings,
) -> None:
    twilio = Settings(
        _env_file=None,
        database_url=settings.database_url,
        config_file=settings.config_file,
        twilio_account_sid=REAL_SID,
        twilio_auth_token=REAL_TOKEN,
    )
    assert available_agents(twilio) == []


def test_an_app_without_a_carrier_does_not_start(settings: Settings) -> None:
    undecided = settings.model_copy(update={"carrier": None})
    with pytest.raises(ValueError, match="no Twilio credentials"):
        available_agents(undecided)
