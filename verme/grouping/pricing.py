"""The pricing search's branch and bound and its relaxation, compiled (numba).

`ColumnGeneration._search` (columns.py) asks, for one entity, frame, theme and topic, for the
real group of least reduced cost below a cutoff. Pricing runs that search tens of thousands of
times per second of column generation, over groups of a few blocks each, so its inner loop is
compiled here instead of interpreted (docs/decisions.md, "The pricing search compiled with
numba"): the same search node for node, on flat arrays. `relaxed_tables` is the relaxation that
orders the searches (see columns.py).

The choices are *items*: a block, or the blocks that branching binds together, in order of
their reduced cost per person. A group grows by items in that order, depth first; a branch is
cut when its value plus the cheapest completion (the people of the items left, cheapest first,
blocks split, to every allowed size, with the size term) cannot beat the best group found. The
rules of a group that the completion leaves out are checked as it grows: blocks that must stay
apart (the problem's pairs and the branching's), people pinned to another position, and the
group terms (size, a lone novice, no experienced member, too many from one unit) are added at
each node. Blocks' data are compressed rows (CSR) over the problem's blocks: `start[b]` to
`start[b + 1]` in the flat array.

Pure: numpy arrays (and two named tuples of them) in, numbers and arrays out; no Django and
nothing of the solver's objects. Compiled on first use, or ahead by `python -m verme.grouping
compile`; numba caches the machine code.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from typing import Any, NamedTuple, TypeVar, cast

import numba
import numpy as np

_F = TypeVar("_F", bound=Callable[..., Any])


class PerBlock(NamedTuple):
    """What a growing group checks per block, as compressed rows over the problem's blocks."""

    conflict_start: np.ndarray
    conflict_blocks: np.ndarray
    """The blocks it may not share a group with (apart and supervises pairs)."""
    extra_start: np.ndarray
    extra_blocks: np.ndarray
    """The same from branching's apart decisions."""
    unit_start: np.ndarray
    unit_ids: np.ndarray
    """Its people's units, as numbers (-1: none)."""
    n_units: int
    cut_start: np.ndarray
    cut_ids: np.ndarray
    cut_costs: np.ndarray
    """The subset-row cuts with a dual that hold it, and what entering each costs (a group
    holding two blocks of one cut pays it)."""
    n_cuts: int


class GroupTerms(NamedTuple):
    """The terms of one search's groups."""

    constant: float
    """The mentor's theme and slot terms."""
    size_term: np.ndarray
    """The size term of a group of n members, at n."""
    smallest: int
    largest: int
    lone_novice: float
    no_experienced: float
    mixing: bool
    """Whether too many from one unit pays `unit_weight` per person above `share` of it."""
    share: float
    unit_weight: float
    cutoff: float
    """Only a group of reduced cost below this is wanted."""
    node_limit: int


GAVE_UP = 0
"""`search`'s status when the node limit was reached before the search ended."""

DONE = 1
"""`search`'s status when the search ended: its best group is the cheapest below the cutoff."""


def _compiled(function: _F) -> _F:
    """Compile with numba, caching the machine code beside the module (compiled once per
    installation, not per process)."""
    return cast(_F, numba.njit(cache=True, nogil=True)(function))


def rows(lists: Sequence[Sequence[int]]) -> tuple[np.ndarray, np.ndarray]:
    """Compressed rows of integer lists: (start, flat), `flat[start[i]:start[i + 1]]` the
    i-th list."""
    start = np.zeros(len(lists) + 1, dtype=np.int64)
    if lists:
        start[1:] = np.cumsum([len(values) for values in lists])
    flat = np.fromiter((v for values in lists for v in values), dtype=np.int64, count=start[-1])
    return start, flat


