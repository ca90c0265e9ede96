from datetime import timedelta

import pytest

from callback.config.catalogue import builtin_catalogue
from callback.estimate import Estimate
from callback.ordering import MoveReason, Position
from ivr.call import QueueCall
from ivr.hold import (
    DEFAULT_HOLD_MUSIC,
    hold,
    hold_wait,
    leave_hold,
    position_lines,
    reason_key,
)
from ivr.speech import Speaker
from tests.ivr.conftest import NOW
from tests.ivr.golden import gather, redirect, response, say, url

MUSIC = f"<Play>{DEFAULT_HOLD_MUSIC}</Play>"
OFFER = say("Rather not wait? Press 1 and we will call you back without losing your place.")
AGAIN = redirect(url("hold-wait"))
ESTIMATE = Estimate(
    timedelta(minutes=6), timedelta(minutes=5), timedelta(minutes=7), NOW, True, servers=9
)


def test_hold_enqueues_with_our_wait_url_and_action(support: QueueCall) -> None:
    assert hold(support) == response(
        '<Enqueue action="/twilio/ivr/queue-result?queue=support&amp;lang=en" method="POST" '
        'waitUrl="/twilio/ivr/hold-wait?queue=support&amp;lang=en" waitUrlMethod="POST">'
        "support</Enqueue>"
    )


def test_the_wait_document_gathers_a_key_through_the_announcement_and_music(
    support: QueueCall,
) -> None:
    assert hold_wait(support, position=Position(2, 3), estimate=ESTIMATE) == response(
        gather(
            url("hold-key"),
            say("Thank you for waiting. You are now number 3 in line."),
            say("Your expected wait is about 6 minutes."),
            OFFER,
            MUSIC,
            timeout=2,
        ),
        AGAIN,
    )


def test_a_worse_position_comes_with_its_reasons(support: QueueCall) -> None:
    worse = Position(6, 4, (MoveReason.PRIORITY, MoveReason.RETRY))
    assert hold_wait(support, position=worse, estimate=None) == response(
        gather(
            url("hold-key"),
            say("Thank you for waiting. You are now number 7 in line."),
            say("Some callers with an urgent need have been placed ahead of you."),
            say(
                "We are calling back some customers we could not reach earlier, "
                "so they are now ahead of you."
            ),
            OFFER,
            MUSIC,
            timeout=2,
        ),
        AGAIN,
    )


def test_a_worse_position_without_a_reason_is_not_announced(support: QueueCall) -> None:
    document = hold_wait(support, position=Position(6, 4), estimate=None)
    assert "number 7" not in document
    assert say("Thank you for waiting.") in document


def test_nor_is_the_wait_that_goes_with_it(support: QueueCall) -> None:
    # The last announcement stands: a longer wait without its reason would go backwards.
    document = hold_wait(support, position=Position(6, 4), estimate=ESTIMATE)
    assert "minutes" not in document
    assert OFFER in document
    explained = Position(6, 4, (MoveReason.PRIORITY,))
    assert say("Your expected wait is about 6 minutes.") in hold_wait(
        support, position=explained, estimate=ESTIMATE
    )


def test_without_a_position_the_caller_is_thanked(support: QueueCall) -> None:
    assert say("Thank you for waiting.") in hold_wait(support, position=None, estimate=None)


def test_a_quiet_round_is_music_only_and_a_custom_track(support: QueueCall) -> None:
    track = "https://cdn.example.com/hold.mp3"
    assert hold_wait(
        support, position=Position(0), estimate=None, music=track, announce=False
    ) == response(gather(url("hold-key"), f"<Play>{track}</Play>", timeout=2), AGAIN)


def test_the_announcement_in_icelandic(sales: QueueCall) -> None:
    document = hold_wait(sales, position=Position(1, 1), estimate=None)
    assert say("Takk fyrir biðlundina. Þú ert núna númer 2 í röðinni.", "is-IS") in document
    assert (
        say(
            "Viltu frekar sleppa við að bíða? Ýttu á 1 og við hringjum í þig "
            "án þess að þú missir sætið þitt.",
            "is-IS",
        )
        in document
    )


def test_leaving_hold_is_a_bare_leave() -> None:
    assert leave_hold() == response("<Leave />")


@pytest.mark.parametrize("reason", list(MoveReason))
def test_every_reason_has_a_prompt_in_every_language(reason: MoveReason) -> None:
    catalogue = builtin_catalogue()
    for code in catalogue.languages:
        assert catalogue.text(code, reason_key(reason))


def test_reasons_are_read_only_for_a_worse_position() -> None:
    speaker = Speaker(builtin_catalogue(), "en")
    same = Position(3, 3, (MoveReason.PRIORITY,))
    assert [line.text for line in position_lines(speaker, same)] == ["You are number 4 in line."]
