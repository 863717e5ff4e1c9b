"""A one-screen summary of a dataset: what will be measured, before any model loads."""

from __future__ import annotations

from collections import Counter

from vlmcore.data.case import Dataset


def _counts(counter: Counter, limit: int = 8) -> str:
    items = counter.most_common()
    shown = ", ".join(f"{name} {count}" for name, count in items[:limit])
    rest = len(items) - limit
    return shown + (f", ... (+{rest} more)" if rest > 0 else "")


def summarise(dataset: Dataset) -> str:
    cases = dataset.cases
    relations = Counter(case.relation for case in cases)
    lines = [
        f"dataset   {dataset.path} (schema: {dataset.schema})",
        f"groups    {len(dataset.groups)}   cases {len(cases)}   images {len({c.image_path for c in cases})}"
        f"   patients {len({c.patient_id for c in cases if c.patient_id})}",
        f"relations {_counts(relations)}",
        f"strategies {_counts(Counter(c.strategy for c in cases if not c.is_base))}",
        f"findings  {_counts(Counter(g.finding for g in dataset.groups))}",
        f"answers   {_counts(Counter(c.expected_answer for c in cases))}",
        f"splits    {_counts(Counter(c.split or '-' for c in cases))}",
    ]
    lines += [f"note      {note}" for note in dataset.notes]
    return "\n".join(lines)
