"""The dispatcher's rules as pure functions: budgets, rate cap, eligibility and slots."""

from callback.dispatch.budget import Budget, Limit, Snapshot, allowances, dial_budget
from callback.dispatch.eligibility import Eligibility, Eligible, Expired, NotBefore, Wait, eligible
from callback.dispatch.opening import Gate, gate, next_accepting
from callback.dispatch.rate import WINDOW, next_rate_slot, rate_allowance
from callback.dispatch.slots import FreeSlot, free_slots, slot_capacity

__all__ = [
    "WINDOW",
    "Budget",
    "Eligibility",
    "Eligible",
    "Expired",
    "FreeSlot",
    "Gate",
    "Limit",
    "NotBefore",
    "Snapshot",
    "Wait",
    "allowances",
    "dial_budget",
    "eligible",
    "free_slots",
    "gate",
    "next_accepting",
    "next_rate_slot",
    "rate_allowance",
    "slot_capacity",
]
