"""The config page: the version in force, the last refused edit, and diffs of applied edits."""

from __future__ import annotations

import hashlib
from datetime import timedelta
from pathlib import Path

import pytest
from sqlalchemy import Engine
from starlette.testclient import TestClient

from callback.config import ConfigChange
from callback.store import QueueStore
from scheduler.config_reload import reload_job
from tests.webhooks.console.support import Clock, sign_in
from tests.webhooks.console.test_pages import INLINE
from webhooks.services import Services

OLD_NAME = 'display_name = "Customer support"'
NEW_NAME = 'display_name = "Help desk"'


def _reload(client: TestClient, clock: Clock) -> object:
    """One pass of the app's own config-reload job, as the scheduler runs it."""
    svc: Services = client.app_state["services"]
    clock.now += timedelta(seconds=2)
    return reload_job(svc.config, svc.store, svc.clock)()


def test_the_version_in_force_is_shown(client: TestClient, config_file: Path) -> None:
    sign_in(client, "vera")
    answer = client.get("/console/config")
    assert answer.status_code == 200
    assert str(config_file) in answer.text
    assert hashlib.sha256(config_file.read_bytes()).hexdigest() in answer.text
    assert "No edit has been refused" in answer.text
    assert "No change has been applied yet." in answer.text


def test_applied_edits_keep_their_text_and_show_a_diff(
    client: TestClient, config_file: Path, clock: Clock, console_engine: Engine
) -> None:
    original = config_file.read_text()
    first = "# reviewed <script>alert(1)</script>\n" + original
    config_file.write_text(first)
    assert isinstance(_reload(client, clock), ConfigChange)
    second = first.replace(OLD_NAME, NEW_NAME)
    config_file.write_text(second)
    change = _reload(client, clock)
    assert isinstance(change, ConfigChange)
    stored = QueueStore(console_engine).config_changes()
    assert [c.text for c in stored] == [second, first]
    sign_in(client, "sam")
    page = client.get("/console/config").text
    assert change.new_hash in page
    newest = page[page.index(f'id="change-{stored[0].id}"') :]
    assert f"-{OLD_NAME}\n+{NEW_NAME}" in newest.replace("&#34;", '"')
    assert "Sections: queues.support" in newest
    # The first change replaced the version loaded at start, whose text was never stored.
    oldest = page[page.index(f'id="change-{stored[1].id}"') :]
    assert "The earlier version’s text is not kept" in oldest
    assert "<script>alert" not in page


def test_a_refused_edit_is_shown_with_its_errors(
    client: TestClient, config_file: Path, clock: Clock
) -> None:
    in_force = hashlib.sha256(config_file.read_bytes()).hexdigest()
    config_file.write_text(config_file.read_text().replace("[queues.support]", "[queues.support"))
    _reload(client, clock)
    sign_in(client, "sam")
    page = client.get("/console/config").text
    assert "Last refused edit" in page
    assert "the previous version stays in force" in page
    assert '<div class="error refused" role="alert">' in page
    assert in_force in page


def test_an_agent_may_not_open_the_config(client: TestClient) -> None:
    sign_in(client, "alice")
    assert client.get("/console/config").status_code == 403


@pytest.mark.parametrize("name", ["sam", "vera"])
def test_the_navigation_leads_to_the_new_pages(client: TestClient, name: str) -> None:
    sign_in(client, name)
    page = client.get("/console/config").text
    assert 'href="/console/agents"' in page
    assert 'aria-current="page">Configuration</a>' in page
    assert ('href="/console/voicemail"' in page) is (name == "sam")


@pytest.mark.parametrize("path", ["/console/agents", "/console/voicemail", "/console/config"])
def test_the_new_pages_have_no_inline_script_or_style(client: TestClient, path: str) -> None:
    sign_in(client, "sam")
    answer = client.get(path)
    assert answer.status_code == 200
    assert INLINE.search(answer.text) is None
    assert answer.headers["content-security-policy"].startswith("default-src 'none'")
