"""A fast start: lazy-greedy group opening by demand, then local search by moves and swaps.

Every step keeps all hard rules, so whatever time is left the current grouping is valid.
"""

from __future__ import annotations

import heapq
import random
import time
from collections import defaultdict
from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field

from .instance import Frame, Instance, Topic
from .scoring import best_topic, group_penalty

ONLINE = "\x00online"
ANY_THEME = "\x00any"
Market = tuple[str | None, str, str]


@dataclass
class Group:
    frame: Frame
    theme: str
    topic: Topic
    members: list[int] = field(default_factory=list)
    blocks: set[int] = field(default_factory=set)
    penalty: float = 0.0


class Grouping:
    """A mutable, always-valid assignment of blocks to open groups (keyed by position index)."""

    def __init__(self, inst: Instance) -> None:
        self.inst = inst
        self.groups: dict[int, Group] = {}
        self.where = [-1] * len(inst.blocks)
        self.mentor_slots: dict[str, set[str]] = defaultdict(set)

    # -- bookkeeping -----------------------------------------------------------------------------
    def open(self, k: int, frame: Frame, theme: str, topic: Topic) -> Group:
        group = Group(frame, theme, topic)
        self.groups[k] = group
        self.mentor_slots[self.inst.positions[k].mentor.id].add(frame.slot)
        return group

    def open_group(
        self, k: int, frame: Frame, theme: str, topic: Topic, blocks: Iterable[int]
    ) -> bool:
        """Open a whole group at position k with these blocks, unless its mentor meets another
        group in that slot or a block is placed already."""
        blocks = list(blocks)
        if frame.slot in self.mentor_slots[self.inst.positions[k].mentor.id]:
            return False
        if any(self.where[b] >= 0 for b in blocks):
            return False
        self.open(k, frame, theme, topic)
        for b in blocks:
            self.add(k, b)
        self.retopic(k)
        return True

    def close(self, k: int) -> None:
        group = self.groups.pop(k)
        self.mentor_slots[self.inst.positions[k].mentor.id].discard(group.frame.slot)
        for b in group.blocks:
            self.where[b] = -1

    def add(self, k: int, b: int) -> None:
        group = self.groups[k]
        group.blocks.add(b)
        group.members.extend(self.inst.blocks[b])
        self.where[b] = k

    def remove(self, k: int, b: int) -> None:
        group = self.groups[k]
        group.blocks.discard(b)
        gone = set(self.inst.blocks[b])
        group.members = [i for i in group.members if i not in gone]
        self.where[b] = -1

    def retopic(self, k: int) -> None:
        group = self.groups[k]
        group.theme, group.topic, group.penalty = best_topic(self.inst, k, group.members)

    def can_join(self, k: int, b: int, extra: int = 0) -> bool:
        """Whether block b may join group k now (frame, conflicts and the size maximum)."""
        group, inst = self.groups[k], self.inst
        if len(group.members) + len(inst.blocks[b]) + extra > inst.size.max:
            return False
        if not inst.block_fits(b, inst.positions[k], group.frame):
            return False
        return not (inst.block_conflicts[b] & group.blocks)

    def copy(self) -> Grouping:
        """An independent copy (the instance is shared)."""
        out = Grouping(self.inst)
        out.groups = {
            k: Group(g.frame, g.theme, g.topic, list(g.members), set(g.blocks), g.penalty)
            for k, g in self.groups.items()
        }
        out.where = list(self.where)
        for mentor, slots in self.mentor_slots.items():
            out.mentor_slots[mentor] = set(slots)
        return out

    def penalty(self) -> float:
        unplaced = sum(len(self.inst.blocks[b]) for b, k in enumerate(self.where) if k < 0)
        return self.inst.weights.unassigned * unplaced + sum(
            g.penalty for g in self.groups.values()
        )


def _is_pinned(inst: Instance, b: int) -> bool:
    return any(i in inst.pinned for i in inst.blocks[b])


def market_of(inst: Instance, k: int, frame: Frame) -> Market:
    """Where a group in this frame meets: online, or in person in the frame's region."""
    return (ONLINE if frame.online else frame.region, frame.language, frame.slot)


def in_person_scopes(inst: Instance, regions: Iterable[str | None]) -> set[str | None]:
    """Where people of these regions can meet in person together (rule 7).

    People without a region may meet in any region; people with one only in that region, so
    people of two regions never meet in person.
    """
    named: set[str | None] = {r for r in regions if r is not None}
    if not named:
        return set(inst.places)
    return named if len(named) == 1 else set()


