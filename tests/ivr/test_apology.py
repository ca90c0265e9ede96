from callback.config.catalogue import Catalogue, Language, builtin_catalogue
from ivr.apology import FALLBACK_QUEUE, HOLD_MUSIC, after_failure, apology
from ivr.links import Step
from ivr.speech import Speaker
from tests.ivr.golden import response, say

FALLBACK = say(
    "We are sorry, something went wrong on our side. Please stay on the line while we connect you."
)


def test_the_apology_needs_no_config_at_all() -> None:
    assert apology() == response(FALLBACK, f"<Enqueue>{FALLBACK_QUEUE}</Enqueue>")


def test_the_apology_routes_to_the_queue_it_knows_in_the_callers_language() -> None:
    speaker = Speaker(builtin_catalogue(), "is")
    assert apology("sales", speaker) == response(
        say(
            "Því miður kom upp villa hjá okkur. Vinsamlegast bíddu á línunni á meðan "
            "við gefum þér samband við þjónustufulltrúa.",
            "is-IS",
        ),
        "<Enqueue>sales</Enqueue>",
    )


def test_a_broken_catalogue_falls_back_to_the_built_in_text() -> None:
    broken = Catalogue({"en": Language("en", "English", "en-GB", "ltr", {})})
    assert apology("support", Speaker(broken, "en")) == response(
        FALLBACK, "<Enqueue>support</Enqueue>"
    )


def test_a_queue_name_twilio_would_refuse_falls_back() -> None:
    assert f"<Enqueue>{FALLBACK_QUEUE}</Enqueue>" in apology("q" * 65)
    assert f"<Enqueue>{FALLBACK_QUEUE}</Enqueue>" in apology("")


def test_after_a_failure_each_step_gets_what_twilio_allows_there() -> None:
    empty = '<?xml version="1.0" encoding="UTF-8"?><Response />'
    assert after_failure(Step.WHISPER) == after_failure(Step.CUSTOMER) == empty
    assert after_failure(Step.LIVE_WHISPER) == empty  # the agent's leg: never enqueue the agent
    music = response(f"<Play>{HOLD_MUSIC}</Play>")
    assert after_failure(Step.HOLD_WAIT) == after_failure(Step.HOLD_KEY, "support") == music
    assert after_failure(Step.BRIDGED) == response("<Hangup />")
    assert after_failure(Step.SURVEY) == response("<Hangup />")
    assert after_failure(Step.ANSWER, "support") == apology("support")
    assert after_failure(None, "sales") == apology("sales")
