"""What a table's labels say about it: the features each layout scores a table by."""

from __future__ import annotations

import re
from dataclasses import dataclass
from functools import lru_cache

from jixiao.extract.model import Table
from jixiao.normalize.labels import fold, match

# A self-evaluation (绩效自评表) reports results, not goals: no layout reads it.
_SELF_EVALUATION = re.compile(r"^(?:实际完成(?:值|情况)?|(?:全年)?执行数|执行率|(?:自评)?得分|偏差原因.*)$")
_HEBEI = ("资金支出计划", "支出计划", "资金支出进度", "预算支出计划", "预算规模及资金用途")


@dataclass(frozen=True)
class Signature:
    fields: frozenset[str]  # vocabulary fields its label cells name exactly or by pattern
    indicator_header: bool
    money: bool
    hebei: bool
    self_evaluation: bool

    def has(self, *fields: str) -> bool:
        return any(f in self.fields for f in fields)


def signature(table: Table) -> Signature:
    fields: set[str] = set()
    hebei = self_evaluation = False
    for text in {cell.text for cell in table.cells}:  # each printed text once
        if len(text) <= 40:  # a sentence is no label: skip it before folding
            label = _label(text)
            if label is not None:
                fields.update(label.fields)
                hebei = hebei or label.hebei
                self_evaluation = self_evaluation or label.self_evaluation
    return Signature(
        fields=frozenset(fields),
        indicator_header="indicator.level1" in fields,
        money=any(f.startswith("project.budget_") for f in fields) or "block.money" in fields,
        hebei=hebei,
        self_evaluation=self_evaluation,
    )


@dataclass(frozen=True)
class _Label:
    fields: frozenset[str]  # the fields it names exactly or by pattern
    hebei: bool
    self_evaluation: bool


@lru_cache(maxsize=16384)
def _label(text: str) -> _Label | None:
    """What a cell's label says about its table; None when the cell is no label."""
    label = fold(text).text
    if not label or len(label) > 16:
        return None
    found = (match(text, group, fuzzy=False) for group in ("project", "indicator", "department", "block", "task"))
    return _Label(frozenset(m.field for m in found if m), label in _HEBEI, _SELF_EVALUATION.search(label) is not None)
