"""Reading and writing the JSON exchange format (docs: /work/shared/grouping-format.md).

Unknown fields are ignored; optional fields may be absent. Bad input raises `FormatError` with a
message that names the offending field.
"""

from __future__ import annotations

import dataclasses
import json
from collections.abc import Mapping
from pathlib import Path
from typing import Any

from .model import (
    Explanation,
    FixedGroup,
    GroupSummary,
    Mentor,
    Participant,
    Pin,
    Problem,
    SizeRule,
    Solution,
    SolvedGroup,
    Unassigned,
    Weights,
)

PROBLEM_FORMAT = "verme-grouping/1"
SOLUTION_FORMAT = "verme-grouping-solution/1"


class FormatError(ValueError):
    """The JSON does not follow the exchange format."""


def _obj(value: Any, where: str) -> Mapping[str, Any]:
    if not isinstance(value, Mapping):
        raise FormatError(f"{where} must be an object")
    return value


def _list(data: Mapping[str, Any], key: str, where: str) -> list[Any]:
    value = data.get(key, [])
    if value is None:
        return []
    if not isinstance(value, list):
        raise FormatError(f"{where}.{key} must be a list")
    return value


def _str(data: Mapping[str, Any], key: str, where: str) -> str:
    value = data.get(key)
    if not isinstance(value, str) or not value:
        raise FormatError(f"{where}.{key} must be a non-empty string")
    return value


def _opt_str(data: Mapping[str, Any], key: str, where: str) -> str | None:
    value = data.get(key)
    if value is None:
        return None
    if not isinstance(value, str):
        raise FormatError(f"{where}.{key} must be a string")
    return value


def _strs(data: Mapping[str, Any], key: str, where: str) -> tuple[str, ...]:
    items = _list(data, key, where)
    if not all(isinstance(item, str) for item in items):
        raise FormatError(f"{where}.{key} must be a list of strings")
    return tuple(items)


def _number(value: Any, where: str) -> float:
    if isinstance(value, bool) or not isinstance(value, int | float):
        raise FormatError(f"{where} must be a number")
    return float(value)


def _pairs(data: Mapping[str, Any], key: str) -> tuple[tuple[str, str], ...]:
    pairs = []
    for index, pair in enumerate(_list(data, key, "problem")):
        if not (
            isinstance(pair, list) and len(pair) == 2 and all(isinstance(x, str) for x in pair)
        ):
            raise FormatError(f"problem.{key}[{index}] must be a pair of identifiers")
        pairs.append((pair[0], pair[1]))
    return tuple(pairs)


def _participant(raw: Any, where: str) -> Participant:
    data = _obj(raw, where)
    years = data.get("years")
    return Participant(
        id=_str(data, "id", where),
        languages=_strs(data, "languages", where),
        slots=_strs(data, "slots", where),
        themes=_strs(data, "themes", where),
        kinds=_strs(data, "kinds", where),
        unit=_opt_str(data, "unit", where),
        years=None if years is None else _number(years, f"{where}.years"),
        role=_opt_str(data, "role", where),
        level=_opt_str(data, "level", where),
        subjects=_strs(data, "subjects", where),
        region=_opt_str(data, "region", where),
        online=bool(data.get("online", False)),
    )


def _mentor(raw: Any, where: str) -> Mentor:
    data = _obj(raw, where)
    capacity = data.get("capacity", 1)
    if isinstance(capacity, bool) or not isinstance(capacity, int) or capacity < 0:
        raise FormatError(f"{where}.capacity must be a whole number of groups")
    return Mentor(
        id=_str(data, "id", where),
        languages=_strs(data, "languages", where),
        slots=_strs(data, "slots", where),
        themes=_strs(data, "themes", where),
        capacity=capacity,
        unit=_opt_str(data, "unit", where),
        region=_opt_str(data, "region", where),
    )


def _fixed_group(raw: Any, where: str) -> FixedGroup:
    data = _obj(raw, where)
    online = data.get("online")
    if online is not None and not isinstance(online, bool):
        raise FormatError(f"{where}.online must be true or false")
    return FixedGroup(
        id=_str(data, "id", where),
        mentor=_str(data, "mentor", where),
        theme=_opt_str(data, "theme", where),
        slot=_opt_str(data, "slot", where),
        language=_opt_str(data, "language", where),
        online=online,
        kind=_opt_str(data, "kind", where),
    )


