"""Leases of open dial attempts: the sweep renews the lease of a call that is still live.

A lease gates how often the sweep asks the carrier about an attempt; renewing it after the
carrier says the call goes on checks a long call once per lease instead of every sweep.
"""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import Engine, bindparam, update

from callback.store.engine import write_transaction
from callback.store.records import Claim
from callback.store.tables import ATTEMPT

_a = ATTEMPT.c
_RENEW = update(ATTEMPT).where(
    _a.id == bindparam("row_id"),
    _a.fence == bindparam("row_fence"),
    _a.ended_at.is_(None),
)


class LeaseStore:
    """Renews the leases of open dial attempts."""

    def __init__(self, engine: Engine) -> None:
        self._engine = engine

    def renew(self, claim: Claim, until: datetime) -> bool:
        """Hold the claim's attempt until `until`; False if it ended or its fence is stale."""
        parameters = {"row_id": claim.attempt_id, "row_fence": claim.fence, "lease_until": until}
        with write_transaction(self._engine) as connection:
            return connection.execute(_RENEW, parameters).rowcount == 1