def block_markets(inst: Instance, b: int) -> set[Market]:
    people = [inst.people[i] for i in inst.blocks[b]]
    slots = set.intersection(*(set(p.slots) for p in people))
    languages = set.intersection(*(set(p.languages) for p in people))
    scopes = in_person_scopes(inst, (p.region for p in people))
    if all(p.online for p in people):
        scopes.add(ONLINE)
    return {(scope, lang, slot) for scope in scopes for lang in languages for slot in slots}


def _block_themes(inst: Instance, b: int) -> list[str]:
    """The block's themes from most to least wanted (only themes somebody in it listed)."""
    listed = {t for i in inst.blocks[b] for t in inst.people[i].themes}
    return sorted(listed, key=lambda t: (sum(inst.theme_cost[i][t] for i in inst.blocks[b]), t))


def construct(inst: Instance, state: Grouping | None = None) -> Grouping:
    """Open groups greedily for everyone not yet placed (in `state`, or from scratch)."""
    if state is None:
        state = Grouping(inst)
        place_pins(state)
    markets = {b: block_markets(inst, b) for b in range(len(inst.blocks))}
    flexibility = {b: len(m) for b, m in markets.items()}
    wishes = {b: _block_themes(inst, b) for b in range(len(inst.blocks))}
    for depth in (1, 2, 3, 0):
        _greedy_phase(state, markets, flexibility, wishes, depth)
    finish(state)
    return state


def finish(state: Grouping) -> None:
    """Place the still unplaced where they fit best, then mend groups below the minimum."""
    inst = state.inst
    flexibility = {b: len(block_markets(inst, b)) for b, k in enumerate(state.where) if k < 0}
    _fill(state, flexibility)
    _repair_small(state)
    for k in state.groups:
        state.retopic(k)


def place_pins(state: Grouping) -> None:
    inst = state.inst
    by_position: dict[int, set[int]] = defaultdict(set)
    for i, k in inst.pinned.items():
        by_position[k].add(inst.block_of[i])
    for k, blocks in by_position.items():
        pos = inst.positions[k]
        frames = [
            f
            for f in pos.frames
            if f.slot not in state.mentor_slots[pos.mentor.id]
            and all(inst.block_fits(b, pos, f) for b in blocks)
        ]
        if not frames:
            continue
        frame = max(
            frames, key=lambda f: sum(inst.fits(i, pos, f) for i in range(len(inst.people)))
        )
        group = state.open(k, frame, pos.themes[0], pos.topics[0])
        for b in blocks:
            if state.where[b] < 0 and not (inst.block_conflicts[b] & group.blocks):
                state.add(k, b)


def _greedy_phase(
    state: Grouping,
    markets: dict[int, set[Market]],
    flexibility: dict[int, int],
    wishes: dict[int, list[str]],
    depth: int,
) -> None:
    """Open groups where the most unplaced people share a market and one of their top wishes.

    depth 0 means any theme: the group's theme is then chosen for its members afterwards.
    """
    inst = state.inst
    buckets: dict[tuple[Market, str], set[int]] = defaultdict(set)
    for b, k in enumerate(state.where):
        if k >= 0 or _is_pinned(inst, b):
            continue
        themes = wishes[b][:depth] if depth else [ANY_THEME]
        for market in markets[b]:
            for theme in themes:
                buckets[market, theme].add(b)
    counts = {key: sum(len(inst.blocks[b]) for b in blocks) for key, blocks in buckets.items()}
    target = inst.size.target

    def score(k: int, frame: Frame, theme: str) -> float:
        count = counts.get((market_of(inst, k, frame), theme), 0)
        bonus = 0.5 if theme in inst.positions[k].mentor.themes else 0.0
        return min(target, count) + bonus if count >= inst.size.min else 0.0

    heap: list[tuple[float, int, int, str]] = []
    for k, pos in enumerate(inst.positions):
        if k in state.groups:
            continue
        for f, frame in enumerate(pos.frames):
            for theme in pos.themes if depth else [ANY_THEME]:
                s = score(k, frame, theme)
                if s > 0:
                    heap.append((-s, k, f, theme))
    heapq.heapify(heap)
    while heap:
        neg, k, f, theme = heapq.heappop(heap)
        pos = inst.positions[k]
        frame = pos.frames[f]
        if k in state.groups or frame.slot in state.mentor_slots[pos.mentor.id]:
            continue
        s = score(k, frame, theme)
        if s <= 0:
            continue
        if s < -neg - 1e-9:
            heapq.heappush(heap, (-s, k, f, theme))
            continue
        key = (market_of(inst, k, frame), theme)
        chosen: list[int] = []
        taken: set[int] = set()
        size = 0
        for b in sorted(buckets[key], key=lambda b: (flexibility[b], b)):
            n = len(inst.blocks[b])
            if size + n > target or inst.block_conflicts[b] & taken:
                continue
            if not inst.block_fits(b, pos, frame):
                continue
            chosen.append(b)
            taken.add(b)
            size += n
        if size < inst.size.min:
            continue
        group_theme = theme if depth else pos.themes[0]
        state.open(k, frame, group_theme, pos.topics[0])
        for b in chosen:
            state.add(k, b)
            for market in markets[b]:
                for t in wishes[b][:depth] if depth else [ANY_THEME]:
                    buckets[market, t].discard(b)
                    counts[market, t] -= len(inst.blocks[b])
        state.retopic(k)


