"""The dry run: who may run it, the check before it, the bounded run, the comparison, applying."""

from __future__ import annotations

import hashlib
import html
from datetime import timedelta
from pathlib import Path

import pytest
from markupsafe import escape
from sqlalchemy import Engine
from starlette.testclient import TestClient

from callback.config import ConfigChange
from callback.store import QueueStore
from scheduler.config_reload import reload_job
from tests.webhooks.conftest import MONDAY_10
from tests.webhooks.console.support import Clock, csrf_of, records, sign_in
from tests.webhooks.console.test_pages import INLINE
from tests.webhooks.recorded_hour import record_callbacks, record_held_callers
from webhooks.services import Services

PAGE = "/console/config/dry-run"
APPLY = "/console/config/apply"
# Two busy hours on the example's support queue (open 08:00-20:00 London on weekdays).
FORECAST = (
    "queue,start,end,channel,offered,handle_s,patience_s,callback_share,no_answer,machine\n"
    "support,10:00,11:00,phone,60,270,240,0.5,0.1,0.05\n"
    "support,11:00,12:00,phone,60,270,240,0.5,0.1,0.05\n"
)
PLAN = '{ from = "10:00", to = "16:00", agents = 5 }'
FEWER = '{ from = "10:00", to = "16:00", agents = 2 }'


def _form(client: TestClient, proposed: str, **extra: str) -> dict[str, str]:
    token = csrf_of(client.get(PAGE).text)
    form = {"csrf": token, "proposed": proposed, "forecast": FORECAST, "start": "2026-03-02"}
    return form | {"days": "1", "replications": "5"} | extra


def _run(client: TestClient, proposed: str, **extra: str) -> tuple[int, str]:
    answer = client.post(PAGE, data=_form(client, proposed, **extra))
    return answer.status_code, answer.text


def _fewer(config_file: Path) -> str:
    text = config_file.read_text()
    assert PLAN in text
    return text.replace(PLAN, FEWER)


def test_the_page_opens_with_the_file_in_force_for_a_supervisor(
    client: TestClient, config_file: Path
) -> None:
    sign_in(client, "sam")
    page = client.get(PAGE)
    assert page.status_code == 200
    assert str(escape(config_file.read_text())) in page.text
    assert INLINE.search(page.text) is None
    assert INLINE.search(client.get("/console/config/staffing").text) is None


@pytest.mark.parametrize("name", ["vera", "alice"])
def test_viewers_and_agents_may_neither_run_nor_apply(
    client: TestClient, config_file: Path, name: str
) -> None:
    sign_in(client, name)
    assert client.get(PAGE).status_code == 403
    token = csrf_of(client.get("/console/config" if name == "vera" else "/console/").text)
    before = config_file.read_bytes()
    assert client.post(PAGE, data={"csrf": token, "proposed": "x"}).status_code == 403
    applied = {"csrf": token, "proposed": _fewer(config_file), "base": "0" * 64}
    assert client.post(APPLY, data=applied).status_code == 403
    assert config_file.read_bytes() == before


def test_without_the_csrf_token_nothing_runs_or_is_written(
    client: TestClient, config_file: Path
) -> None:
    sign_in(client, "sam")
    form = _form(client, _fewer(config_file))
    del form["csrf"]
    answer = client.post(PAGE, data=form)
    assert answer.status_code == 403
    assert "This form has expired" in answer.text
    base = hashlib.sha256(config_file.read_bytes()).hexdigest()
    forged = {"csrf": "forged", "proposed": _fewer(config_file), "base": base}
    assert client.post(APPLY, data=forged).status_code == 403
    assert config_file.read_text() != _fewer(config_file)


