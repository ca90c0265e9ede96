"""The periodic jobs the app wires into its ticker, run once by hand."""

from datetime import timedelta
from pathlib import Path

import pytest

from callback.config import ConfigChange, ConfigHolder
from callback.merge import Incoming
from callback.request import ContextEntry
from callback.store import QueueStore, make_engine
from callback.store.voicemails import Recording, VoicemailStore
from callback.types import E164, Channel, QueueName, State
from scheduler.config_reload import reload_job
from scheduler.retention import retention_job
from tests.webhooks.conftest import MONDAY_10


@pytest.fixture
def store(sqlite_url: str) -> QueueStore:
    return QueueStore(make_engine(sqlite_url))


def test_retention_follows_the_config(
    store: QueueStore, config_file: Path, caplog: pytest.LogCaptureFixture
) -> None:
    holder = ConfigHolder(config_file, MONDAY_10)
    incoming = Incoming(ContextEntry(Channel.WEB, MONDAY_10, {}), virtual_start=MONDAY_10)
    request = store.enqueue(QueueName("support"), E164("+442079460123"), incoming, MONDAY_10)
    store.transition(request.request.id, State.CANCELLED, MONDAY_10)
    days = holder.current.retention.personal_data_days
    later = MONDAY_10 + timedelta(days=days + 1)
    caplog.set_level("INFO", logger="holdless.retention")
    voicemails = VoicemailStore(store.engine)
    assert retention_job(holder, store, voicemails, lambda: later)().erased == 1
    assert "erased personal data of 1 requests" in caplog.text
    assert "+442079460123" not in caplog.text


def test_retention_deletes_voicemails_after_the_recordings_days(
    store: QueueStore, config_file: Path
) -> None:
    holder = ConfigHolder(config_file, MONDAY_10)
    voicemails = VoicemailStore(store.engine)
    url = "https://api.twilio.com/2010-04-01/Accounts/AC1/Recordings/RE1"
    message = Recording("CA" + "1" * 32, QueueName("support"), "en", url, 12)
    kept = voicemails.keep(message, MONDAY_10)
    days = timedelta(days=holder.current.retention.recordings_days)
    job = retention_job(holder, store, voicemails, lambda: MONDAY_10 + days)
    assert job().voicemails == 0  # exactly the retention period old: kept
    assert voicemails.get(kept.id) is not None
    job = retention_job(holder, store, voicemails, lambda: MONDAY_10 + days + timedelta(hours=1))
    assert job().voicemails == 1
    assert voicemails.get(kept.id) is None


def test_the_reload_job_records_each_applied_change(store: QueueStore, config_file: Path) -> None:
    holder = ConfigHolder(config_file, MONDAY_10)
    job = reload_job(holder, store, lambda: MONDAY_10)
    assert job() is None
    config_file.write_text(
        config_file.read_text().replace('company = "Example Energy"', 'company = "Acme"')
    )
    change = job()
    assert isinstance(change, ConfigChange)
    assert change.sections == ("service",)
    assert [c.new_hash for c in store.config_changes()] == [change.new_hash]