def weights_from_dict(raw: Any) -> Weights:
    """Weights from a JSON object; absent names keep their defaults, unknown names are ignored."""
    data = _obj(raw, "problem.weights")
    values: dict[str, Any] = {}
    for spec in dataclasses.fields(Weights):
        if spec.name not in data:
            continue
        value = data[spec.name]
        where = f"problem.weights.{spec.name}"
        if spec.name in ("theme_rank", "kind_rank"):
            if not isinstance(value, list) or not value:
                raise FormatError(f"{where} must be a non-empty list of numbers")
            values[spec.name] = tuple(_number(item, where) for item in value)
        else:
            values[spec.name] = _number(value, where)
    return Weights(**values)


def weights_to_dict(weights: Weights) -> dict[str, Any]:
    out: dict[str, Any] = {}
    for spec in dataclasses.fields(Weights):
        value = getattr(weights, spec.name)
        out[spec.name] = list(value) if isinstance(value, tuple) else value
    return out


def problem_from_dict(raw: Any) -> Problem:
    data = _obj(raw, "problem")
    if data.get("format") != PROBLEM_FORMAT:
        raise FormatError(f'problem.format must be "{PROBLEM_FORMAT}"')
    size_data = _obj(data.get("size", {}), "problem.size")
    default = SizeRule()
    size = SizeRule(
        min=int(_number(size_data.get("min", default.min), "problem.size.min")),
        max=int(_number(size_data.get("max", default.max), "problem.size.max")),
        target=int(_number(size_data.get("target", default.target), "problem.size.target")),
    )
    if not 1 <= size.min <= size.max:
        raise FormatError("problem.size needs 1 <= min <= max")
    pins = []
    for index, raw_pin in enumerate(_list(data, "pinned", "problem")):
        where = f"problem.pinned[{index}]"
        pin = _obj(raw_pin, where)
        pins.append(
            Pin(participant=_str(pin, "participant", where), group=_str(pin, "group", where))
        )
    limit = data.get("time_limit_s")
    return Problem(
        participants=tuple(
            _participant(item, f"problem.participants[{i}]")
            for i, item in enumerate(_list(data, "participants", "problem"))
        ),
        mentors=tuple(
            _mentor(item, f"problem.mentors[{i}]")
            for i, item in enumerate(_list(data, "mentors", "problem"))
        ),
        size=size,
        slots=_strs(data, "slots", "problem"),
        groups=tuple(
            _fixed_group(item, f"problem.groups[{i}]")
            for i, item in enumerate(_list(data, "groups", "problem"))
        ),
        apart=_pairs(data, "apart"),
        together=_pairs(data, "together"),
        supervises=_pairs(data, "supervises"),
        pinned=tuple(pins),
        weights=weights_from_dict(data.get("weights") or {}),
        time_limit_s=None if limit is None else _number(limit, "problem.time_limit_s"),
    )


def _without_none(data: dict[str, Any]) -> dict[str, Any]:
    return {key: value for key, value in data.items() if value is not None and value != []}


def problem_to_dict(problem: Problem) -> dict[str, Any]:
    def person(p: Participant) -> dict[str, Any]:
        out = _without_none(
            {
                "id": p.id,
                "languages": list(p.languages),
                "unit": p.unit,
                "themes": list(p.themes),
                "kinds": list(p.kinds),
                "slots": list(p.slots),
                "years": p.years,
                "role": p.role,
                "level": p.level,
                "subjects": list(p.subjects),
                "region": p.region,
            }
        )
        out["online"] = p.online
        return out

    data: dict[str, Any] = {
        "format": PROBLEM_FORMAT,
        "size": dataclasses.asdict(problem.size),
        "slots": list(problem.slots),
        "participants": [person(p) for p in problem.participants],
        "mentors": [
            _without_none(
                {
                    "id": m.id,
                    "languages": list(m.languages),
                    "unit": m.unit,
                    "themes": list(m.themes),
                    "slots": list(m.slots),
                    "capacity": m.capacity,
                    "region": m.region,
                }
            )
            for m in problem.mentors
        ],
        "groups": [_without_none(dataclasses.asdict(g)) for g in problem.groups],
        "apart": [list(pair) for pair in problem.apart],
        "together": [list(pair) for pair in problem.together],
        "supervises": [list(pair) for pair in problem.supervises],
        "pinned": [{"participant": p.participant, "group": p.group} for p in problem.pinned],
        "weights": weights_to_dict(problem.weights),
    }
    if problem.time_limit_s is not None:
        data["time_limit_s"] = problem.time_limit_s
    return data


