import hashlib
import logging
import os
from datetime import UTC, datetime, timedelta
from pathlib import Path

import pytest

from callback.config.issues import ConfigError
from callback.config.reload import ConfigChange, ConfigHolder
from tests.callback.config.snippets import MINIMAL

T0 = datetime(2026, 3, 2, 9, 0, tzinfo=UTC)
AGENT = (
    '\n[[agents]]\nid = "alice"\nname = "Alice"\nendpoint = "client:alice"\nqueues = ["support"]\n'
)


class Disk:
    """The config file; every write gets a later mtime, so no test waits on the clock."""

    def __init__(self, path: Path) -> None:
        self.path = path
        self.tick = 1_700_000_000

    def write(self, text: str) -> None:
        self.path.write_text(text, encoding="utf-8")
        self.touch()

    def touch(self) -> None:
        self.tick += 1
        os.utime(self.path, ns=(self.tick * 10**9, self.tick * 10**9))


def at(seconds: int) -> datetime:
    return T0 + timedelta(seconds=seconds)


def sha(text: str) -> str:
    return hashlib.sha256(text.encode()).hexdigest()


@pytest.fixture
def disk(tmp_path: Path) -> Disk:
    disk = Disk(tmp_path / "holdless.toml")
    disk.write(MINIMAL)
    return disk


@pytest.fixture
def changes() -> list[ConfigChange]:
    return []


@pytest.fixture
def holder(disk: Disk, changes: list[ConfigChange]) -> ConfigHolder:
    return ConfigHolder(disk.path, T0, on_change=changes.append)


def test_an_unchanged_file_gives_none(holder: ConfigHolder, disk: Disk) -> None:
    first = holder.current
    assert holder.poll(at(2)) is None
    disk.touch()  # saved again with the same bytes
    assert holder.poll(at(4)) is None
    assert holder.current is first


def test_a_valid_edit_is_applied_with_the_sections_it_touched(
    holder: ConfigHolder, disk: Disk, changes: list[ConfigChange]
) -> None:
    edited = MINIMAL + 'languages = ["en", "ru"]\n'
    disk.write(edited)
    change = holder.poll(at(2))
    assert change == ConfigChange(
        at=at(2),
        path=str(disk.path),
        old_hash=sha(MINIMAL),
        new_hash=sha(edited),
        sections=("queues.support",),
        text=edited,
    )
    assert holder.current.queues["support"].languages == ("en", "ru")
    assert changes == [change]
    assert holder.poll(at(4)) is None


def test_sections_are_named_per_table_and_per_queue(holder: ConfigHolder, disk: Disk) -> None:
    disk.write(
        MINIMAL.replace(
            "[queues.support]", "[callback_defaults]\nmax_attempts = 2\n\n[queues.support]"
        )
        + '\n[queues.sales]\ntime_zone = "UTC"\nregion = "GB"\nhours.daily = ["00:00-24:00"]\n'
        + AGENT
    )
    change = holder.poll(at(2))
    assert isinstance(change, ConfigChange)
    assert change.sections == ("queues.sales", "callback_defaults", "agents")


def test_an_edit_of_comments_only_is_a_change_of_no_section(
    holder: ConfigHolder, disk: Disk
) -> None:
    disk.write("# reviewed by the supervisor\n" + MINIMAL)
    change = holder.poll(at(2))
    assert isinstance(change, ConfigChange)
    assert change.sections == ()


