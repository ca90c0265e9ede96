"""A week of per-day lists, written per day or for groups of days ("weekdays", "daily")."""

from __future__ import annotations

from collections.abc import Iterator
from typing import Generic, TypeVar

from callback.config.fields import FrozenModel

ItemT = TypeVar("ItemT")

DAY_KEYS = ("monday", "tuesday", "wednesday", "thursday", "friday", "saturday", "sunday")
_GROUPS = {"weekdays": range(5), "weekend": range(5, 7), "daily": range(7)}


class Week(FrozenModel, Generic[ItemT]):
    """Lists per weekday; a named day beats "weekdays"/"weekend", which beat "daily"."""

    daily: tuple[ItemT, ...] | None = None
    weekdays: tuple[ItemT, ...] | None = None
    weekend: tuple[ItemT, ...] | None = None
    monday: tuple[ItemT, ...] | None = None
    tuesday: tuple[ItemT, ...] | None = None
    wednesday: tuple[ItemT, ...] | None = None
    thursday: tuple[ItemT, ...] | None = None
    friday: tuple[ItemT, ...] | None = None
    saturday: tuple[ItemT, ...] | None = None
    sunday: tuple[ItemT, ...] | None = None

    def source(self, weekday: int) -> str | None:
        """The key that gives `weekday`'s list (0 = Monday), or None when no key covers it."""
        day_key = DAY_KEYS[weekday]
        if getattr(self, day_key) is not None:
            return day_key
        for group in ("weekdays", "weekend", "daily"):
            if weekday in _GROUPS[group] and getattr(self, group) is not None:
                return group
        return None

    def on(self, weekday: int) -> tuple[ItemT, ...]:
        """The list for `weekday` (0 = Monday); empty when no key covers it."""
        key = self.source(weekday)
        items: tuple[ItemT, ...] | None = None if key is None else getattr(self, key)
        return items or ()

    def given(self) -> Iterator[tuple[str, tuple[ItemT, ...]]]:
        """Each key written in the file with its list."""
        for key in type(self).model_fields:
            items: tuple[ItemT, ...] | None = getattr(self, key)
            if items is not None:
                yield key, items

    def by_weekday(self) -> dict[int, tuple[ItemT, ...]]:
        """The resolved week, 0 = Monday, days without items left out."""
        return {weekday: self.on(weekday) for weekday in range(7) if self.on(weekday)}
