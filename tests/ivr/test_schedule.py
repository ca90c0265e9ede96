import xml.etree.ElementTree as ET
from datetime import UTC, datetime, timedelta

import pytest

from callback.request import Slot
from ivr.call import QueueCall
from ivr.links import Link, Step, parse_url
from ivr.schedule import chosen_slot, offer_slots, slot_confirmed, slot_token
from tests.ivr.conftest import NOW
from tests.ivr.golden import HANGUP, gather, redirect, response, say, url


def slot(day: int, hour: int, minute: int = 0) -> Slot:
    start = datetime(2026, 3, day, hour, minute, tzinfo=UTC)
    return Slot(start, start + timedelta(minutes=30))


SLOTS = [slot(10, 15), slot(11, 9), slot(13, 9, 30)]
CHOICES = "1773154800-1773156600%2C1773219600-1773221400%2C1773394200-1773396000"


def test_slot_tokens_are_unix_seconds() -> None:
    assert slot_token(SLOTS[0]) == "1773154800-1773156600"


def test_the_next_slots_are_offered_as_keys_with_day_words(support: QueueCall) -> None:
    query = f"queue=support&amp;lang=en&amp;choices={CHOICES}"
    assert offer_slots(support, now=NOW, slots=SLOTS) == response(
        gather(
            url("slot", query),
            say("Please choose a time for us to call you back."),
            say("To be called today between 15:00 and 15:30, press 1."),
            say("To be called tomorrow between 09:00 and 09:30, press 2."),
            say("To be called on Friday between 09:30 and 10:00, press 3."),
        ),
        redirect(url("slot", f"queue=support&amp;lang=en&amp;attempt=1&amp;choices={CHOICES}")),
    )


def test_no_more_than_the_limit_is_offered(support: QueueCall) -> None:
    document = offer_slots(support, now=NOW, slots=SLOTS, limit=2)
    assert "press 3" not in document
    assert "press 2" in document


def test_with_no_slots_left_the_caller_is_sent_to_voicemail(support: QueueCall) -> None:
    assert offer_slots(support, now=NOW, slots=[]) == response(
        say("Sorry, there are no callback times left that we can offer."),
        redirect(url("voicemail")),
    )


def test_the_key_means_the_slot_the_caller_heard(support: QueueCall) -> None:
    gather = ET.fromstring(offer_slots(support, now=NOW, slots=SLOTS)).find("Gather")
    assert gather is not None
    link = parse_url(gather.get("action", ""))
    assert chosen_slot(link, "2") == SLOTS[1]
    assert chosen_slot(link, "3") == SLOTS[2]


@pytest.mark.parametrize("digits", ["", "0", "4", "12", "*", "#"])
def test_any_other_key_chooses_nothing(digits: str) -> None:
    link = Link(Step.SLOT, choices=(slot_token(SLOTS[0]),))
    assert chosen_slot(link, digits) is None


def test_a_forged_choice_chooses_nothing() -> None:
    assert chosen_slot(Link(Step.SLOT, choices=("nonsense",)), "1") is None
    assert chosen_slot(Link(Step.SLOT, choices=("20-10",)), "1") is None
    assert chosen_slot(Link(Step.SLOT, choices=("9" * 30 + "-1",)), "1") is None


def test_the_chosen_time_is_confirmed_in_persian(sales: QueueCall) -> None:
    persian = sales.in_language("fa")
    tomorrow = slot(11, 9)  # Reykjavik is on UTC all year
    assert slot_confirmed(persian, now=NOW, slot=tomorrow) == response(
        say("سپاسگزاریم. فردا بین ساعت 09:00 تا 09:30 با شما تماس می‌گیریم.", "fa-IR"),
        say("از تماس شما با Example Energy سپاسگزاریم. خدانگهدار.", "fa-IR"),
        HANGUP,
    )
