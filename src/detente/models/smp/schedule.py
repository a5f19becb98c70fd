"""The order in which an SMP turn's bargains reach the actors' queues.

Each actor chooses among the bargains on its queue (its status quo first).
KTAB's loops as written put, for every actor, the status quo and then the
bargains in challenger order. KTAB itself fills the queues from threads
behind a mutex, so the order of a recorded run depends on its thread
schedule; ``ktab_schedule`` replays one: per turn a ``(draw_order, events)``
pair (see :func:`check_schedule`).
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from typing import Any

from detente.errors import DetenteError

#: one turn of a recorded KTAB thread schedule: (draw order, events)
Plan = tuple[Sequence[int], str]


def bargain_queues(
    made_by: Mapping[int, list[int]], receivers: Sequence[int], n: int, plan: Any = None
) -> list[list[int]]:
    """Each actor's queue of bargain ids (``-1``: its status quo).

    ``made_by[a]``: the ids of the bargains actor ``a`` initiated (in the order
    the challengers were taken); ``receivers[b]``: bargain ``b``'s receiver.
    Without ``plan``: the status quo, then every bargain the actor is party to
    in challenger order. With ``plan``: an actor's first appearance in the
    events puts its status quo on its queue, the second its bargains on its own
    and its receiver's queue.
    """
    queues: list[list[int]] = [[] for _ in range(n)]
    if plan is None:
        for a, ids in made_by.items():
            for bid in ids:
                queues[a].append(bid)
                queues[receivers[bid]].append(bid)
        return [[-1, *q] for q in queues]
    seen: set[int] = set()
    for a in (int(ch) for ch in plan[1]):
        if a not in seen:
            seen.add(a)
            queues[a].append(-1)
            continue
        for bid in made_by.get(a, []):
            queues[a].append(bid)
            queues[receivers[bid]].append(bid)
    return queues


def check_schedule(schedule: Any) -> None:
    """Validate ``ktab_schedule``: one ``(draw_order, events)`` per turn.

    ``draw_order``: every actor index once, in the order the actors drew their
    random number (KTAB resolves the queues in threads behind a mutex).
    ``events``: a string of actor indices (0-9, so up to ten actors) in which
    every actor appears twice: its first appearance is its thread putting the
    status quo on its queue, the second its thread putting its bargain on its
    own and its target's queue. ``"0123401234"`` is every thread starting
    before any finishes, finishing in actor order.
    """
    if isinstance(schedule, str) or not isinstance(schedule, Sequence):
        raise DetenteError("smp: ktab_schedule must be a list of (draw_order, events) per turn")
    for t, plan in enumerate(schedule, start=1):
        ok = isinstance(plan, Sequence) and not isinstance(plan, str) and len(plan) == 2
        if ok:
            order, events = plan
            n = len(order)
            ok = (sorted(int(a) for a in order) == list(range(n)) and isinstance(events, str)
                  and n <= 10 and sorted(events) == sorted("".join(str(a) * 2 for a in range(n))))
        if not ok:
            raise DetenteError(
                f"smp: ktab_schedule turn {t}: expected (draw order: every actor once, "
                "events: a string naming every actor twice)"
            )
