"""The TwiML interpreter, verb by verb, against a tiny app that checks every signature."""

from __future__ import annotations

from datetime import timedelta

import httpx
import pytest

from callback.carrier import CallStatus
from devtools.carrier import (
    AppUrls,
    Carrier,
    CarrierError,
    Person,
    VirtualClock,
)
from tests.carrier_support import ACCOUNT, BASE, CALLER, SERVICE_NUMBER, START, URLS
from tests.scheduler.fakeapp import FakeApp, twiml

pytestmark = pytest.mark.anyio


async def _call(carrier: Carrier, **who: object) -> tuple[CallStatus, list[tuple[str, str]]]:
    call = await carrier.incoming_call(
        from_=CALLER,
        to=SERVICE_NUMBER,
        who=Person(**who) if who else None,  # type: ignore[arg-type]
    )
    status = await call.until_end()
    return status, [(h.verb, h.text) for h in call.transcript]


async def test_the_voice_request_carries_the_standard_parameters(
    app: FakeApp, carrier: Carrier
) -> None:
    app.routes["/voice"] = twiml("<Say>Hello.</Say>")
    call = await carrier.incoming_call(from_=CALLER, to=SERVICE_NUMBER)
    await call.until_end()
    [voice] = app.params("/voice")
    assert voice == {
        "CallSid": call.sid,
        "AccountSid": ACCOUNT.sid,
        "From": CALLER,
        "To": SERVICE_NUMBER,
        "Caller": CALLER,
        "Called": SERVICE_NUMBER,
        "CallStatus": "ringing",
        "Direction": "inbound",
        "ApiVersion": "2010-04-01",
    }
    [status] = app.params("/status")
    assert status["CallStatus"] == "completed"
    assert app.rejected == 0


async def test_say_play_and_pause_are_heard_and_take_time(app: FakeApp, carrier: Carrier) -> None:
    app.routes["/voice"] = twiml(
        '<Say language="en-GB">One two three four five.</Say>',
        '<Play loop="2">https://example.org/m.mp3</Play>',
        '<Pause length="7"/>',
    )
    status, heard = await _call(carrier)
    assert status is CallStatus.COMPLETED
    assert heard == [
        ("Say", "One two three four five."),
        ("Play", "https://example.org/m.mp3"),
        ("Pause", ""),
    ]
    # 5 words at 0.4 s, two 20 s plays, a 7 s pause.
    assert carrier.clock.now() - START == timedelta(seconds=49)
    assert app.params("/status")[0]["CallDuration"] == "49"


async def test_gather_posts_digits_to_a_relative_action(app: FakeApp, carrier: Carrier) -> None:
    app.routes["/voice"] = twiml(
        '<Gather action="next?step=2" numDigits="4" finishOnKey="#"><Say>Your PIN.</Say></Gather>'
    )
    app.routes["/next"] = twiml("<Say>Thanks.</Say>")
    call = await carrier.incoming_call(from_=CALLER, to=SERVICE_NUMBER)
    await call.until_gather()
    await call.press("12#9")
    await call.until_end()
    [posted] = app.params("/next")
    assert posted["Digits"] == "12"
    assert posted["CallStatus"] == "in-progress"
    assert [s.path for s in app.seen][:2] == ["/voice", "/next"]


async def test_gather_stops_at_num_digits(app: FakeApp, carrier: Carrier) -> None:
    app.routes["/voice"] = twiml('<Gather action="/next" numDigits="1"/>')
    app.routes["/next"] = twiml("<Hangup/>")
    await _call(carrier, keys=("31",))
    assert app.params("/next")[0]["Digits"] == "3"


async def test_gather_without_input_falls_through_or_posts_empty(
    app: FakeApp, carrier: Carrier
) -> None:
    app.routes["/voice"] = twiml(
        '<Gather action="/never" timeout="3"/>',
        '<Gather action="/empty" timeout="4" actionOnEmptyResult="true"/>',
    )
    app.routes["/empty"] = twiml("<Say>Nothing pressed.</Say>")
    _, heard = await _call(carrier, keys=(None, None))
    assert app.params("/never") == []
    assert "Digits" not in app.params("/empty")[0]
    assert heard == [("Timeout", ""), ("Timeout", ""), ("Say", "Nothing pressed.")]
    assert carrier.clock.now() - START >= timedelta(seconds=7)


async def test_gather_without_action_posts_to_the_same_document(
    app: FakeApp, carrier: Carrier
) -> None:
    answers = iter([twiml("<Gather/>"), twiml("<Hangup/>")])
    app.routes["/voice"] = lambda _: next(answers)
    await _call(carrier, keys=("5",))
    assert [p.get("Digits") for p in app.params("/voice")] == [None, "5"]


async def test_a_key_script_function_sees_the_prompt(app: FakeApp, carrier: Carrier) -> None:
    app.routes["/voice"] = twiml('<Gather action="/next"><Say>Press 7 for sales.</Say></Gather>')
    app.routes["/next"] = twiml("<Hangup/>")
    prompts: list[str] = []

    def keys(heard: str) -> str:
        prompts.append(heard)
        return "7"

    await _call(carrier, keys=keys)
    assert prompts == ["Press 7 for sales."]
    assert app.params("/next")[0]["Digits"] == "7"


async def test_redirect_fetches_the_next_document(app: FakeApp, carrier: Carrier) -> None:
    app.routes["/voice"] = twiml('<Redirect method="POST">/two</Redirect><Say>Skipped.</Say>')
    app.routes["/two"] = twiml("<Say>Two.</Say>")
    _, heard = await _call(carrier)
    assert heard == [("Redirect", f"{BASE}/two"), ("Say", "Two.")]


