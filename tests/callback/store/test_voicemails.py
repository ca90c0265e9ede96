"""Voicemails without a callback number on SQLite and PostgreSQL: keep, list, handle, purge."""

from __future__ import annotations

from dataclasses import replace
from datetime import timedelta

import pytest
from sqlalchemy import Engine, func, select

from callback.store import retention
from callback.store.tables import VOICEMAIL
from callback.store.voicemails import Recording, VoicemailStore
from callback.types import QueueName
from tests.callback.store.support import SALES, SUPPORT, at

URL = "https://api.twilio.com/2010-04-01/Accounts/AC1/Recordings/RE{n}"


def _recording(n: int, queue: QueueName = SUPPORT) -> Recording:
    return Recording(
        call_sid=f"CA{n:032d}",
        queue=queue,
        language="en",
        recording_url=URL.format(n=n),
        recording_seconds=10 + n,
    )


def _rows(engine: Engine) -> int:
    with engine.connect() as connection:
        return int(connection.execute(select(func.count()).select_from(VOICEMAIL)).scalar_one())


@pytest.fixture
def voicemails(engine: Engine) -> VoicemailStore:
    """A voicemail store on each backend."""
    return VoicemailStore(engine)


def test_a_kept_message_is_stored_whole_and_unhandled(voicemails: VoicemailStore) -> None:
    kept = voicemails.keep(_recording(1), at(0))
    assert (kept.call_sid, kept.queue, kept.language) == (f"CA{1:032d}", SUPPORT, "en")
    assert (kept.recording_url, kept.recording_seconds) == (URL.format(n=1), 11)
    assert (kept.transcription, kept.received_at) == (None, at(0))
    assert (kept.handled_at, kept.handled_by) == (None, None)
    assert voicemails.get(kept.id) == kept


def test_a_repeated_recording_of_the_same_call_keeps_the_first(
    voicemails: VoicemailStore, engine: Engine
) -> None:
    first = voicemails.keep(_recording(1), at(0))
    again = voicemails.keep(replace(_recording(1), recording_url=URL.format(n=9)), at(1))
    assert again == first
    assert _rows(engine) == 1


def test_the_transcription_is_attached_by_call_sid(voicemails: VoicemailStore) -> None:
    kept = voicemails.keep(_recording(1), at(0))
    other = voicemails.keep(_recording(2), at(0))
    assert voicemails.add_transcription(kept.call_sid, "Please call me on 020 7946 0456")
    assert not voicemails.add_transcription("CA-unknown", "nobody's")
    found = voicemails.get(kept.id)
    assert found is not None and found.transcription == "Please call me on 020 7946 0456"
    assert voicemails.get(other.id) == other


def test_unhandled_lists_oldest_first_per_queue_or_all(voicemails: VoicemailStore) -> None:
    late = voicemails.keep(_recording(1), at(5))
    early = voicemails.keep(_recording(2), at(1))
    sales = voicemails.keep(_recording(3, SALES), at(3))
    assert voicemails.unhandled(SUPPORT, 10) == [early, late]
    assert voicemails.unhandled(SALES, 10) == [sales]
    assert voicemails.unhandled(None, 10) == [early, sales, late]
    assert voicemails.unhandled(None, 2) == [early, sales]
    assert voicemails.unhandled(QueueName("billing"), 10) == []


def test_handled_messages_leave_the_list_and_the_counts(voicemails: VoicemailStore) -> None:
    first = voicemails.keep(_recording(1), at(0))
    voicemails.keep(_recording(2), at(1))
    voicemails.keep(_recording(3, SALES), at(2))
    assert voicemails.unhandled_counts() == {SUPPORT: 2, SALES: 1}
    handled = voicemails.mark_handled(first.id, "alice", at(10))
    assert handled == replace(first, handled_at=at(10), handled_by="alice")
    assert [v.call_sid for v in voicemails.unhandled(SUPPORT, 10)] == [f"CA{2:032d}"]
    assert voicemails.unhandled_counts() == {SUPPORT: 1, SALES: 1}


def test_a_second_mark_keeps_the_first_handler(voicemails: VoicemailStore) -> None:
    kept = voicemails.keep(_recording(1), at(0))
    voicemails.mark_handled(kept.id, "alice", at(10))
    again = voicemails.mark_handled(kept.id, "bob", at(20))
    assert again is not None and (again.handled_by, again.handled_at) == ("alice", at(10))


def test_marking_an_unknown_message_finds_nothing(voicemails: VoicemailStore) -> None:
    assert voicemails.mark_handled(12345, "alice", at(0)) is None
    assert voicemails.get(12345) is None


def test_purge_deletes_old_messages_handled_or_not(
    voicemails: VoicemailStore, engine: Engine
) -> None:
    old = voicemails.keep(_recording(1), at(0))
    old_handled = voicemails.keep(_recording(2), at(1))
    voicemails.mark_handled(old_handled.id, "alice", at(2))
    recent = voicemails.keep(_recording(3), at(60 * 24 * 29))
    cutoff = at(0) + timedelta(days=1)
    assert voicemails.purge(cutoff) == 2
    assert voicemails.get(old.id) is None and voicemails.get(old_handled.id) is None
    assert voicemails.get(recent.id) == recent
    assert voicemails.purge(cutoff) == 0
    assert _rows(engine) == 1


def test_purge_works_in_batches(
    voicemails: VoicemailStore, engine: Engine, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr(retention, "BATCH", 3)
    for n in range(8):
        voicemails.keep(_recording(n), at(n))
    assert voicemails.purge(at(100)) == 8
    assert _rows(engine) == 0


def test_ids_are_not_reused_after_a_purge(voicemails: VoicemailStore) -> None:
    gone = voicemails.keep(_recording(1), at(0))
    voicemails.purge(at(1))
    assert voicemails.keep(_recording(2), at(2)).id > gone.id