def _summary(raw: Any) -> GroupSummary | None:
    if not isinstance(raw, Mapping):
        return None
    try:
        return GroupSummary(**{f.name: raw[f.name] for f in dataclasses.fields(GroupSummary)})
    except (KeyError, TypeError):
        return None


def solution_from_dict(raw: Any) -> Solution:
    data = _obj(raw, "solution")
    if data.get("format") != SOLUTION_FORMAT:
        raise FormatError(f'solution.format must be "{SOLUTION_FORMAT}"')
    groups = []
    for index, raw_group in enumerate(_list(data, "groups", "solution")):
        where = f"solution.groups[{index}]"
        group = _obj(raw_group, where)
        groups.append(
            SolvedGroup(
                id=_str(group, "id", where),
                mentor=_str(group, "mentor", where),
                theme=_opt_str(group, "theme", where) or "",
                slot=_opt_str(group, "slot", where) or "",
                language=_opt_str(group, "language", where) or "",
                online=bool(group.get("online", False)),
                members=_strs(group, "members", where),
                kind=_opt_str(group, "kind", where) or "theme",
                focus=_opt_str(group, "focus", where),
                summary=_summary(group.get("summary")),
            )
        )
    unassigned = []
    for index, raw_item in enumerate(_list(data, "unassigned", "solution")):
        where = f"solution.unassigned[{index}]"
        item = _obj(raw_item, where)
        unassigned.append(
            Unassigned(
                id=_str(item, "id", where),
                reason=_opt_str(item, "reason", where) or "",
                code=_opt_str(item, "code", where) or "unassigned",
            )
        )
    texts = _obj(data.get("explanations") or {}, "solution.explanations")
    details = {
        str(item.get("participant")): item
        for item in _list(data, "explanation_details", "solution")
        if isinstance(item, Mapping)
    }
    explanations = []
    for person_id, text in texts.items():
        detail = details.get(person_id, {})
        explanations.append(
            Explanation(
                participant=person_id,
                code=str(detail.get("code", "")),
                text=str(text),
                group=detail.get("group"),
                theme_rank=detail.get("theme_rank"),
                slot=detail.get("slot"),
                units=detail.get("units"),
                novices=detail.get("novices"),
                experienced=detail.get("experienced"),
                params=tuple((str(k), str(v)) for k, v in dict(detail.get("params") or {}).items()),
            )
        )

    def number(key: str) -> float:
        value = data.get(key)
        return 0.0 if value is None else _number(value, f"solution.{key}")

    return Solution(
        status=_opt_str(data, "status", "solution") or "feasible",
        objective=number("objective"),
        bound=number("bound"),
        seconds=number("seconds"),
        groups=tuple(groups),
        unassigned=tuple(unassigned),
        explanations=tuple(explanations),
        penalty=number("penalty"),
        penalty_bound=number("penalty_bound"),
        notes=_strs(data, "notes", "solution"),
    )


def solution_to_dict(solution: Solution) -> dict[str, Any]:
    groups = []
    for group in solution.groups:
        out: dict[str, Any] = {
            "id": group.id,
            "mentor": group.mentor,
            "theme": group.theme,
            "slot": group.slot,
            "language": group.language,
            "online": group.online,
            "members": list(group.members),
            "kind": group.kind,
        }
        if group.focus is not None:
            out["focus"] = group.focus
        if group.summary is not None:
            out["summary"] = dataclasses.asdict(group.summary)
        groups.append(out)
    details = []
    for item in solution.explanations:
        detail = _without_none(dataclasses.asdict(item))
        detail.pop("text", None)
        detail["params"] = dict(item.params)
        details.append(detail)
    return {
        "format": SOLUTION_FORMAT,
        "status": solution.status,
        "objective": solution.objective,
        "bound": solution.bound,
        "gap": None if solution.gap == float("inf") else round(solution.gap, 6),
        "penalty": solution.penalty,
        "penalty_bound": solution.penalty_bound,
        "seconds": solution.seconds,
        "groups": groups,
        "unassigned": [
            {"id": item.id, "reason": item.reason, "code": item.code}
            for item in solution.unassigned
        ],
        "explanations": {item.participant: item.text for item in solution.explanations},
        "explanation_details": details,
        "notes": list(solution.notes),
    }


def read_json(path: Path) -> Any:
    with path.open(encoding="utf-8") as handle:
        return json.load(handle)


def write_json(path: Path, data: Any) -> None:
    with path.open("w", encoding="utf-8") as handle:
        json.dump(data, handle, ensure_ascii=False, indent=2)
        handle.write("\n")