def _fill(state: Grouping, flexibility: dict[int, int]) -> None:
    """Put each unplaced block where it adds the least penalty, if anywhere."""
    inst = state.inst
    for b in sorted((b for b, k in enumerate(state.where) if k < 0), key=lambda b: flexibility[b]):
        best: tuple[float, int] | None = None
        pins = {inst.pinned[i] for i in inst.blocks[b] if i in inst.pinned}
        for k, group in state.groups.items():
            if (pins and k not in pins) or not state.can_join(k, b):
                continue
            delta = group_penalty(
                inst, k, group.theme, group.topic, [*group.members, *inst.blocks[b]]
            )
            delta -= group.penalty
            if best is None or delta < best[0]:
                best = (delta, k)
        if best is not None:
            state.add(best[1], b)
            state.retopic(best[1])


def _repair_small(state: Grouping) -> None:
    """Groups below the minimum size take members from larger groups or are dissolved."""
    inst = state.inst
    for k in list(state.groups):
        group = state.groups[k]
        for source in list(state.groups):
            if len(group.members) >= inst.size.min:
                break
            if source == k:
                continue
            other = state.groups[source]
            for b in list(other.blocks):
                if len(other.members) - len(inst.blocks[b]) < inst.size.min:
                    continue
                if _is_pinned(inst, b) or not state.can_join(k, b):
                    continue
                state.remove(source, b)
                state.add(k, b)
                state.retopic(source)
                if len(group.members) >= inst.size.min:
                    break
        if len(group.members) < inst.size.min:
            # Also a group of pinned people: a pin that cannot reach the minimum size cannot be
            # kept, and they are reported unplaced with the reason (status `infeasible`).
            state.close(k)
        else:
            state.retopic(k)


def _delta_in(state: Grouping, k: int, add: Iterable[int], drop: set[int]) -> float:
    group, inst = state.groups[k], state.inst
    members = [i for i in group.members if i not in drop]
    members.extend(add)
    return group_penalty(inst, k, group.theme, group.topic, members) - group.penalty


def improve(state: Grouping, deadline: float, rng: random.Random) -> None:
    """Moves and swaps of blocks while any improves the penalty and time remains."""
    inst = state.inst
    w_unassigned = inst.weights.unassigned
    blocks = [b for b in range(len(inst.blocks)) if not _is_pinned(inst, b)]
    # The groups each block fits, found when the block is first tried and by frame first (the
    # groups keep their frames here): at 10,000 registrants all of them at once took 12.8 s,
    # longer than a rounded grouping's polish, which then moved nothing.
    by_frame: dict[Frame, list[int]] = defaultdict(list)
    rank: dict[int, int] = {}
    for k, g in state.groups.items():
        by_frame[g.frame].append(k)
        rank[k] = len(rank)
    fits: dict[int, list[int]] = {}
    # A block's moves depend only on its group and the groups it fits, so a block found with
    # no move is skipped until one of them changes: `changed` holds the count of moves made
    # when a group last changed, `stuck` the count when a block was last found with no move.
    # (1,000 registrants: after a first pass of 2.5 s, the second gained 8 points in 2.5 s
    # and the third, which found nothing, took as long again.)
    moves = 0
    changed: dict[int, int] = {}
    stuck: dict[int, int] = {}
    improved = True
    while improved and time.monotonic() < deadline:
        improved = False
        rng.shuffle(blocks)
        for b in blocks:
            if time.monotonic() >= deadline:
                return
            if b not in fits:
                found = [
                    k
                    for frame, ks in by_frame.items()
                    if all(inst.meets(i, frame) for i in inst.blocks[b])
                    for k in ks
                    if inst.block_fits(b, inst.positions[k], frame)
                ]
                fits[b] = sorted(found, key=rank.__getitem__)
            cur = state.where[b]
            since = stuck.get(b)
            if since is not None and all(changed.get(k, 0) <= since for k in (cur, *fits[b])):
                continue
            if _improve_block(state, b, fits[b], w_unassigned):
                improved = True
                moves += 1
                changed[cur] = changed[state.where[b]] = moves
            else:
                stuck[b] = moves