@_compiled
def search(
    n_blocks: int,
    item_start: np.ndarray,
    item_blocks: np.ndarray,
    item_reduced: np.ndarray,
    item_people: np.ndarray,
    item_novices: np.ndarray,
    item_pin: np.ndarray,
    per_block: PerBlock,
    terms: GroupTerms,
) -> tuple[int, float, np.ndarray, int]:
    """The group of least reduced cost below `cutoff` built from the items, in their order
    (`n_blocks`: how many blocks the problem has).

    Items (in order of reduced cost per person): item i is the blocks
    `item_blocks[item_start[i]:item_start[i + 1]]`, whose people's reduced costs sum to
    `item_reduced[i]` (cuts left out), with `item_people[i]` people and `item_novices[i]`
    novices, and `item_pin[i]` the position its pinned people are pinned to (-1: none, -2:
    several, so it joins no group). `per_block` and `terms`: see their classes.

    Returns (status, value, items, pin): status `DONE` or `GAVE_UP` (more than `node_limit`
    nodes); the best group's reduced cost (`cutoff` when none is below it), its items' indexes
    (empty when none) and the position its pinned people are pinned to (-1: none).
    """
    (
        conflict_start,
        conflict_blocks,
        extra_start,
        extra_blocks,
        unit_start,
        unit_ids,
        n_units,
        cut_start,
        cut_ids,
        cut_costs,
        n_cuts,
    ) = per_block
    (
        constant,
        size_term,
        smallest,
        largest,
        lone_novice,
        no_experienced,
        mixing,
        share,
        unit_weight,
        cutoff,
        node_limit,
    ) = terms
    n_items = len(item_reduced)
    # Per person, the reduced costs in item order: the completion bound's cheapest people.
    offsets = np.zeros(n_items + 1, dtype=np.int64)
    for i in range(n_items):
        offsets[i + 1] = offsets[i] + item_people[i]
    n_people = offsets[n_items]
    cumulative = np.zeros(n_people + 1)
    for i in range(n_items):
        per_person = item_reduced[i] / item_people[i]
        for p in range(offsets[i], offsets[i + 1]):
            cumulative[p + 1] = cumulative[p] + per_person
    stride = largest + 1
    known = np.full(n_items * stride, np.nan)

    taken = np.zeros(n_blocks, dtype=np.bool_)
    units = np.zeros(max(n_units, 1), dtype=np.int64)
    seen = np.full(max(n_units, 1), -1, dtype=np.int64)
    hits = np.zeros(max(n_cuts, 1), dtype=np.int64)
    # The path: at depth d the group has n_at[d] people (reduced costs summing to value_at[d])
    # and the items chosen[0:d]; next_at[d] is the next item to try there.
    depth_max = largest + 1
    n_at = np.zeros(depth_max + 1, dtype=np.int64)
    value_at = np.zeros(depth_max + 1)
    novices_at = np.zeros(depth_max + 1, dtype=np.int64)
    pin_at = np.full(depth_max + 1, -1, dtype=np.int64)
    next_at = np.zeros(depth_max + 1, dtype=np.int64)
    chosen = np.zeros(depth_max + 1, dtype=np.int64)
    best_value = cutoff
    best_items = np.zeros(0, dtype=np.int64)
    best_pin = -1
    nodes = 0
    d = 0
    visiting = True  # the node at depth d is new: count and value it
    while d >= 0:
        n = n_at[d]
        value = value_at[d]
        if visiting:
            visiting = False
            nodes += 1
            if nodes > node_limit:
                return GAVE_UP, best_value, best_items, best_pin
            if n >= smallest:
                total = value + constant + size_term[n]
                novices = novices_at[d]
                if novices == 1:
                    total += lone_novice
                if novices == n:
                    total += no_experienced
                if mixing:
                    limit = share * n
                    for level in range(d):
                        item = chosen[level]
                        for x in range(item_start[item], item_start[item + 1]):
                            b = item_blocks[x]
                            for y in range(unit_start[b], unit_start[b + 1]):
                                u = unit_ids[y]
                                if u >= 0 and seen[u] != nodes:
                                    seen[u] = nodes
                                    if units[u] > limit:
                                        total += unit_weight * (units[u] - limit)
                if total < best_value - 1e-9:
                    best_value = total
                    best_items = chosen[:d].copy()
                    best_pin = pin_at[d]
        # The next item that may join the group at depth d, if any.
        j = next_at[d]
        grown = 0
        entered = -1
        while j < n_items:
            grown = n + item_people[j]
            if grown > largest:
                j += 1
                continue
            at = j * stride + n
            rest = known[at]
            if np.isnan(rest):
                start = offsets[j]
                base = cumulative[start]
                rest = np.inf
                for final in range(max(n + 1, smallest), largest + 1):
                    if start + final - n > n_people:
                        break
                    candidate = cumulative[start + final - n] - base + size_term[final]
                    rest = min(rest, candidate)
                known[at] = rest
            if value + constant + rest >= best_value - 1e-9:
                j = n_items  # items are in order of per-person value: none later bounds lower
                break
            clash = False
            for x in range(item_start[j], item_start[j + 1]):
                b = item_blocks[x]
                for y in range(conflict_start[b], conflict_start[b + 1]):
                    if taken[conflict_blocks[y]]:
                        clash = True
                for y in range(extra_start[b], extra_start[b + 1]):
                    if taken[extra_blocks[y]]:
                        clash = True
            pin = item_pin[j]
            if clash or pin == -2 or (pin >= 0 and pin_at[d] >= 0 and pin_at[d] != pin):
                j += 1
                continue
            entered = j
            break
        if entered < 0:
            # Nothing more at this depth: back up, taking the last item out.
            d -= 1
            if d >= 0:
                item = chosen[d]
                for x in range(item_start[item], item_start[item + 1]):
                    b = item_blocks[x]
                    taken[b] = False
                    for y in range(unit_start[b], unit_start[b + 1]):
                        if unit_ids[y] >= 0:
                            units[unit_ids[y]] -= 1
                    for y in range(cut_start[b], cut_start[b + 1]):
                        hits[cut_ids[y]] -= 1
            continue
        added = item_reduced[entered]
        for x in range(item_start[entered], item_start[entered + 1]):
            b = item_blocks[x]
            taken[b] = True
            for y in range(unit_start[b], unit_start[b + 1]):
                if unit_ids[y] >= 0:
                    units[unit_ids[y]] += 1
            for y in range(cut_start[b], cut_start[b + 1]):
                k = cut_ids[y]
                hits[k] += 1
                if hits[k] == 2:
                    added += cut_costs[y]
        next_at[d] = entered + 1
        chosen[d] = entered
        pin = item_pin[entered]
        d += 1
        n_at[d] = grown
        value_at[d] = value + added
        novices_at[d] = novices_at[d - 1] + item_novices[entered]
        pin_at[d] = pin if pin >= 0 else pin_at[d - 1]
        next_at[d] = entered + 1
        visiting = True
    return DONE, best_value, best_items, best_pin