def test_an_invalid_proposal_names_key_and_rule_and_keeps_the_text(
    client: TestClient, config_file: Path
) -> None:
    sign_in(client, "sam")
    broken = _fewer(config_file).replace("agents = 2 },", "agents = -1 },  # <b>lunch</b>\r")
    status, page = _run(client, broken)
    assert status == 422
    assert "proposed: queues.support.staffing.weekdays[1].agents:" in page
    assert "greater than or equal to 0" in page
    # The textarea gives back what was sent, escaped, line breaks as LF.
    assert str(escape(broken.replace("\r\n", "\n"))) in page
    assert "<b>lunch</b>" not in page
    assert 'class="verdict"' not in page


def test_the_comparison_shows_verdicts_the_table_and_an_inline_chart(
    client: TestClient, config_file: Path, console_engine: Engine
) -> None:
    sign_in(client, "sam")
    status, page = _run(client, _fewer(config_file))
    assert status == 200, page[:2000]
    verdict = page.split('<p class="verdict" data-queue="support">')[1].split("</p>")[0]
    # Two agents for 4.5 erlangs of calls: the verdict must say the line collapses.
    assert verdict.startswith("proposed: service level ")
    assert "from 10:00 to 12:00" in verdict and "more broken promises" in verdict
    assert '<th scope="row">10:00</th>' in page
    assert '<th scope="row">11:00</th>' in page
    assert page.count("<svg") == 1
    assert "support: service level per interval" in page
    assert INLINE.search(page) is None
    assert "Staffing advice" in page and "advice-slot" not in page
    advice = page.split('<pre class="advice">')[1].split("</pre>")[0]
    assert advice.startswith("sales (") and "\nsupport (" in advice  # every queue, by name
    assert "Apply the proposed config" in page
    (audited,) = records(console_engine, "config-dry-run")
    assert audited.actor == "sam" and audited.detail.endswith("days=1 reps=5")


def test_a_run_beyond_the_budget_is_refused(client: TestClient, config_file: Path) -> None:
    sign_in(client, "sam")
    busy = FORECAST.replace(",60,", ",2000,")
    status, page = _run(client, _fewer(config_file), forecast=busy, days="5", replications="10")
    assert status == 422
    assert "would simulate about 400,000 contacts, over the console" in page


def test_without_history_or_forecast_it_says_so(client: TestClient, config_file: Path) -> None:
    sign_in(client, "sam")
    status, page = _run(client, _fewer(config_file), forecast="")
    assert status == 422
    assert "no history in the database yet; paste a forecast" in page


def test_out_of_range_numbers_are_refused_by_name(client: TestClient, config_file: Path) -> None:
    sign_in(client, "sam")
    status, page = _run(client, _fewer(config_file), days="40", replications="1", start="x")
    assert status == 422
    assert "days: a whole number within 1..7" in page
    assert "replications: a whole number within 2..10" in page
    assert "start: a date as YYYY-MM-DD" in page


def _apply_form(client: TestClient, page: str) -> dict[str, str]:
    base = page.split('name="base" value="')[1].split('"')[0]
    proposed = html.unescape(page.split('name="proposed" value="')[1].split('"')[0])
    return {"csrf": csrf_of(page), "base": base, "proposed": proposed}


def test_apply_writes_the_file_and_the_reload_puts_it_in_force(
    client: TestClient, config_file: Path, clock: Clock, console_engine: Engine
) -> None:
    sign_in(client, "sam")
    before = hashlib.sha256(config_file.read_bytes()).hexdigest()
    status, page = _run(client, _fewer(config_file))
    assert status == 200
    answer = client.post(APPLY, data=_apply_form(client, page), follow_redirects=False)
    assert answer.status_code == 303
    written = config_file.read_bytes()
    assert FEWER.encode() in written
    after = hashlib.sha256(written).hexdigest()
    assert answer.headers["location"] == f"/console/config?applied={after}"
    assert "live reload puts it in force" in client.get(answer.headers["location"]).text
    svc: Services = client.app_state["services"]
    clock.now += timedelta(seconds=2)
    change = reload_job(svc.config, svc.store, svc.clock)()
    assert isinstance(change, ConfigChange)
    assert change.new_hash == after
    staffed = svc.config.current.queues["support"].staffing.weekdays
    assert staffed is not None and staffed[1].agents == 2
    audited = records(console_engine, "config-apply")
    assert len(audited) == 1 and audited[0].actor == "sam"
    assert f"before={before} after={after}" in audited[0].detail


