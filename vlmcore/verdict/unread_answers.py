"""A verdict is never drawn from answers that were not read.

Two ways a model's rows can hold answers that are not its answers (bounds in ``[answers]``,
``vlmcore.answers.settings``):

- **low mass at the first token** (``max_low_mass_share``): answers taken as p(yes) vs p(no) at
  the first token where p(yes) + p(no) was below ``min_answer_mass``. The model was saying
  something else there (a preamble, reasoning): its "answer" is first-token noise. In ``auto``
  mode those rows generate instead, so this happens in ``score`` mode, or with an adapter that
  cannot generate. A model judged on noise would FAIL (or PASS) for nothing it said.
- **nothing to read** (``max_no_answer_share``): generated texts with no answer in them (empty,
  refused, reasoning cut off by the token budget).

Above either bound the model is NOT EVALUATED with the share and the way out, whatever its
checks said (never FAIL, never PASS); the rows and checks are still reported.
"""

from __future__ import annotations

from collections import defaultdict

from vlmcore.answers.settings import AnswerSettings
from vlmcore.data.rows import VariantRow


def unread_answers(rows: list[VariantRow], settings: AnswerSettings, mass_floor: float) -> dict[str, str]:
    """model -> why its answers cannot be judged (models whose answers can are absent)."""
    by_model: dict[str, list[VariantRow]] = defaultdict(list)
    for row in rows:
        by_model[row.model].append(row)
    reasons = {}
    for model, own in sorted(by_model.items()):
        low = sum(r.answer_mode == "score" and r.low_mass for r in own) / len(own)
        none = sum(r.answer == "none" for r in own) / len(own)
        found = []
        if low > settings.max_low_mass_share:
            found.append(f"{low:.0%} of its answers were read at a first token where p(yes) + p(no) < {mass_floor} "
                         f"(more than [answers] max_low_mass_share {settings.max_low_mass_share}): the model answers after "
                         "a preamble or reasoning, so the first token is not its answer; run with --vlm-answer-mode auto "
                         "(or [answers] mode = \"auto\") to read its generated answers")
        if none > settings.max_no_answer_share:
            cut = sum(r.answer == "none" and r.parse_path == "generate:reasoning-cut-off" for r in own)
            detail = f"; {cut} with the reasoning cut off by the token budget (raise [answers] reasoning_max_new_tokens)" if cut else ""
            found.append(f"{none:.0%} of its generated answers had nothing to read (empty, refused or cut off; more than "
                         f"[answers] max_no_answer_share {settings.max_no_answer_share}){detail}")
        if found:
            reasons[model] = "answers not read: " + "; ".join(found)
    return reasons
