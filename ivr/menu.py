"""Keypad menus: a `<Gather>` posting to its step, and what follows when nobody presses a key.

A menu is tried `MENU_ATTEMPTS` times. Its `<Gather>` posts the digits to the step's URL
with the current attempt; when the caller presses nothing, Twilio falls through to a
`<Redirect>` to the same step with the next attempt and no digits. The route then shows
the menu again (the builders open a repeat with "sorry, we did not catch that") or, once
`MENU_ATTEMPTS` is reached, takes the menu's default. A wrong key is handled the same
way as silence.
"""

from __future__ import annotations

from ivr.call import QueueCall
from ivr.links import Link
from ivr.twiml import Document, Prompt

MENU_ATTEMPTS = 2
"""Tries of a menu before the route takes its default."""
NUMBER_TIMEOUT = 10
"""Seconds of silence that end keying in a phone number."""


def gather(doc: Document, call: QueueCall, link: Link) -> Prompt:
    """A one-key `<Gather>` posting to `link`, apologising first on a repeat."""
    if link.attempt > 0:
        doc.say(call.speaker.line("not_understood"))
    return doc.gather(call.links.url(link))


def repeat(doc: Document, call: QueueCall, link: Link) -> None:
    """The fall-through after a menu: back to its step with the next attempt and no digits."""
    doc.redirect(call.links.url(link.next_attempt()))


def menu(doc: Document, call: QueueCall, link: Link) -> Prompt:
    """A one-key menu posting to `link` that comes back to it when nobody presses a key."""
    prompt = gather(doc, call, link)
    repeat(doc, call, link)
    return prompt


def goodbye(doc: Document, call: QueueCall) -> None:
    """Thank the caller, say goodbye and hang up."""
    doc.say(call.speaker.line("goodbye", company=call.company))
    doc.hangup()
