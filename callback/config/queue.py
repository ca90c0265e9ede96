"""One queue's table: identity, languages, zone, opening hours, closures and staffing."""

from __future__ import annotations

from datetime import date, time, timedelta
from functools import cached_property
from typing import Annotated
from zoneinfo import ZoneInfo

from pydantic import Field

from callback.config.fields import (
    ClockEnd,
    ClockTime,
    Duration,
    E164Number,
    FrozenModel,
    LanguageCode,
    OpeningRange,
    ReadOnlyMap,
    Region,
    TimeZoneName,
)
from callback.config.policy import CallbackOverrides
from callback.config.week import Week
from callback.hours import Closure, Interval, Schedule
from callback.plan import StaffingPlan, StaffInterval

Text = Annotated[str, Field(min_length=1, max_length=200)]


class ReasonConfig(FrozenModel):
    """One entry of the reasons menu: what the caller hears, and the skill it routes to."""

    label: Text
    labels: ReadOnlyMap[LanguageCode, Text] = Field(default_factory=dict)
    skill: Text | None = None

    def label_for(self, language: str) -> str:
        """The label in `language`, or the default one."""
        return self.labels.get(language, self.label)


class ClosureConfig(FrozenModel):
    """A holiday (no hours: closed all day) or a day with special opening hours."""

    day: date = Field(alias="date")
    reason: Text = "closed"
    hours: tuple[OpeningRange, ...] = ()

    def closure(self) -> Closure:
        """The domain closure."""
        return Closure(day=self.day, reason=self.reason, hours=self.hours)


class StaffEntry(FrozenModel):
    """Agents expected on duty from `from` to `to` (local wall clock, "24:00" may end it)."""

    start: ClockTime = Field(alias="from")
    end: ClockEnd = Field(alias="to")
    agents: Annotated[int, Field(ge=0, le=100_000)]

    def ends_after_start(self) -> bool:
        """True when the entry spans a positive time within its day."""
        return self.end == time(0) or self.end > self.start

    def interval(self) -> StaffInterval:
        """The domain staffing interval."""
        return StaffInterval(start=self.start, end=self.end, agents=self.agents)


class QueueConfig(FrozenModel):
    """`[queues.<name>]`."""

    display_name: Text | None = None
    languages: Annotated[tuple[LanguageCode, ...], Field(min_length=1)] = ("en",)
    time_zone: TimeZoneName
    region: Region
    priority: Annotated[int, Field(ge=-100, le=100)] = 0
    wrap_up: Duration = timedelta(seconds=30)
    service_level_target: Duration = timedelta(seconds=60)
    """How soon a person should be reached: the wallboard's service level counts within it."""
    survey: bool = False
    reasons: ReadOnlyMap[str, ReasonConfig] = Field(default_factory=dict)
    hours: Week[OpeningRange]
    closures: tuple[ClosureConfig, ...] = ()
    staffing: Week[StaffEntry] = Field(default_factory=Week[StaffEntry])
    callback: CallbackOverrides = Field(default_factory=CallbackOverrides)
    numbers: tuple[E164Number, ...] = ()
    """Service numbers whose calls this queue answers (each listed under [service] numbers)."""

    @property
    def zone(self) -> ZoneInfo:
        """The queue's time zone."""
        return ZoneInfo(self.time_zone)

    @property
    def default_language(self) -> str:
        """The first listed language, used when the caller has not chosen."""
        return self.languages[0]

    def schedule(self) -> Schedule:
        """Opening hours and closures as a domain `Schedule`."""
        return self._schedule

    # Built on first use and kept (the model is immutable; every incoming call asks);
    # pydantic leaves cached properties out of fields, dumps and equality.
    @cached_property
    def _schedule(self) -> Schedule:
        weekly: dict[int, tuple[Interval, ...]] = self.hours.by_weekday()
        closures = {entry.day: entry.closure() for entry in self.closures}
        return Schedule(tz=self.zone, weekly=weekly, closures=closures)

    def staffing_plan(self) -> StaffingPlan:
        """Expected agents per interval as a domain `StaffingPlan`."""
        return self._plan

    @cached_property
    def _plan(self) -> StaffingPlan:
        weekly = {
            weekday: tuple(entry.interval() for entry in entries)
            for weekday, entries in self.staffing.by_weekday().items()
        }
        return StaffingPlan(tz=self.zone, weekly=weekly)
