"""The hard rules, checked on any solution by any tool (numbered as in grouping-format.md)."""

from __future__ import annotations

from collections import Counter, defaultdict

from .model import Participant, Problem, Solution, Violation


def _meeting_region(members: list[Participant]) -> str | None:
    """Where an in-person group of a mentor without a region meets (rule 7).

    People without a region may meet anywhere; those with one must all share it. The group's
    region is its members' most common one (the first alphabetically on a tie), so the members
    from any other region are the ones reported.
    """
    counts = Counter(p.region for p in members if p.region is not None)
    if not counts:
        return None
    return min(counts, key=lambda r: (-counts[r], r))


def validate(problem: Problem, solution: Solution) -> list[Violation]:
    """Every broken hard rule of `solution` for `problem`; an empty list means it is valid.

    Rule 0 is structure: each participant exactly once, known ids, unique group ids.
    """
    out: list[Violation] = []
    people = {p.id: p for p in problem.participants}
    mentors = {m.id: m for m in problem.mentors}
    fixed = {g.id: g for g in problem.groups}
    seen: Counter[str] = Counter()
    group_of: dict[str, str] = {}
    for group in solution.groups:
        for member in group.members:
            seen[member] += 1
            group_of[member] = group.id
    for item in solution.unassigned:
        seen[item.id] += 1
    for pid in people:
        if seen[pid] == 0:
            out.append(
                Violation(
                    0, f"{pid} is neither in a group nor listed as unassigned", participant=pid
                )
            )
        elif seen[pid] > 1:
            out.append(Violation(0, f"{pid} appears {seen[pid]} times", participant=pid))
    for pid in seen:
        if pid not in people:
            out.append(Violation(0, f"{pid} is not a participant of the problem", participant=pid))
    for gid, count in Counter(g.id for g in solution.groups).items():
        if count > 1:
            out.append(Violation(0, f"group id {gid} is used {count} times", group=gid))

    conflicts: set[frozenset[str]] = {
        frozenset(pair) for pair in (*problem.apart, *problem.supervises)
    }
    led: dict[str, list[str]] = defaultdict(list)
    slots_led: Counter[tuple[str, str]] = Counter()
    size = problem.size
    for group in solution.groups:
        gid = group.id
        mentor = mentors.get(group.mentor)
        members = [people[m] for m in group.members if m in people]
        if not size.min <= len(group.members) <= size.max:
            out.append(
                Violation(
                    1,
                    f"group {gid} has {len(group.members)} members, not {size.min}-{size.max}",
                    gid,
                )
            )
        if mentor is None:
            out.append(Violation(0, f"group {gid} has unknown mentor {group.mentor}", gid))
            continue
        led[mentor.id].append(gid)
        slots_led[mentor.id, group.slot] += 1
        if group.slot not in mentor.slots:
            out.append(
                Violation(2, f"mentor {mentor.id} of group {gid} cannot meet at {group.slot}", gid)
            )
        if group.language not in mentor.languages:
            out.append(
                Violation(
                    3,
                    f"mentor {mentor.id} of group {gid} does not lead groups in {group.language}",
                    gid,
                )
            )
        place = mentor.region or _meeting_region(members)
        for p in members:
            if group.slot not in p.slots:
                out.append(
                    Violation(2, f"{p.id} in group {gid} cannot meet at {group.slot}", gid, p.id)
                )
            if group.language not in p.languages:
                out.append(
                    Violation(
                        3, f"{p.id} in group {gid} does not accept {group.language}", gid, p.id
                    )
                )
            if group.online and not p.online:
                out.append(
                    Violation(
                        7, f"{p.id} in online group {gid} does not accept online groups", gid, p.id
                    )
                )
            if not group.online and p.region is not None and p.region != place:
                out.append(
                    Violation(
                        7,
                        f"{p.id} in group {gid} is from region {p.region}, "
                        + (
                            f"not {place}"
                            if mentor.region
                            else f"but the group meets in region {place}"
                        ),
                        gid,
                        p.id,
                    )
                )
        ids = [mentor.id, *group.members]
        for a_index, a in enumerate(ids):
            for b in ids[a_index + 1 :]:
                if frozenset((a, b)) in conflicts:
                    out.append(
                        Violation(4, f"{a} and {b} must not be in the same group {gid}", gid)
                    )
        given = fixed.get(gid)
        if given is not None:
            for name in ("mentor", "theme", "slot", "language", "online", "kind"):
                wanted = getattr(given, name)
                if wanted is not None and getattr(group, name) != wanted:
                    out.append(Violation(6, f"fixed group {gid} must keep {name} {wanted}", gid))
    for a, b in problem.together:
        if a in group_of and b in group_of and group_of[a] != group_of[b]:
            out.append(Violation(5, f"{a} and {b} must be in the same group", participant=a))
    for pin in problem.pinned:
        if group_of.get(pin.participant) != pin.group:
            out.append(
                Violation(
                    5,
                    f"{pin.participant} is pinned to group {pin.group}",
                    pin.group,
                    pin.participant,
                )
            )
    for mid, groups in led.items():
        if len(groups) > mentors[mid].capacity:
            out.append(
                Violation(
                    6, f"mentor {mid} leads {len(groups)} groups, capacity {mentors[mid].capacity}"
                )
            )
    for (mid, slot), count in slots_led.items():
        if count > 1:
            out.append(Violation(6, f"mentor {mid} leads {count} groups at the same time {slot}"))
    return out