def _improve_block(state: Grouping, b: int, fits: list[int], w_unassigned: float) -> bool:
    inst = state.inst
    people = inst.blocks[b]
    cur = state.where[b]
    size = len(people)
    if cur >= 0:
        group = state.groups[cur]
        can_leave = len(group.members) - size >= inst.size.min
        out = _delta_in(state, cur, (), set(people)) if can_leave else 0.0
    else:
        can_leave, out = True, -w_unassigned * size
    best: tuple[float, int, int] | None = None  # (delta, target group, swapped block or -1)
    for k in fits:
        if k == cur or k not in state.groups:
            continue
        target = state.groups[k]
        if can_leave and state.can_join(k, b):
            delta = out + _delta_in(state, k, people, set())
            if delta < -1e-9 and (best is None or delta < best[0]):
                best = (delta, k, -1)
        for c in target.blocks:
            others = inst.blocks[c]
            if _is_pinned(inst, c):
                continue
            new_size = len(target.members) - len(others) + size
            if not inst.size.min <= new_size <= inst.size.max:
                continue
            if inst.block_conflicts[b] & (target.blocks - {c}):
                continue
            if cur >= 0:
                here = state.groups[cur]
                if not inst.size.min <= len(here.members) - size + len(others) <= inst.size.max:
                    continue
                if not inst.block_fits(c, inst.positions[cur], here.frame):
                    continue
                if inst.block_conflicts[c] & (here.blocks - {b}):
                    continue
                delta = _delta_in(state, cur, others, set(people))
            else:
                delta = w_unassigned * (len(others) - size)
            delta += _delta_in(state, k, people, set(others))
            if delta < -1e-9 and (best is None or delta < best[0]):
                best = (delta, k, c)
    if best is None:
        return False
    _, k, c = best
    if cur >= 0:
        state.remove(cur, b)
    if c >= 0:
        state.remove(k, c)
        if cur >= 0:
            state.add(cur, c)
    state.add(k, b)
    for changed in (cur, k):
        if changed >= 0:
            state.retopic(changed)
    return True


def better(
    state: Grouping, candidate: Grouping, end: float, polish: float, rng: random.Random
) -> Grouping:
    """`candidate` once the greedy has placed everyone it left out and local search has
    polished it for `polish` seconds (not past `end`), if it then beats `state` and keeps
    every pin; else `state`."""
    construct(candidate.inst, candidate)
    improve(candidate, min(end, time.monotonic() + polish), rng)
    return candidate if pins_kept(candidate) and candidate.penalty() < state.penalty() else state


def distinct(candidates: Iterable[Grouping | None]) -> list[Grouping]:
    """The groupings given, without None and without any that holds the same groups as one
    before it: an LP rounded at 0.1 and at 0 often gives one grouping (200 and 300
    registrants, seeds 1-3: in three of six; 1,000, seed 1, coupled: once), and polishing it
    twice spent the time twice."""
    seen: list[dict[int, Formed]] = []
    out: list[Grouping] = []
    for candidate in candidates:
        if candidate is None:
            continue
        groups = formed(candidate)
        if groups not in seen:
            seen.append(groups)
            out.append(candidate)
    return out


@dataclass(frozen=True)
class Formed:
    """A group as it stands, apart from the grouping that holds it (its position is the key
    of `formed`)."""

    frame: Frame
    theme: str
    topic: Topic
    blocks: tuple[int, ...]
    penalty: float