def test_apply_is_refused_when_the_file_changed_since_the_dry_run(
    client: TestClient, config_file: Path, console_engine: Engine
) -> None:
    sign_in(client, "sam")
    status, page = _run(client, _fewer(config_file))
    assert status == 200
    form = _apply_form(client, page)
    edited = "# a hand edit meanwhile\n" + config_file.read_text()
    config_file.write_text(edited)
    answer = client.post(APPLY, data=form)
    assert answer.status_code == 409
    assert "the config file changed since your dry run" in answer.text
    assert hashlib.sha256(edited.encode()).hexdigest()[:12] in answer.text
    assert config_file.read_text() == edited
    assert str(escape(form["proposed"])) in answer.text
    assert records(console_engine, "config-apply") == []


def test_apply_refuses_an_invalid_text_like_a_hand_edit(
    client: TestClient, config_file: Path
) -> None:
    sign_in(client, "sam")
    token = csrf_of(client.get(PAGE).text)
    base = hashlib.sha256(config_file.read_bytes()).hexdigest()
    bad = config_file.read_text().replace("[queues.support]", "[queues.support")
    answer = client.post(APPLY, data={"csrf": token, "base": base, "proposed": bad})
    assert answer.status_code == 422
    assert f"{config_file}: line" in answer.text and "TOML syntax" in answer.text
    assert hashlib.sha256(config_file.read_bytes()).hexdigest() == base


def test_an_uploaded_file_is_run_and_fills_the_box(client: TestClient, config_file: Path) -> None:
    sign_in(client, "sam")
    form = _form(client, "this pasted text is replaced by the upload")
    upload = _fewer(config_file).replace("\n", "\r\n", 1)
    files = {"proposed_file": ("proposed.toml", upload.encode(), "text/plain")}
    answer = client.post(PAGE, data=form, files=files)
    assert answer.status_code == 200, answer.text[:2000]
    assert "more broken promises from 10:00 to 12:00" in answer.text
    assert str(escape(_fewer(config_file))) in answer.text
    assert "this pasted text" not in answer.text


def test_an_upload_over_the_size_limit_is_refused(client: TestClient, config_file: Path) -> None:
    sign_in(client, "sam")
    huge = config_file.read_text() + "#" * 300_000 + "\n"
    files = {"proposed_file": ("big.toml", huge.encode(), "text/plain")}
    answer = client.post(PAGE, data=_form(client, ""), files=files)
    assert answer.status_code == 422
    assert "may each be at most 256 KiB" in answer.text


def test_the_advice_is_checked_by_simulating_the_proposed_line(
    client: TestClient, config_file: Path, console_engine: Engine, clock: Clock
) -> None:
    # An hour of callbacks and callers on hold today; the proposal caps callbacks at two at
    # once: the formula cannot see the cap, the simulation of the proposed line does.
    record_callbacks(QueueStore(console_engine))
    record_held_callers(console_engine)
    clock.now = MONDAY_10 + timedelta(hours=1)
    capped = config_file.read_text().replace(
        'slot_capacity = "auto"\n', 'slot_capacity = "auto"\nmax_concurrent_callbacks = 2\n', 1
    )
    sign_in(client, "sam")
    status, page = _run(client, capped)
    assert status == 200, page[:2000]
    advice = html.unescape(page.split('<pre class="advice">')[1].split("</pre>")[0])
    support = advice[advice.index("support (") :]
    assert support.splitlines()[2].endswith("   at plan   simulated")
    assert "  simulated: the fewest agents with which the real line" in support
    assert "the cap on concurrent callbacks kept agents free" in " ".join(support.split())
