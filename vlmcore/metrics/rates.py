"""The headline rates, defined once: which rows a rate is measured on, what counts as a
success, and which direction is good. Summaries, the first-run checks and the regression
gate all read these definitions, so a number means the same thing everywhere it appears.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Callable

from vlmcore.data.rows import VariantRow


@dataclass(frozen=True)
class Rate:
    name: str
    applies: Callable[[VariantRow], bool]
    success: Callable[[VariantRow], bool]
    higher_is_better: bool
    meaning: str

    @property
    def direction(self) -> str:
        return "higher is better" if self.higher_is_better else "lower is better"


RATES: dict[str, Rate] = {rate.name: rate for rate in (
    Rate("consistency", lambda r: r.verified_paraphrase, lambda r: r.consistent, True,
         "share of meaning-preserving paraphrases (verified by check_paraphrase) answered as their group's base question"),
    Rate("accuracy", lambda r: True, lambda r: r.correct, True, "share of all cases answered with the expected answer"),
    Rate("inverted_flip_rate", lambda r: r.relation == "inverted", lambda r: r.answer != r.base_answer, True,
         "share of negated / side-swapped controls whose answer differs from the base question's"),
    Rate("image_reliance", lambda r: r.blank_answer is not None, lambda r: r.blank_answer == r.answer, False,
         "share of answers unchanged when the film is replaced by a blank one (lower is better: the answer uses the image)"),
)}


def rate_value(rows: list[VariantRow], name: str) -> float | None:
    rate = RATES[name]
    applicable = [r for r in rows if rate.applies(r)]
    return sum(map(rate.success, applicable)) / len(applicable) if applicable else None