def formed(state: Grouping) -> dict[int, Formed]:
    """Every open group of `state` by position."""
    return {
        k: Formed(g.frame, g.theme, g.topic, tuple(sorted(g.blocks)), g.penalty)
        for k, g in state.groups.items()
    }


def merged(base: Grouping, other: Mapping[int, Formed]) -> Grouping:
    """`base` with every part of another grouping of the same instance (`other`, its groups
    by position) that differs from `base` and is cheaper there: the improvements of two
    searches that went on from one grouping, kept from both (docs/decisions.md, 2026-12-07).

    Where the two differ, they split into independent *parts*: the groups of either that the
    other does not have, joined when they share a position, a block or a mentor's slot. A
    part's groups of `other` hold only positions, blocks and mentors' slots that the part's
    groups of `base` hold or that are free in `base` (a block of theirs that `base` places is
    in a group of the same part), so each part can be swapped in on its own; and every hard
    rule within a group held in the grouping it came from. Since the parts are independent,
    the answer costs no more than either grouping: `base` itself when no part of `other` is
    cheaper, else a new grouping whose penalty is below `base`'s.
    """
    inst = base.inst
    where_other = [-1] * len(inst.blocks)
    for k, group in other.items():
        if not 0 <= k < len(inst.positions) or group.frame not in inst.positions[k].frames:
            return base  # not a grouping of this instance
        for b in group.blocks:
            if not 0 <= b < len(where_other) or where_other[b] >= 0:
                return base
            where_other[b] = k

    same = {
        k
        for k in base.groups.keys() & other.keys()
        if base.groups[k].frame == other[k].frame and base.groups[k].blocks == set(other[k].blocks)
    }
    Node = tuple[int, int]  # (0, k): base's group at k; (1, k): other's
    nodes: list[Node] = [(0, k) for k in base.groups if k not in same]
    nodes += [(1, k) for k in other if k not in same]
    if not nodes:
        return base
    parent = {node: node for node in nodes}

    def find(node: Node) -> Node:
        while parent[node] != node:
            parent[node] = parent[parent[node]]
            node = parent[node]
        return node

    def join(a: Node, b: Node) -> None:
        parent[find(a)] = find(b)

    by_slot: dict[tuple[str, str], Node] = {}
    for side, k in nodes:
        if side == 1 and (0, k) in parent:
            join((0, k), (1, k))
        frame = base.groups[k].frame if side == 0 else other[k].frame
        key = (inst.positions[k].mentor.id, frame.slot)
        if key in by_slot:
            join(by_slot[key], (side, k))
        else:
            by_slot[key] = (side, k)
    for b, k in enumerate(base.where):
        j = where_other[b]
        if k >= 0 and j >= 0 and (0, k) in parent and (1, j) in parent:
            join((0, k), (1, j))
    parts: dict[Node, list[Node]] = defaultdict(list)
    for node in nodes:
        parts[find(node)].append(node)
    unassigned = inst.weights.unassigned
    swapped: list[Node] = []
    for part in parts.values():
        # What the part costs in `other` less what it costs in `base`: each side's groups,
        # and the blocks they place that the other side leaves out.
        delta = 0.0
        for side, k in part:
            if side == 0:
                mine = base.groups[k]
                out = sum(len(inst.blocks[b]) for b in mine.blocks if where_other[b] < 0)
                delta -= mine.penalty - unassigned * out
            else:
                theirs = other[k]
                out = sum(len(inst.blocks[b]) for b in theirs.blocks if base.where[b] < 0)
                delta += theirs.penalty - unassigned * out
        if delta < -1e-9:
            swapped.extend(part)
    if not swapped:
        return base
    out_state = base.copy()
    for side, k in swapped:
        if side == 0:
            out_state.close(k)
    for side, k in swapped:
        if side == 1:
            theirs = other[k]
            if not out_state.open_group(k, theirs.frame, theirs.theme, theirs.topic, theirs.blocks):
                return base  # cannot happen by the parts' construction
    if not pins_kept(out_state) or out_state.penalty() >= base.penalty() - 1e-9:
        return base
    return out_state


def pins_kept(state: Grouping) -> bool:
    """Whether every pinned person is in the group they are pinned to."""
    inst = state.inst
    return all(state.where[inst.block_of[i]] == k for i, k in inst.pinned.items())
