from datetime import UTC, datetime, timedelta

from callback.ordering import MoveReason, Position
from callback.request import CallbackRequest, Promise, Slot
from callback.types import E164, Channel, QueueName, RequestId, State
from ivr.call import QueueCall
from ivr.recognise import cancelled, expected_call, kept, recognised
from tests.ivr.conftest import NOW
from tests.ivr.golden import HANGUP, gather, redirect, response, say, url

CHOICES = say("To keep it, press 1. To cancel it, press 2. To wait on the line instead, press 3.")


def request(promise: Promise | None = None, slot: Slot | None = None) -> CallbackRequest:
    start = NOW - timedelta(minutes=10)
    return CallbackRequest(
        id=RequestId(17),
        queue=QueueName("support"),
        number=E164("+447700900123"),
        channel=Channel.IVR,
        virtual_start=start,
        created_at=start,
        updated_at=start,
        state=State.SCHEDULED if slot else State.WAITING,
        promise=promise,
        slot=slot,
    )


def promise(wait_minutes: int, by_minutes: int) -> Promise:
    announced = NOW - timedelta(minutes=10)
    return Promise(
        announced_at=announced,
        wait=timedelta(minutes=wait_minutes),
        low=timedelta(minutes=1),
        high=timedelta(minutes=by_minutes),
        by=announced + timedelta(minutes=by_minutes),
    )


def test_a_pending_callback_is_recognised_with_position_and_time(support: QueueCall) -> None:
    query = "queue=support&amp;lang=en&amp;request=17"
    assert recognised(
        support, now=NOW, request=request(promise(38, 50)), position=Position(3)
    ) == response(
        gather(
            url("recognised", query),
            say("You already have a callback booked with us."),
            say("You are number 4 in line."),
            say("We expect to call you back around 12:30."),
            CHOICES,
        ),
        redirect(url("recognised", "queue=support&amp;lang=en&amp;attempt=1&amp;request=17")),
    )


def test_a_time_already_passed_gives_way_to_the_promised_latest_time() -> None:
    late = request(promise(5, 25))
    assert expected_call(late, NOW) == NOW + timedelta(minutes=15)
    assert expected_call(request(promise(5, 8)), NOW) is None
    assert expected_call(request(None), NOW) is None


def test_a_worse_position_without_a_reason_is_left_out(support: QueueCall) -> None:
    document = recognised(support, now=NOW, request=request(), position=Position(5, 2))
    assert "in line" not in document


def test_a_worse_position_with_a_reason_is_explained(support: QueueCall) -> None:
    worse = Position(5, 2, (MoveReason.SLOT_DUE,))
    document = recognised(support, now=NOW, request=request(), position=worse)
    assert (
        say("You are number 6 in line.")
        + say("Some customers who booked this time for their callback are now ahead of you.")
        in document
    )


def test_a_scheduled_callback_is_recognised_by_its_window_in_russian(
    support_ru: QueueCall,
) -> None:
    start = datetime(2026, 3, 11, 9, 0, tzinfo=UTC)
    booked = request(slot=Slot(start, start + timedelta(minutes=30)))
    document = recognised(support_ru, now=NOW, request=booked, position=Position(0))
    assert (
        say("У вас уже есть заявка на обратный звонок.", "ru-RU")
        + say("Мы позвоним вам завтра с 09:00 до 09:30.", "ru-RU")
        in document
    )
    assert "в очереди" not in document


def test_keeping_and_cancelling_end_the_call(support: QueueCall) -> None:
    goodbye = say("Thank you for calling Example Energy. Goodbye.")
    assert kept(support) == response(say("Your callback stays booked."), goodbye, HANGUP)
    assert cancelled(support) == response(say("Your callback has been cancelled."), goodbye, HANGUP)
