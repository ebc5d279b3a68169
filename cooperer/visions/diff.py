"""A readable comparison of two versions of a vision: the statement word by word, elements, outcomes and
assumptions matched by their key (kept across versions), each added, removed, changed or unchanged."""

import difflib
from dataclasses import dataclass, field

from cooperer.visions.models import VisionVersion


@dataclass
class Change:
    state: str  # "ajouté", "retiré", "modifié", "inchangé"
    old: str = ""
    new: str = ""
    words: list[tuple[str, str]] = field(default_factory=list)  # (op, text): op in "", "ins", "del"


def word_diff(old: str, new: str) -> list[tuple[str, str]]:
    left, right = old.split(), new.split()
    parts: list[tuple[str, str]] = []
    for op, i1, i2, j1, j2 in difflib.SequenceMatcher(a=left, b=right, autojunk=False).get_opcodes():
        if op == "equal":
            parts.append(("", " ".join(left[i1:i2])))
            continue
        if op in ("delete", "replace"):
            parts.append(("del", " ".join(left[i1:i2])))
        if op in ("insert", "replace"):
            parts.append(("ins", " ".join(right[j1:j2])))
    return parts


def _match(old_items: dict[str, str], new_items: dict[str, str]) -> list[Change]:
    changes = []
    for key, text in new_items.items():
        if key not in old_items:
            changes.append(Change("ajouté", new=text, words=[("ins", text)]))
        elif old_items[key] != text:
            changes.append(Change("modifié", old_items[key], text, word_diff(old_items[key], text)))
        else:
            changes.append(Change("inchangé", text, text, [("", text)]))
    for key, text in old_items.items():
        if key not in new_items:
            changes.append(Change("retiré", old=text, words=[("del", text)]))
    return changes


def compare_versions(old: VisionVersion, new: VisionVersion) -> dict:
    def outcomes(version):
        return {
            key: f"{text} ({horizon_label(horizon)})"
            for key, text, horizon in version.outcomes.values_list("key", "text", "horizon")
        }

    def assumptions(version):
        from cooperer.visions.enums import AssumptionStatus

        return {
            key: f"{text} — {AssumptionStatus(status).label.lower()}"
            for key, text, status in version.assumptions.values_list("key", "text", "status")
        }

    elements = _match(
        dict(old.elements.values_list("key", "text")), dict(new.elements.values_list("key", "text"))
    )
    result = {
        "statement": word_diff(old.statement, new.statement),
        "statement_changed": old.statement != new.statement,
        "elements": elements,
        "outcomes": _match(outcomes(old), outcomes(new)),
        "assumptions": _match(assumptions(old), assumptions(new)),
    }
    result["unchanged"] = not result["statement_changed"] and all(
        change.state == "inchangé"
        for key in ("elements", "outcomes", "assumptions")
        for change in result[key]
    )
    return result


def horizon_label(value: str) -> str:
    from cooperer.visions.enums import Horizon

    return Horizon(value).label.lower()