def test_an_invalid_edit_keeps_the_previous_config_and_is_logged_once(
    holder: ConfigHolder,
    disk: Disk,
    changes: list[ConfigChange],
    caplog: pytest.LogCaptureFixture,
) -> None:
    good = holder.current
    disk.write(MINIMAL + 'hours.monday = ["09:00-12:00", "11:00-13:00"]\n')
    with caplog.at_level(logging.INFO, logger="holdless.config"):
        error = holder.poll(at(2))
        disk.touch()
        again = holder.poll(at(4))
        assert holder.poll(at(6)) is None
    assert isinstance(error, ConfigError)
    assert again is error
    assert holder.current is good
    assert changes == []
    warnings = [record for record in caplog.records if record.levelno == logging.WARNING]
    assert len(warnings) == 1
    assert warnings[0].name == "holdless.config"
    assert (
        f"{disk.path}: queues.support.hours.monday[1]: overlaps 09:00-12:00 at [0]"
        in warnings[0].getMessage()
    )
    status = holder.status()
    assert status["hash"] == sha(MINIMAL)
    assert status["last_error"] == {"text": error.text(), "at": at(2).isoformat()}


def test_a_different_bad_edit_is_logged_again(
    holder: ConfigHolder, disk: Disk, caplog: pytest.LogCaptureFixture
) -> None:
    with caplog.at_level(logging.WARNING, logger="holdless.config"):
        disk.write(MINIMAL + 'wrap_up = "soon"\n')
        holder.poll(at(2))
        disk.write(MINIMAL + "priority = 500\n")
        holder.poll(at(4))
    assert len(caplog.records) == 2


def test_fixing_the_file_applies_it_and_clears_the_error(
    holder: ConfigHolder, disk: Disk, changes: list[ConfigChange], caplog: pytest.LogCaptureFixture
) -> None:
    disk.write(MINIMAL + "priority = 500\n")
    assert isinstance(holder.poll(at(2)), ConfigError)
    fixed = MINIMAL + "priority = 50\n"
    disk.write(fixed)
    caplog.clear()
    with caplog.at_level(logging.INFO, logger="holdless.config"):
        change = holder.poll(at(4))
    assert isinstance(change, ConfigChange)
    assert (change.old_hash, change.new_hash) == (sha(MINIMAL), sha(fixed))
    assert holder.current.queues["support"].priority == 50
    assert holder.status()["last_error"] is None
    assert [record.levelno for record in caplog.records] == [logging.INFO]
    assert "queues.support" in caplog.records[0].getMessage()
    assert changes == [change]


def test_reverting_a_bad_edit_to_the_live_bytes_clears_the_error(
    holder: ConfigHolder, disk: Disk
) -> None:
    disk.write(MINIMAL + "priority = 500\n")
    holder.poll(at(2))
    disk.write(MINIMAL)
    assert holder.poll(at(4)) is None
    assert holder.status()["last_error"] is None


def test_a_vanished_file_keeps_the_config_and_reports_once(
    holder: ConfigHolder, disk: Disk, caplog: pytest.LogCaptureFixture
) -> None:
    good = holder.current
    disk.path.unlink()
    with caplog.at_level(logging.WARNING, logger="holdless.config"):
        error = holder.poll(at(2))
        assert holder.poll(at(4)) is error
    assert isinstance(error, ConfigError)
    assert "cannot read the file" in error.text()
    assert holder.current is good
    assert len(caplog.records) == 1
    disk.write(MINIMAL + "priority = 5\n")
    assert isinstance(holder.poll(at(6)), ConfigChange)


def test_an_invalid_initial_file_is_refused(disk: Disk) -> None:
    disk.write("[service\n")
    with pytest.raises(ConfigError) as caught:
        ConfigHolder(disk.path, T0)
    assert caught.value.issues[0].location == "line 1, column 9"


def test_status_is_json_ready_with_recent_changes_newest_first(disk: Disk) -> None:
    holder = ConfigHolder(disk.path, T0, history=2)
    for priority in (1, 2, 3):
        disk.write(MINIMAL + f"priority = {priority}\n")
        holder.poll(at(priority))
    status = holder.status()
    assert status["path"] == str(disk.path)
    assert status["loaded_at"] == at(3).isoformat()
    assert status["hash"] == sha(MINIMAL + "priority = 3\n")
    recent = status["recent_changes"]
    assert isinstance(recent, list)
    assert [change["at"] for change in recent] == [at(3).isoformat(), at(2).isoformat()]
    assert recent[0]["sections"] == ["queues.support"]
