"""The voicemail inbox: each message plays in the page; a supervisor marks it handled."""

from __future__ import annotations

from datetime import timedelta

import pytest
from sqlalchemy import Engine
from starlette.testclient import TestClient

from callback.store.voicemails import Recording, Voicemail, VoicemailStore
from callback.types import QueueName
from tests.webhooks.console.support import Clock, csrf_of, records, sign_in

URL = "https://api.twilio.com/2010-04-01/Accounts/AC00/Recordings/RE{n:032d}"


def _leave(engine: Engine, clock: Clock, n: int, transcription: str | None = None) -> Voicemail:
    recording = Recording(f"CA{n:032d}", QueueName("support"), "en", URL.format(n=n), 20 + n)
    store = VoicemailStore(engine)
    kept = store.keep(recording, clock.now - timedelta(minutes=10 - n))
    if transcription is not None:
        assert store.add_transcription(recording.call_sid, transcription)
    return kept


def test_each_unhandled_message_plays_in_the_page(
    client: TestClient, console_engine: Engine, clock: Clock
) -> None:
    first = _leave(console_engine, clock, 1, "<b>call me</b> about the invoice")
    second = _leave(console_engine, clock, 2)
    handled = _leave(console_engine, clock, 3)
    VoicemailStore(console_engine).mark_handled(handled.id, "someone", clock.now)
    sign_in(client, "sam")
    answer = client.get("/console/voicemail")
    assert answer.status_code == 200
    page = answer.text
    for shown in (first, second):
        assert f'<audio controls preload="none" src="{shown.recording_url}"' in page
    assert handled.recording_url not in page
    assert page.index(f'id="voicemail-{first.id}"') < page.index(f'id="voicemail-{second.id}"')
    assert "&lt;b&gt;call me&lt;/b&gt; about the invoice" in page
    assert "support queue, 2026-03-02 09:51 UTC" in page
    assert "21 s" in page
    policy = answer.headers["content-security-policy"]
    assert "media-src 'self' https://api.twilio.com http://127.0.0.1:8000" in policy


def test_an_empty_inbox_says_so(client: TestClient) -> None:
    sign_in(client, "sam")
    assert "No voicemail is waiting." in client.get("/console/voicemail").text


@pytest.mark.parametrize("name", ["vera", "alice"])
def test_only_a_supervisor_opens_the_inbox(client: TestClient, name: str) -> None:
    sign_in(client, name)
    assert client.get("/console/voicemail").status_code == 403


def _mark(client: TestClient, voicemail_id: int | str, token: str | None = None) -> int:
    token = token if token is not None else csrf_of(client.get("/console/").text)
    path = f"/console/voicemail/{voicemail_id}/handled"
    return client.post(path, data={"csrf": token}, follow_redirects=False).status_code


def test_marking_handled_records_who_and_when_and_is_audited(
    client: TestClient, console_engine: Engine, clock: Clock
) -> None:
    kept = _leave(console_engine, clock, 1)
    sign_in(client, "sam")
    clock.now += timedelta(minutes=2)
    assert _mark(client, kept.id) == 303
    found = VoicemailStore(console_engine).get(kept.id)
    assert found is not None
    assert (found.handled_by, found.handled_at) == ("sam", clock.now)
    [record] = records(console_engine, "voicemail-handled")
    assert (record.actor, record.detail, record.at) == ("sam", f"voicemail={kept.id}", clock.now)
    page = client.get(f"/console/voicemail?handled={kept.id}").text
    assert f"Voicemail {kept.id} is marked handled." in page
    assert kept.recording_url not in page


@pytest.mark.parametrize(("name", "token"), [("vera", None), ("alice", None), ("sam", "forged")])
def test_others_and_forged_tokens_cannot_mark(
    client: TestClient, console_engine: Engine, clock: Clock, name: str, token: str | None
) -> None:
    kept = _leave(console_engine, clock, 1)
    sign_in(client, name)
    assert _mark(client, kept.id, token) == 403
    found = VoicemailStore(console_engine).get(kept.id)
    assert found is not None
    assert found.handled_at is None
    assert records(console_engine, "voicemail-handled") == []


@pytest.mark.parametrize("wrong", ["999", "0", "abc", str(2**40)])
def test_an_unknown_message_is_a_404(
    client: TestClient, console_engine: Engine, wrong: str
) -> None:
    sign_in(client, "sam")
    assert _mark(client, wrong) == 404
    assert records(console_engine, "voicemail-handled") == []


def test_a_second_mark_keeps_the_first_and_says_so(
    client: TestClient, console_engine: Engine, clock: Clock
) -> None:
    kept = _leave(console_engine, clock, 1)
    VoicemailStore(console_engine).mark_handled(kept.id, "api-user", clock.now)
    sign_in(client, "sam")
    clock.now += timedelta(minutes=1)
    assert _mark(client, kept.id) == 303
    found = VoicemailStore(console_engine).get(kept.id)
    assert found is not None
    assert found.handled_by == "api-user"
    [record] = records(console_engine, "voicemail-handled")
    assert record.detail == f"voicemail={kept.id} already handled by api-user"
