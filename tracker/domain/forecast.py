"""The forward look a board asks for beside today's RAG: will the item complete on time (the
owner's forecast), and how much of it is done (its actions)."""

from __future__ import annotations

from collections.abc import Iterable

from tracker.domain.deadlines import Rag

# The owner's forecast, stored as a RAG rating, in the words boards use.
FORECASTS = {Rag.GREEN: "On track", Rag.AMBER: "At risk", Rag.RED: "Off track"}


def forecast_label(rating) -> str:
    """"On track", "At risk" or "Off track" for a forecast rating (a Rag or its value); "" when unset."""
    if not rating:
        return ""
    return FORECASTS[Rag(getattr(rating, "value", rating))]


def percent_complete(actions_done: Iterable[bool | None]) -> int | None:
    """The share of a recommendation's actions complete, in whole per cent, from one flag per action:
    True done, False not yet, None cancelled (left out). None when no action counts."""
    counted = [done for done in actions_done if done is not None]
    return round(100 * sum(counted) / len(counted)) if counted else None


BY_HAND, FROM_ACTIONS = "set by hand", "from actions"


def percent_in_force(by_hand: int | None, actions_done: Iterable[bool | None]) -> tuple[int | None, bool]:
    """A recommendation's per cent complete and whether it was set by hand: the figure set by hand
    overrides the one computed from its actions."""
    if by_hand is not None:
        return by_hand, True
    return percent_complete(actions_done), False


def percent_source(percent: int | None, by_hand: bool) -> str:
    """"set by hand" or "from actions" for a per cent complete; "" when there is none."""
    if percent is None:
        return ""
    return BY_HAND if by_hand else FROM_ACTIONS
