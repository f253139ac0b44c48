"""The objective, evaluated exactly for one group; the MILP in `milp.py` models the same terms."""

from __future__ import annotations

from collections import Counter
from collections.abc import Sequence

from .instance import Instance, Topic


def group_penalty(
    inst: Instance, k: int, theme: str, topic: Topic, members: Sequence[int]
) -> float:
    """Every penalty a group of position `k` with these members, theme and topic incurs."""
    w = inst.weights
    n = len(members)
    if n == 0:
        return 0.0
    cost = inst.mentor_theme_cost(inst.positions[k], theme)
    cost += w.size * abs(n - inst.size.target)
    novices = 0
    topic_costs = inst.topic_costs(topic)
    for i in members:
        cost += inst.theme_cost[i][theme] + topic_costs[i]
        novices += inst.novice[i]
    if topic.kind != "unit":
        units = Counter(inst.people[i].unit for i in members if inst.people[i].unit is not None)
        limit = w.max_unit_share * n
        cost += w.unit_share * sum(max(0.0, c - limit) for c in units.values())
    if novices == 1:
        cost += w.lone_novice
    if novices == n:
        cost += w.no_experienced
    return cost


def best_topic(inst: Instance, k: int, members: Sequence[int]) -> tuple[str, Topic, float]:
    """The theme and topic that give this group its lowest penalty, and that penalty."""
    pos = inst.positions[k]
    theme = min(
        pos.themes,
        key=lambda t: sum(inst.theme_cost[i][t] for i in members) + inst.mentor_theme_cost(pos, t),
    )
    scored = [
        (group_penalty(inst, k, theme, topic, members), n, topic)
        for n, topic in enumerate(pos.topics)
    ]
    cost, _, topic = min(scored, key=lambda item: (item[0], item[1]))
    return theme, topic, cost
