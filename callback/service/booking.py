"""Book a callback: one function for every channel (phone, widget, hosted page, app, API, SMS).

The admission, the request, its promise and the call leaving hold are written in one
transaction; the confirmation, if the channel has one, is texted after it commits and never
to a number that asked for no more texts.
"""

from __future__ import annotations

import dataclasses
import logging
from collections.abc import Callable
from dataclasses import dataclass
from datetime import datetime

from callback.config import SupervisorConfig
from callback.estimate import Estimate
from callback.forecast import Measured
from callback.inputs import Staffed
from callback.merge import Incoming
from callback.ordering import Position
from callback.privacy import mask_number
from callback.request import CallbackRequest
from callback.service.admission import Applicant, Refusal, Refused, admit, number_busy
from callback.service.line import Figures, outlook_of, promise_for
from callback.service.ports import Measurements, Notifier, Presence, SmsAbout
from callback.store.abuse import Admission
from callback.store.booking import BookingStore, Ledger
from callback.store.request_sms import SmsKind

log = logging.getLogger("holdless.booking")


@dataclass(frozen=True, slots=True)
class Ask:
    """What a channel asks for: who is called back, the request's details, and a promise."""

    applicant: Applicant
    incoming: Incoming
    promise: bool = True
    """False when no time may be promised (a voicemail may need listening to first)."""
    call_sid: str | None = None
    """The incoming call that is taking the callback (it leaves hold)."""
    counted: bool = False
    """The limits counted this booking already (when its number was held for verification)."""
    status_token: str | None = None
    """The SHA-256 of the private status link's token to store with the request, if any."""


@dataclass(frozen=True, slots=True)
class Booked:
    """A stored (or merged) request, its place in line and the estimate promised, if any."""

    request: CallbackRequest
    merged: bool
    position: Position | None
    estimate: Estimate | None
    may_text: bool
    """False when the number asked for no more text messages."""


Confirmation = Callable[[Booked], str | None]
"""The channel's confirmation text for a booking (None: nothing to send)."""


@dataclass(frozen=True, slots=True)
class Bookings:
    """The booking use case and its collaborators."""

    store: BookingStore
    measured: Measurements
    notifier: Notifier
    presence: Presence

    def book(
        self,
        config: SupervisorConfig,
        ask: Ask,
        now: datetime,
        confirmation: Confirmation | None = None,
    ) -> Booked | Refused:
        """Admit, store and promise in one transaction; then text the confirmation, if any."""
        queue = ask.applicant.queue
        # Cached figures, read before the transaction.
        measured, agents = self.measured.get(queue, now), self.presence.get(config, queue, now)
        done = self.store.run(
            lambda counts, ledger: _book(counts, ledger, config, ask, (measured, agents), now)
        )
        if isinstance(done, Refused):
            log.info("booking for %s refused: %s", _masked(ask), _reason(done))
            return done
        text = confirmation(done) if confirmation is not None and done.may_text else None
        if text is not None:
            about = SmsAbout(done.request.id, SmsKind.CONFIRMATION)
            self.notifier.send(done.request.number, text, about)  # sent off this path
        channel = ask.incoming.context.channel.value
        log.info("callback %s booked for %s via %s", done.request.id, _masked(ask), channel)
        return done

    def admit(
        self, config: SupervisorConfig, applicant: Applicant, now: datetime
    ) -> Refused | None:
        """Count a booking that will be made later (after its number is verified by SMS)."""
        return self.store.run(
            lambda counts, ledger: _admit_texted(counts, ledger, config, applicant, now)
        )


def _book(
    admission: Admission,
    ledger: Ledger,
    config: SupervisorConfig,
    ask: Ask,
    figures: tuple[Measured, Staffed | None],
    now: datetime,
) -> Booked | Refused:
    applicant = ask.applicant
    if ask.counted:
        refused = number_busy(admission, config.abuse, applicant)
    else:
        refused = admit(admission, config.abuse, applicant, now)
    if refused is not None:
        return refused
    enqueued = ledger.enqueue(applicant.queue, applicant.number.e164, ask.incoming, now)
    request = enqueued.request
    if ask.status_token is not None:
        ledger.add_token(ask.status_token, request.id, now)
    if ask.call_sid:
        ledger.leave_hold(ask.call_sid, now)
    position = ledger.position(request.id, now)
    estimate = None
    if ask.promise and request.slot is None and position is not None:
        estimate = _estimate(ledger, config, request, position, figures, now)
        if estimate is not None:
            made = promise_for(estimate, now)
            ledger.announce(request, position.ahead, made, ask.incoming.context.channel.value)
            request = dataclasses.replace(request, promise=made)
    may_text = not ledger.is_suppressed(request.number)
    return Booked(request, enqueued.merged is not None, position, estimate, may_text)


def _estimate(
    ledger: Ledger,
    config: SupervisorConfig,
    request: CallbackRequest,
    position: Position,
    figures: tuple[Measured, Staffed | None],
    now: datetime,
) -> Estimate | None:
    # The same function the status link and every channel before asking read the line with.
    back = ledger.returning(request.id, request.queue, now)
    measured, agents = figures
    inputs = Figures(back, agents, measured)
    return outlook_of(config, request.queue, position, inputs, now, callback=True).estimate


def _admit_texted(
    admission: Admission,
    ledger: Ledger,
    config: SupervisorConfig,
    applicant: Applicant,
    now: datetime,
) -> Refused | None:
    # The code is texted: a number that asked for no more texts cannot be verified.
    if ledger.is_suppressed(applicant.number.e164):
        return Refused(Refusal.SUPPRESSED)
    return admit(admission, config.abuse, applicant, now)


def _masked(ask: Ask) -> str:
    return mask_number(ask.applicant.number.e164)


def _reason(refused: Refused) -> str:
    return refused.refusal.value if refused.window is None else f"{refused.window} limit"