@_compiled
def search_blocks(
    blocks: np.ndarray,
    block_cost: np.ndarray,
    t: int,
    q: int,
    pi: np.ndarray,
    block_count: np.ndarray,
    block_novices: np.ndarray,
    block_pin: np.ndarray,
    per_block: PerBlock,
    terms: GroupTerms,
) -> tuple[int, float, np.ndarray, int]:
    """`search` with each block an item of its own: `blocks` are those that may join the
    group, `block_cost[b, t, q]` a block's theme and topic cost and `pi[b]` its dual, the other
    `block_*` per block as in `search`'s items. Returns `search`'s, with the best group's
    blocks (ascending) in place of its items."""
    n_items = len(blocks)
    reduced = np.empty(n_items)
    per_person = np.empty(n_items)
    for i in range(n_items):
        b = blocks[i]
        reduced[i] = block_cost[b, t, q] - pi[b]
        per_person[i] = reduced[i] / block_count[b]
    order = np.argsort(per_person, kind="mergesort")  # stable: ties keep the blocks' order
    item_blocks = blocks[order]
    item_start = np.arange(n_items + 1)
    item_people = block_count[item_blocks]
    status, value, chosen, pin = search(
        len(block_cost),
        item_start,
        item_blocks,
        reduced[order],
        item_people,
        block_novices[item_blocks],
        block_pin[item_blocks],
        per_block,
        terms,
    )
    return status, value, np.sort(item_blocks[chosen]), pin


