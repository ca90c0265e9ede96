"""`holdless user add|passwd|disable`: passwords never from argv, none by default, agents
checked against the roster, every change audited, a disabled user shut out."""

from __future__ import annotations

import io
from collections.abc import Callable, Iterator

import pytest
from sqlalchemy import Engine
from starlette.testclient import TestClient

from callback.passwords import Passwords
from callback.store import make_engine
from callback.store.users import Role, UserStore
from settings import Settings
from tests.webhooks.conftest import MONDAY_10
from tests.webhooks.console.support import records, sign_in
from webhooks.app import create_app
from webhooks.cli import main

NEW = "a brand new password 7"


@pytest.fixture
def env(settings: Settings, monkeypatch: pytest.MonkeyPatch) -> Iterator[Engine]:
    """The command's settings point at the test database and config; an engine on it."""
    monkeypatch.setenv("HOLDLESS_DATABASE_URL", settings.database_url)
    monkeypatch.setenv("HOLDLESS_CONFIG_FILE", str(settings.config_file))
    engine = make_engine(settings.database_url)
    yield engine
    engine.dispose()


@pytest.fixture
def stdin(monkeypatch: pytest.MonkeyPatch) -> Callable[[str], None]:
    """Sets what standard input holds."""
    return lambda text: monkeypatch.setattr("sys.stdin", io.StringIO(text))


def _typed(monkeypatch: pytest.MonkeyPatch, *answers: str) -> list[str]:
    prompts: list[str] = []
    replies = iter(answers)

    def getpass(prompt: str = "") -> str:
        prompts.append(prompt)
        return next(replies)

    monkeypatch.setattr("getpass.getpass", getpass)
    return prompts


def test_add_reads_the_password_from_stdin_and_stores_only_a_hash(
    env: Engine, stdin: Callable[[str], None], capsys: pytest.CaptureFixture[str]
) -> None:
    stdin(NEW + "\n")
    assert main(["user", "add", "Sam", "--role", "supervisor", "--password-stdin"]) == 0
    assert "added supervisor 'sam'" in capsys.readouterr().out
    user = UserStore(env).by_name("sam")
    assert user is not None
    assert (user.role, user.agent_id) == (Role.SUPERVISOR, None)
    assert NEW not in user.password_hash
    assert Passwords().matches(user.password_hash, NEW)
    [record] = records(env, "user-add")
    assert (record.actor, record.detail) == ("cli", "user=sam role=supervisor")


def test_a_password_on_the_command_line_is_not_accepted(
    env: Engine, capsys: pytest.CaptureFixture[str]
) -> None:
    for argv in (
        ["user", "add", "sam", "--role", "supervisor", "--password", NEW],
        ["user", "add", "sam", "--role", "supervisor", NEW],
        ["user", "passwd", "sam", NEW],
    ):
        with pytest.raises(SystemExit) as exited:
            main(argv)
        assert exited.value.code == 2
    assert UserStore(env).all() == []


@pytest.mark.parametrize("given", ["", "\n", "short\n", "aaaaaaaaaaaaaaaa\n"])
def test_there_is_no_default_or_weak_password(
    env: Engine, stdin: Callable[[str], None], capsys: pytest.CaptureFixture[str], given: str
) -> None:
    stdin(given)
    assert main(["user", "add", "sam", "--role", "supervisor", "--password-stdin"]) == 1
    assert "nothing changed" in capsys.readouterr().err
    assert UserStore(env).all() == []


def test_the_prompt_asks_twice_and_refuses_a_mismatch(
    env: Engine, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    _typed(monkeypatch, NEW, NEW + "!")
    assert main(["user", "add", "vera", "--role", "viewer"]) == 1
    assert "differ" in capsys.readouterr().err
    prompts = _typed(monkeypatch, NEW, NEW)
    assert main(["user", "add", "vera", "--role", "viewer"]) == 0
    assert prompts == ["New password: ", "Repeat it: "]
    assert UserStore(env).by_name("vera") is not None


@pytest.mark.parametrize(
    ("extra", "error"),
    [
        (["--role", "agent"], "needs --agent"),
        (["--role", "agent", "--agent", "zed"], "no agent 'zed' in the roster"),
        (["--role", "viewer", "--agent", "alice"], "only for --role agent"),
    ],
)
def test_an_agent_user_is_tied_to_a_roster_agent(
    env: Engine,
    stdin: Callable[[str], None],
    capsys: pytest.CaptureFixture[str],
    extra: list[str],
    error: str,
) -> None:
    stdin(NEW + "\n")
    assert main(["user", "add", "someone", *extra, "--password-stdin"]) == 1
    assert error in capsys.readouterr().err
    assert UserStore(env).all() == []


def test_a_name_is_added_once(
    env: Engine, stdin: Callable[[str], None], capsys: pytest.CaptureFixture[str]
) -> None:
    stdin(NEW + "\n")
    assert (
        main(["user", "add", "alice", "--role", "agent", "--agent", "alice", "--password-stdin"])
        == 0
    )
    stdin(NEW + "\n")
    assert main(["user", "add", "alice", "--role", "viewer", "--password-stdin"]) == 1
    assert "already a user 'alice'" in capsys.readouterr().err


def test_passwd_and_disable_take_effect_in_the_console(
    env: Engine, settings: Settings, stdin: Callable[[str], None]
) -> None:
    stdin(NEW + "\n")
    assert main(["user", "add", "sam", "--role", "supervisor", "--password-stdin"]) == 0
    with TestClient(create_app(settings, clock=lambda: MONDAY_10, ticker=False)) as client:
        assert sign_in(client, "sam", NEW).status_code == 303
        stdin("another good password 8\n")
        assert main(["user", "passwd", "sam", "--password-stdin"]) == 0
        # The new password ended the session; the old password no longer opens one.
        assert client.get("/console/", follow_redirects=False).status_code == 303
        assert sign_in(client, "sam", NEW).status_code == 401
        assert sign_in(client, "sam", "another good password 8").status_code == 303
        assert main(["user", "disable", "sam"]) == 0
        assert client.get("/console/", follow_redirects=False).status_code == 303
        assert sign_in(client, "sam", "another good password 8").status_code == 401
    actions = [r.action for r in records(env) if r.actor == "cli"]
    assert actions == ["user-disable", "user-passwd", "user-add"]


def test_changing_an_unknown_user_is_refused(
    env: Engine, capsys: pytest.CaptureFixture[str]
) -> None:
    assert main(["user", "disable", "nobody"]) == 1
    assert "there is no user 'nobody'" in capsys.readouterr().err
