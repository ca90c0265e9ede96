from callback.config.week import Week


def test_named_days_beat_groups_which_beat_daily() -> None:
    week = Week[int](daily=(1,), weekdays=(2,), saturday=(3,), sunday=())
    assert [week.on(day) for day in range(7)] == [(2,), (2,), (2,), (2,), (2,), (3,), ()]
    assert week.source(0) == "weekdays"
    assert week.source(5) == "saturday"
    assert week.source(6) == "sunday"


def test_uncovered_days_are_empty_and_left_out() -> None:
    week = Week[int](monday=(1,))
    assert week.source(1) is None
    assert week.on(1) == ()
    assert week.by_weekday() == {0: (1,)}


def test_given_lists_only_keys_written() -> None:
    week = Week[int](weekend=(5,), friday=())
    assert list(week.given()) == [("weekend", (5,)), ("friday", ())]
