"""The balancer's choice of backends: round robin over the live ones, drained ones skipped."""

from __future__ import annotations

from chaos.balancer import Balancer

A, B, C = "http://127.0.0.1:1", "http://127.0.0.1:2", "http://127.0.0.1:3"


def test_each_request_starts_with_the_next_backend_and_falls_back_to_the_others() -> None:
    balancer = Balancer([A, B, C])

    assert [balancer.order() for _ in range(4)] == [
        [A, B, C],
        [B, C, A],
        [C, A, B],
        [A, B, C],
    ]


def test_a_drained_backend_gets_nothing_and_none_live_means_none() -> None:
    balancer = Balancer([A, B], drained={A})

    assert balancer.order() == [B]
    balancer.drained.add(B)
    assert balancer.order() == []
