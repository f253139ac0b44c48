"""The optimiser's structured explanations and broken rules, said in the reader's language.

The optimiser's own English sentences are never shown: each `Explanation.code` and `Violation.rule`
has a gettext message here, filled in with names from the database.
"""

from __future__ import annotations

from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy, ngettext

from verme.grouping import Violation

MOVED_OUT = "moved_out"

UNASSIGNED_REASONS = {
    "no_shared_language_slot": gettext_lazy(
        "No group in a language they accept can meet at a time they can attend."
    ),
    "no_compatible_mentor": gettext_lazy(
        "The only mentors who share a time and a language with them supervise them or must be "
        "kept apart from them."
    ),
    "group_too_small": gettext_lazy(
        "Too few people share a time, a language and a region with them and a free mentor to "
        "form a group."
    ),
    "groups_full": gettext_lazy(
        "Every group they could join is full, and no mentor is free to open another group at a "
        "time they can attend."
    ),
    "apart_conflict": gettext_lazy(
        "Every group they could join has someone they must be kept apart from."
    ),
    "pin_impossible": gettext_lazy("They are pinned to a group that cannot take them."),
    MOVED_OUT: gettext_lazy("The coordinator took them out of the groups."),
}
UNASSIGNED_OTHER = gettext_lazy("No group could take them within the rules.")

RULES = {
    0: gettext_lazy("Everyone must be in exactly one group or among those not placed."),
    1: gettext_lazy("A group must have between the smallest and the largest group size."),
    2: gettext_lazy("Everyone in a group must be able to meet at the group's weekly time."),
    3: gettext_lazy("Everyone in a group must accept the group's language."),
    4: gettext_lazy(
        "A principal and the staff of their unit, or people to be kept apart, cannot share a group."
    ),
    5: gettext_lazy(
        "People who asked to be together share a group, and pinned people stay in their group."
    ),
    6: gettext_lazy(
        "A mentor leads at most the groups they agreed to, and a fixed group keeps its time, "
        "theme and language."
    ),
    7: gettext_lazy(
        "A group that meets in person is formed within one region, and everyone in a group that "
        "meets online accepts online groups."
    ),
}


def unassigned_sentence(code: str) -> str:
    return str(UNASSIGNED_REASONS.get(code, UNASSIGNED_OTHER))


def placed_sentence(
    *,
    theme_rank: int | None,
    theme: str,
    slot: str,
    language: str,
    units: int,
    novices: int,
    experienced: int,
    online: bool = False,
    pinned: bool = False,
    moved: bool = False,
) -> str:
    """Why a person is in their group, in the active language."""
    if theme_rank == 1:
        wish = _("They got their first choice of theme, %(theme)s.")
    elif theme_rank == 2:
        wish = _("They got their second choice of theme, %(theme)s.")
    elif theme_rank is not None:
        wish = _("They got their third choice of theme, %(theme)s.")
    else:
        wish = _(
            "The theme %(theme)s was not on their list: no group on a theme they listed could "
            "take them within the rules."
        )
    parts = [
        wish % {"theme": theme},
        _("Everyone in the group can meet on %(slot)s, in %(language)s.")
        % {"slot": slot, "language": language},
        *([_("The group meets online, and everyone in it accepts that.")] if online else []),
        ngettext(
            "The members come from %(count)d unit.",
            "The members come from %(count)d units.",
            units,
        )
        % {"count": units},
        _("Novices: %(novices)d, experienced: %(experienced)d.")
        % {"novices": novices, "experienced": experienced},
    ]
    if moved:
        parts.append(_("The coordinator moved them here."))
    if pinned:
        parts.append(_("The coordinator pinned them here."))
    return " ".join(parts)


def violation_sentence(violation: Violation, *, group: str = "", person: str = "") -> str:
    """A broken hard rule, naming the group or the person when known."""
    rule = str(RULES.get(violation.rule, RULES[0]))
    if group:
        return _("%(group)s: %(rule)s") % {"group": group, "rule": rule}
    if person:
        return _("%(person)s: %(rule)s") % {"person": person, "rule": rule}
    return rule