async def test_hangup_ends_the_call_before_later_verbs(app: FakeApp, carrier: Carrier) -> None:
    app.routes["/voice"] = twiml("<Hangup/><Say>Never.</Say>")
    status, heard = await _call(carrier)
    assert status is CallStatus.COMPLETED and heard == [("Hangup", "")]


@pytest.mark.parametrize(
    ("reason", "status"),
    [("busy", CallStatus.BUSY), ("rejected", CallStatus.NO_ANSWER)],
)
async def test_reject_leaves_the_call_unanswered(
    app: FakeApp, carrier: Carrier, reason: str, status: CallStatus
) -> None:
    app.routes["/voice"] = twiml(f'<Reject reason="{reason}"/>')
    call = await carrier.incoming_call(from_=CALLER, to=SERVICE_NUMBER)
    assert await call.until_end() is status
    final = app.params("/status")[0]
    assert (final["CallStatus"], final["CallDuration"]) == (str(status), "0")


async def test_an_unsupported_verb_stops_a_strict_run(app: FakeApp, carrier: Carrier) -> None:
    app.routes["/voice"] = twiml("<Conference>room</Conference>")
    with pytest.raises(CarrierError, match="cannot play <Conference>"):
        await carrier.incoming_call(from_=CALLER, to=SERVICE_NUMBER)


async def test_a_5xx_from_the_app_stops_a_strict_run(app: FakeApp, carrier: Carrier) -> None:
    app.routes["/voice"] = 500
    with pytest.raises(CarrierError, match="HTTP 500"):
        await carrier.incoming_call(from_=CALLER, to=SERVICE_NUMBER)


async def test_a_bad_signature_is_refused_by_the_app(app: FakeApp) -> None:
    app.routes["/voice"] = twiml("<Say>Hi.</Say>")
    transport = httpx.ASGITransport(app=app.asgi())
    wrong = ACCOUNT.__class__(sid=ACCOUNT.sid, auth_token="1" * 32)
    async with httpx.AsyncClient(transport=transport, base_url=BASE) as client:
        carrier = Carrier(client=client, account=wrong, urls=URLS, clock=VirtualClock(START))
        with pytest.raises(CarrierError, match="HTTP 403"):
            await carrier.incoming_call(from_=CALLER, to=SERVICE_NUMBER)
        await carrier.aclose()
    assert app.rejected == 1


async def _lenient(app: FakeApp, urls: AppUrls) -> tuple[Carrier, httpx.AsyncClient]:
    client = httpx.AsyncClient(transport=httpx.ASGITransport(app=app.asgi()), base_url=BASE)
    carrier = Carrier(
        client=client, account=ACCOUNT, urls=urls, clock=VirtualClock(START), strict=False
    )
    return carrier, client


async def test_a_failing_voice_url_goes_to_the_fallback(app: FakeApp) -> None:
    app.routes["/voice"] = "<Response><Say>unclosed"
    app.routes["/fallback"] = twiml("<Say>Sorry, transferring you.</Say>")
    carrier, client = await _lenient(app, URLS)
    async with client:
        call = await carrier.incoming_call(from_=CALLER, to=SERVICE_NUMBER)
        await call.until_end()
        await carrier.aclose()
    assert call.heard_text() == "Sorry, transferring you."
    [fallback] = app.params("/fallback")
    assert fallback["ErrorCode"] == "12100" and fallback["ErrorUrl"] == f"{BASE}/voice"
    assert len(carrier.app_errors) == 1


async def test_without_a_fallback_the_caller_hears_an_error_and_is_hung_up(app: FakeApp) -> None:
    app.routes["/voice"] = 502
    carrier, client = await _lenient(app, AppUrls(voice=f"{BASE}/voice"))
    async with client:
        call = await carrier.incoming_call(from_=CALLER, to=SERVICE_NUMBER)
        await call.until_end()
        await carrier.aclose()
    assert call.heard_text() == "An application error has occurred."
    assert call.status is CallStatus.COMPLETED


async def test_a_loop_that_takes_no_time_is_stopped(app: FakeApp, carrier: Carrier) -> None:
    app.routes["/voice"] = twiml("<Redirect>/voice</Redirect>")
    with pytest.raises(CarrierError, match="loops"):
        await carrier.incoming_call(from_=CALLER, to=SERVICE_NUMBER)


async def test_a_get_redirect_is_signed_over_the_query_string(
    app: FakeApp, carrier: Carrier
) -> None:
    app.routes["/voice"] = twiml('<Redirect method="GET">/two?step=2</Redirect>')
    app.routes["/two"] = twiml("<Say>Two.</Say>")
    call = await carrier.incoming_call(from_=CALLER, to=SERVICE_NUMBER)
    await call.until_end()
    [two] = [seen for seen in app.seen if seen.path == "/two"]
    assert two.method == "GET"
    assert (two.params["step"], two.params["CallSid"]) == ("2", call.sid)
    assert app.rejected == 0


async def test_a_failing_status_callback_stops_a_strict_run(app: FakeApp, carrier: Carrier) -> None:
    app.routes["/voice"] = twiml("<Say>Hi.</Say>")
    app.routes["/status"] = 500
    with pytest.raises(CarrierError, match="HTTP 500 from callback"):
        call = await carrier.incoming_call(from_=CALLER, to=SERVICE_NUMBER)
        await call.until_end()
