"""One webhook request as the handlers see it: the form, the link, the time, the services."""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from datetime import datetime

from callback.config import SupervisorConfig
from callback.numbers import AcceptedNumber, check_number
from callback.types import E164, QueueName, RequestId
from ivr.call import QueueCall
from ivr.links import Link, LinkError
from webhooks.services import Services
from webhooks.twilio.form import MAX_FIELD


class BadInput(ValueError):
    """A non-voice webhook whose parameters cannot be used: answered with 400."""


@dataclass(frozen=True, slots=True)
class Arrived:
    """The incoming call's leg is stored: the queue it called, the caller's unfinished request."""

    queue: QueueName
    pending: RequestId | None


@dataclass(frozen=True, slots=True)
class Turn:
    """A webhook request: its form, its IVR link if any, and the clock read once."""

    svc: Services
    config: SupervisorConfig
    now: datetime
    form: Mapping[str, str]
    link: Link | None = None
    arrived: Arrived | None = None
    """Set once the route has stored the incoming call (`webhooks.twilio.arrivals`)."""

    def arriving(self, arrived: Arrived) -> Turn:
        """This turn, its incoming call stored (built directly: on the busiest route,
        `dataclasses.replace` cost several microseconds per call)."""
        return Turn(self.svc, self.config, self.now, self.form, self.link, arrived)

    def field(self, name: str) -> str:
        """A parameter, stripped and capped; empty when absent."""
        return self.form.get(name, "").strip()[:MAX_FIELD]

    def required(self, name: str) -> str:
        """A parameter that must be present (`BadInput` if it is not)."""
        value = self.field(name)
        if not value:
            raise BadInput(f"missing {name}")
        return value

    @property
    def step(self) -> Link:
        """The IVR link of this request (`LinkError` on a fixed entry point)."""
        if self.link is None:
            raise LinkError("not an IVR step")
        return self.link

    @property
    def call_sid(self) -> str:
        """The CallSid (empty when absent)."""
        return self.field("CallSid")

    @property
    def digits(self) -> str:
        """The keys pressed, as Twilio posts them in Digits."""
        return self.field("Digits")

    @property
    def queue(self) -> QueueName:
        """The queue of the link, or the first queue."""
        if self.link is not None and self.link.queue is not None:
            return QueueName(self.link.queue)
        return QueueName(next(iter(self.config.queues)))

    def call(self, queue: str | None = None, language: str | None = None) -> QueueCall:
        """The call context of `queue` (default: the link's) in `language` (or the link's)."""
        lang = language or (self.link.lang if self.link is not None else None)
        return QueueCall.of(self.config, queue or self.queue, lang)

    def caller(self, queue: str | None = None) -> E164 | None:
        """The caller ID as E.164 when the number policy would call it back, else None."""
        accepted = self.caller_number(queue)
        return accepted.e164 if accepted is not None else None

    def caller_number(self, queue: str | None = None) -> AcceptedNumber | None:
        """The caller ID when the number policy would call it back, else None."""
        return self.accepted(self.field("From"), queue)

    def accepted(self, raw: str, queue: str | None = None) -> AcceptedNumber | None:
        """`raw` as the number policy takes it for `queue` (default: the link's), else None."""
        if not raw:
            return None
        region = self.config.queues[queue or self.queue].region
        checked = check_number(raw, region, self.config.number_policy())
        return checked if isinstance(checked, AcceptedNumber) else None