@_compiled
def relaxed_tables(
    market_start: np.ndarray,
    market_people: np.ndarray,
    offered: np.ndarray,
    theme_cost: np.ndarray,
    topic_cost: np.ndarray,
    person_dual: np.ndarray,
    novice: np.ndarray,
    group_terms: np.ndarray,
    smallest: int,
    largest: int,
    floor: np.ndarray,
    least_cost: np.ndarray,
) -> np.ndarray:
    """Per market, theme and topic, the least reduced cost of a relaxed group, or a lower
    bound on it where that is no lower than `floor[theme]`.

    A relaxed group is any people of the market (`market_people[market_start[m]:market_start[m
    + 1]]`) each paying their theme and topic cost less their dual, plus the group terms of v
    novices and u experienced members (`group_terms[v, u]`, infinite where v + u is no allowed
    size). Where no one of the market pays less than 0, no group costs less than `smallest`
    times the least anyone pays; when that is no lower than the theme's floor, it stands in for
    the least (the caller needs exact values only below the floor: docs/decisions.md, "Pricing
    skips the relaxed groups that cannot be negative"). The least anyone pays is first bounded
    without reading the people, by the market's `least_cost` (`least_costs`) less its highest
    dual. Infinite for a market that is not `offered` or has fewer than `smallest` people."""
    n_markets = len(market_start) - 1
    n_themes = theme_cost.shape[1]
    n_topics = topic_cost.shape[1]
    tables = np.full((n_markets, n_themes, n_topics), np.inf)
    # Per theme and topic, the `largest` cheapest novices and others, kept in order as the
    # market's people are read (most are cheaper than none of them).
    novice_values = np.empty(largest)
    other_values = np.empty(largest)
    prefix_n = np.zeros(largest + 1)
    prefix_e = np.zeros(largest + 1)
    for m in offered:
        first, last = market_start[m], market_start[m + 1]
        if last - first < smallest:
            continue
        top_dual = -np.inf
        for x in range(first, last):
            top_dual = max(top_dual, person_dual[market_people[x]])
        for t in range(n_themes):
            for q in range(n_topics):
                least_one = least_cost[m, t, q] - top_dual
                if least_one >= 0.0 and smallest * least_one >= floor[t]:
                    tables[m, t, q] = smallest * least_one
                    continue
                least_one = np.inf
                for x in range(first, last):
                    p = market_people[x]
                    value = theme_cost[p, t] + topic_cost[p, q] - person_dual[p]
                    if value < least_one:
                        least_one = value
                if least_one >= 0.0 and smallest * least_one >= floor[t]:
                    tables[m, t, q] = smallest * least_one
                    continue
                a = 0
                c = 0
                for x in range(first, last):
                    p = market_people[x]
                    value = theme_cost[p, t] + topic_cost[p, q] - person_dual[p]
                    if novice[p]:
                        a = _kept(novice_values, a, value)
                    else:
                        c = _kept(other_values, c, value)
                for v in range(a):
                    prefix_n[v + 1] = prefix_n[v] + novice_values[v]
                for u in range(c):
                    prefix_e[u + 1] = prefix_e[u] + other_values[u]
                least = np.inf
                for v in range(a + 1):
                    for u in range(c + 1):
                        total = prefix_n[v] + prefix_e[u] + group_terms[v, u]
                        if total < least:
                            least = total
                tables[m, t, q] = least
    return tables


@_compiled
def least_costs(
    market_start: np.ndarray,
    market_people: np.ndarray,
    theme_cost: np.ndarray,
    topic_cost: np.ndarray,
) -> np.ndarray:
    """Per market, theme and topic, the least theme and topic cost anyone of the market pays
    (infinite for a market of no one): `relaxed_tables`'s first test."""
    n_markets = len(market_start) - 1
    n_themes = theme_cost.shape[1]
    n_topics = topic_cost.shape[1]
    least = np.full((n_markets, n_themes, n_topics), np.inf)
    for m in range(n_markets):
        for x in range(market_start[m], market_start[m + 1]):
            p = market_people[x]
            for t in range(n_themes):
                for q in range(n_topics):
                    least[m, t, q] = min(least[m, t, q], theme_cost[p, t] + topic_cost[p, q])
    return least


@_compiled
def _kept(values: np.ndarray, count: int, value: float) -> int:
    """Insert `value` into the ascending `values[:count]`, keeping at most `len(values)` of the
    smallest; the new count."""
    if count == len(values):
        if value >= values[count - 1]:
            return count
        count -= 1
    at = count
    while at > 0 and values[at - 1] > value:
        values[at] = values[at - 1]
        at -= 1
    values[at] = value
    return count + 1
