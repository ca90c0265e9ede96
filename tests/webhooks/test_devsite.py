"""The development site of `make run`: on with the simulated carrier only, never with Twilio."""

from __future__ import annotations

import hashlib
from collections.abc import Callable, Iterator

import pytest
from starlette.testclient import TestClient

from settings import Settings
from tests.webhooks.conftest import MONDAY_10
from webhooks.api.auth import SITE_KEY
from webhooks.app import create_app
from webhooks.dev_calls import CALLS_PATH
from webhooks.devsite import DEV_SITE_KEY, DEV_SUPERVISOR_KEY, SAMPLE_PATH, dev_origins
from webhooks.queue_views import QueuesFullOut
from webhooks.simulation import offline_telephony

BASE = "http://127.0.0.1:8000"
URL = "/api/v1/queues"
DEV_SUPERVISOR = {"Authorization": f"Bearer {DEV_SUPERVISOR_KEY}"}
REAL_SID, REAL_TOKEN = "AC" + "3f9a" * 8, "b7c1" * 8


def book(client: TestClient, origin: str = BASE, phone: str = "+44 20 7946 0456") -> int:
    headers = {SITE_KEY: DEV_SITE_KEY, "Origin": origin}
    form = {"queue": "support", "phone": phone, "fill_ms": 8000}
    return client.post("/api/v1/callbacks", json=form, headers=headers).status_code


@pytest.fixture
def simulated(settings: Settings) -> Iterator[TestClient]:
    local = settings.model_copy(update={"public_base_url": BASE})
    with TestClient(create_app(local, clock=lambda: MONDAY_10, ticker=False)) as client:
        yield client


@pytest.fixture
def real(settings: Settings) -> Iterator[TestClient]:
    twilio = Settings(
        _env_file=None,
        database_url=settings.database_url,
        config_file=settings.config_file,
        public_base_url=BASE,
        twilio_account_sid=REAL_SID,
        twilio_auth_token=REAL_TOKEN,
    )
    assert twilio.carrier == "twilio"
    app = create_app(
        twilio, clock=lambda: MONDAY_10, ticker=False, telephony=offline_telephony(twilio)
    )
    with TestClient(app) as client:
        yield client


def test_the_hosted_page_opens_with_the_dev_key(simulated: TestClient) -> None:
    page = simulated.get(f"/c/support?key={DEV_SITE_KEY}")
    assert page.status_code == 200
    assert f'data-key="{DEV_SITE_KEY}"' in page.text


def test_the_sample_host_page_embeds_the_widget_with_the_dev_key(simulated: TestClient) -> None:
    page = simulated.get(f"{SAMPLE_PATH}?queue=sales")
    assert page.status_code == 200
    assert f'<script src="/widget.js" data-queue="sales" data-key="{DEV_SITE_KEY}"' in page.text
    assert page.headers["content-security-policy"].startswith("default-src 'none'")


def test_the_dev_key_books_from_the_local_origins_only(simulated: TestClient) -> None:
    assert book(simulated) == 201
    assert book(simulated, origin="http://localhost:8000", phone="+44 20 7946 0457") == 201
    assert book(simulated, origin="https://evil.example", phone="+44 20 7946 0458") == 403


@pytest.mark.parametrize(
    "attempt",
    [
        lambda client: client.get(f"/c/support?key={DEV_SITE_KEY}").status_code,
        lambda client: client.get(SAMPLE_PATH).status_code,
        book,
        lambda client: client.get(CALLS_PATH).status_code,
        lambda client: client.get(f"{CALLS_PATH}.json").status_code,
        lambda client: client.get(URL, headers=DEV_SUPERVISOR).status_code,
    ],
    ids=["hosted-page", "sample-page", "booking", "calls", "calls-json", "supervisor-key"],
)
def test_nothing_of_the_dev_site_exists_with_the_twilio_carrier(
    real: TestClient, attempt: Callable[[TestClient], int]
) -> None:
    assert attempt(real) in (401, 403, 404)


def test_the_dev_supervisor_key_shows_todays_figures(simulated: TestClient) -> None:
    assert book(simulated) == 201
    answer = simulated.get(URL, headers=DEV_SUPERVISOR)
    assert answer.status_code == 200
    today = QueuesFullOut.model_validate_json(answer.text).queues["support"].today
    assert today.booked == {"web": 1}
    assert (today.served_from_hold, today.callbacks_completed, today.abandoned) == (0, 0, 0)
    assert today.average_wait_seconds is None
    assert simulated.get(URL, headers={"Authorization": "Bearer nope"}).status_code == 403


def test_a_supervisor_key_in_the_config_replaces_the_dev_one(
    settings: Settings, make_client: Callable[..., TestClient]
) -> None:
    own = hashlib.sha256(b"the supervisor's own key").hexdigest()
    text = settings.config_file.read_text()
    settings.config_file.write_text(
        text.replace("# supervisor_key_sha256 = ", f'supervisor_key_sha256 = "{own}"\n# ', 1)
    )
    client = make_client()
    assert client.get(URL, headers=DEV_SUPERVISOR).status_code == 403
    mine = {"Authorization": "Bearer the supervisor's own key"}
    assert client.get(URL, headers=mine).status_code == 200


def test_a_site_the_supervisor_named_like_the_dev_site_is_kept(
    settings: Settings, make_client: Callable[..., TestClient]
) -> None:
    text = settings.config_file.read_text()
    own = (
        '[[api.sites]]\nid = "holdless-dev"\nkey_sha256 = "' + "ab" * 32 + '"\n'
        'origins = ["https://www.example.com"]\n\n'
    )
    settings.config_file.write_text(text.replace("# How long personal data", own + "# How long"))
    client = make_client()
    assert client.get(f"/c/support?key={DEV_SITE_KEY}").status_code == 404


def test_both_loopback_names_are_listed_for_a_local_base_url(settings: Settings) -> None:
    local = settings.model_copy(update={"public_base_url": "http://localhost:9000"})
    assert dev_origins(local) == ("http://localhost:9000", "http://127.0.0.1:9000")
    public = settings.model_copy(update={"public_base_url": "https://calls.example.com/"})
    assert dev_origins(public) == ("https://calls.example.com",)
