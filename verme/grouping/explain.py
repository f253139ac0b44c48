"""Why each person is where they are: structured explanations with an English rendering."""

from __future__ import annotations

import re
from collections import Counter
from collections.abc import Sequence

from .heuristic import ONLINE, Grouping, Market, in_person_scopes, market_of
from .instance import Instance
from .model import Explanation, GroupSummary, Unassigned

LANGUAGES = {"fi": "Finnish", "sv": "Swedish", "en": "English", "se": "Sami"}
ORDINALS = ("first", "second", "third", "fourth", "fifth")


def slot_label(slot: str) -> str:
    """`mon-1400` becomes `Mon 14:00`; other slot names are shown as they are."""
    match = re.fullmatch(r"([a-z]{3})-(\d{2})(\d{2})", slot)
    return f"{match[1].capitalize()} {match[2]}:{match[3]}" if match else slot


def language_label(code: str) -> str:
    return LANGUAGES.get(code, code)


def summarise(state: Grouping, k: int) -> GroupSummary:
    group = state.groups[k]
    return group_summary(
        state.inst,
        group.members,
        group.theme,
        group.frame.slot,
        group.frame.language,
        group.penalty,
    )


def group_summary(
    inst: Instance,
    members: Sequence[int],
    theme: str,
    slot: str,
    language: str,
    penalty: float,
) -> GroupSummary:
    """A group's quality figures: size, slot, units, novices and wishes met."""
    ranks = [_rank(inst, i, theme) for i in members]
    novices = sum(inst.novice[i] for i in members)
    return GroupSummary(
        size=len(members),
        slot=slot,
        language=language,
        units=len({inst.people[i].unit for i in members if inst.people[i].unit}),
        novices=novices,
        experienced=len(members) - novices,
        first_wish=sum(r == 1 for r in ranks),
        any_wish=sum(r is not None for r in ranks),
        penalty=round(penalty, 6),
    )


def _rank(inst: Instance, i: int, theme: str) -> int | None:
    themes = inst.people[i].themes
    return themes.index(theme) + 1 if theme in themes else None


def explain_placed(state: Grouping, k: int, i: int, summary: GroupSummary) -> Explanation:
    inst, group = state.inst, state.groups[k]
    person = inst.people[i]
    rank = _rank(inst, i, group.theme)
    if rank is None:
        wish = (
            f"theme {group.theme} is not on their list: no group on a listed theme could take them "
            "within the rules without costing more elsewhere"
            if person.themes
            else f"theme {group.theme} (they listed no themes)"
        )
    else:
        ordinal = ORDINALS[rank - 1] if rank <= len(ORDINALS) else f"{rank}th"
        wish = f"{ordinal}-choice theme ({group.theme})"
    place = group.frame.region
    where = "online" if group.frame.online else f"in region {place}" if place else ""
    parts = [
        wish,
        f"everyone can meet {slot_label(group.frame.slot)}"
        + (f" {where}" if where else "")
        + f" in {language_label(group.frame.language)}",
        f"{summary.units} units in the group" if summary.units != 1 else "a one-unit group",
        f"{summary.novices} novices and {summary.experienced} experienced members",
    ]
    if group.topic.kind != "theme":
        parts.append(
            f"a {group.topic.kind} group" + (f" ({group.topic.focus})" if group.topic.focus else "")
        )
    if i in inst.pinned:
        parts.append("kept here by the coordinator")
    return Explanation(
        participant=person.id,
        code="placed",
        text="; ".join(parts),
        group=inst.positions[k].id,
        theme_rank=rank,
        slot=group.frame.slot,
        units=summary.units,
        novices=summary.novices,
        experienced=summary.experienced,
        params=(
            ("theme", group.theme),
            ("language", group.frame.language),
            ("kind", group.topic.kind),
        ),
    )


def market_sizes(inst: Instance) -> dict[Market, int]:
    """How many people could meet in each (region or online, language, slot)."""
    out: Counter[Market] = Counter()
    for p in inst.people:
        scopes = in_person_scopes(inst, [p.region]) | ({ONLINE} if p.online else set())
        out.update(
            (scope, lang, slot) for scope in scopes for lang in p.languages for slot in p.slots
        )
    return dict(out)


def explain_unassigned(
    state: Grouping, i: int, sizes: dict[Market, int]
) -> tuple[Unassigned, Explanation]:
    code, text = _unassigned_reason(state, i, sizes)
    person = state.inst.people[i]
    return (
        Unassigned(id=person.id, reason=text, code=code),
        Explanation(participant=person.id, code=code, text=text),
    )


def _unassigned_reason(state: Grouping, i: int, market_sizes: dict[Market, int]) -> tuple[str, str]:
    inst = state.inst
    person = inst.people[i]
    size = inst.size
    languages = " or ".join(language_label(x) for x in person.languages) or "any language"
    if i in inst.pinned:
        return (
            "pin_impossible",
            f"{person.id} is pinned to group {inst.positions[inst.pinned[i]].id}, which cannot "
            "take them within the rules",
        )
    if inst.block_of[i] in inst.self_conflicting:
        return (
            "apart_conflict",
            f"{person.id} must be in the same group as someone they must also be kept apart from",
        )
    fitting = [
        (k, frame)
        for k, pos in enumerate(inst.positions)
        for frame in pos.frames
        if inst.fits(i, pos, frame)
    ]
    if not fitting:
        if any(inst.meets(i, frame) for pos in inst.positions for frame in pos.frames):
            return (
                "no_compatible_mentor",
                f"the only mentors who share a time and language with {person.id} supervise them "
                "or must be kept apart from them",
            )
        return (
            "no_shared_language_slot",
            f"no group in {languages} meets at a time {person.id} can attend"
            + (f" in region {person.region}" if person.region and not person.online else ""),
        )
    open_fitting = [
        k for k, frame in fitting if k in state.groups and state.groups[k].frame == frame
    ]
    if not open_fitting:
        peers = max(market_sizes.get(market_of(inst, k, frame), 0) for k, frame in fitting)
        if peers < size.min:
            return (
                "group_too_small",
                f"only {peers} people (with {person.id}) share a time, language and place with "
                f"a free mentor; a group needs at least {size.min}",
            )
        return (
            "groups_full",
            f"no mentor was free to open a group at a time {person.id} can attend: the mentors "
            "who could were needed for larger groups",
        )
    block = inst.block_of[i]
    if all(inst.block_conflicts[block] & state.groups[k].blocks for k in open_fitting):
        return (
            "apart_conflict",
            f"every group {person.id} could join has someone they must be kept apart from",
        )
    return (
        "groups_full",
        f"every group {person.id} could join is full ({size.max} members) and no mentor is "
        "free to open another at a time they can attend",
    )
