"""Signing in and out: the right password opens the role's home, every outcome is audited."""

from __future__ import annotations

from sqlalchemy import Engine
from starlette.testclient import TestClient

from tests.webhooks.console.support import csrf_of, records, sign_in


def test_a_supervisor_signs_in_to_the_wallboard_and_it_is_audited(
    client: TestClient, console_engine: Engine
) -> None:
    answer = sign_in(client, "sam")
    assert answer.status_code == 303
    assert answer.headers["location"] == "/console/"
    home = client.get("/console/")
    assert home.status_code == 200
    assert "<h1>Wallboard</h1>" in home.text
    assert "Signed in as sam (supervisor)" in home.text
    [record] = records(console_engine, "sign-in")
    assert record.actor == "sam"
    assert "ip=" in record.detail


def test_names_are_case_blind(client: TestClient) -> None:
    assert sign_in(client, "  SAM ").status_code == 303


def test_a_wrong_password_is_refused_and_audited(
    client: TestClient, console_engine: Engine
) -> None:
    answer = sign_in(client, "sam", "not the password at all")
    assert answer.status_code == 401
    assert "The name or the password is not right." in answer.text
    assert client.get("/console/", follow_redirects=False).status_code == 303
    [record] = records(console_engine, "sign-in-failed")
    assert (record.actor, "reason=wrong password" in record.detail) == ("sam", True)


def test_an_unknown_name_gets_the_same_answer_and_is_not_written_down(
    client: TestClient, console_engine: Engine
) -> None:
    answer = sign_in(client, "my-secret-password-typed-here")
    assert answer.status_code == 401
    assert "The name or the password is not right." in answer.text
    [record] = records(console_engine, "sign-in-failed")
    assert record.actor == "(unknown name)"
    assert "my-secret" not in record.detail


def test_the_home_page_sends_a_stranger_to_sign_in(client: TestClient) -> None:
    answer = client.get("/console/", follow_redirects=False)
    assert answer.status_code == 303
    assert answer.headers["location"] == "/console/sign-in"


def test_signing_in_starts_a_fresh_session(client: TestClient) -> None:
    before = csrf_of(client.get("/console/sign-in").text)
    sign_in(client, "sam")
    after = csrf_of(client.get("/console/").text)
    # A token planted before sign-in (session fixation) is worth nothing afterwards.
    assert before != after


def test_sign_out_ends_the_session_and_any_copy_of_its_cookie(
    client: TestClient, console_engine: Engine
) -> None:
    sign_in(client, "sam")
    home = client.get("/console/")
    copied = dict(client.cookies)
    answer = client.post(
        "/console/sign-out", data={"csrf": csrf_of(home.text)}, follow_redirects=False
    )
    assert answer.status_code == 303
    assert answer.headers["location"] == "/console/sign-in?out=1"
    assert "You are signed out." in client.get("/console/sign-in?out=1").text
    client.cookies.clear()
    for name, value in copied.items():
        client.cookies.set(name, value, path="/console")
    replay = client.get("/console/", follow_redirects=False)
    assert replay.status_code == 303
    assert replay.headers["location"] == "/console/sign-in?expired=1"
    assert [r.actor for r in records(console_engine, "sign-out")] == ["sam"]


def test_a_signed_in_user_on_the_sign_in_page_goes_home(client: TestClient) -> None:
    sign_in(client, "vera")
    answer = client.get("/console/sign-in", follow_redirects=False)
    assert answer.status_code == 303
    assert answer.headers["location"] == "/console/"
