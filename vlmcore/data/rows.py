"""One flat row per evaluated variant: what ``results.jsonl`` holds, summaries read and the
gate pairs. It sits beside ``Case`` at the bottom of the package: every layer above (metrics,
verdict, engine, report, plugin) speaks it, and it imports nothing of theirs.

A row carries what pairing needs to tell "the same case" from "a case with the same id":
the question text, the expected answer, the relation and the film's content hash."""

from __future__ import annotations

from dataclasses import dataclass, field

from vlmcore.records import from_json, to_json


@dataclass(frozen=True)
class VariantRow:
    model: str
    case_id: str
    group_id: str
    question: str
    relation: str  # base | invariant | inverted | different | related
    strategy: str
    finding: str
    patient_id: str
    image: str
    expected: str
    answer: str  # yes | no | uncertain
    base_answer: str
    p_yes: float
    margin: float
    mass: float
    parse_path: str  # "score" (single forward) or "generate:<rule>"
    map_method: str
    map_fallback: bool
    map_grid: tuple[int, int]
    blank_answer: str | None = None  # the answer with the image blanked
    metrics: dict = field(default_factory=dict)  # map metrics; js_to_base for non-base variants
    image_sha: str = ""  # content hash of the film the model saw (pairing checks it)
    low_mass: bool = False  # p(yes) + p(no) below the floor: the model was not answering yes/no, the answer is unreliable
    map_region: tuple = ()  # (top, left, height, width) film pixels the map's grid covers (LLaVA: the centre crop)
    paraphrase_check: str = ""  # invariant variants: "valid" | "invalid" | "unverified" (check_paraphrase against the base)
    map_sink: str = "raw"  # what was done to attention sinks before the metrics (vlmcore.attention.sinks)

    @property
    def correct(self) -> bool:
        return self.answer == self.expected

    @property
    def verified_paraphrase(self) -> bool:
        """An invariant variant whose meaning check passed (rows written before the check count as verified)."""
        return self.relation == "invariant" and self.paraphrase_check in ("", "valid")

    @property
    def consistent(self) -> bool:
        """For invariant variants: same answer as the group's base question."""
        return self.answer == self.base_answer

    def to_json(self) -> dict:
        return to_json(self)

    @staticmethod
    def from_json(data: dict) -> "VariantRow":
        """Raises ``TypeError`` / ``KeyError`` / ``ValueError`` on a record that is not a row (callers name the file and line)."""
        if not isinstance(data, dict):
            raise TypeError(f"expected an object, got {type(data).__name__}")
        return from_json(VariantRow, data)

    @property
    def cluster(self) -> str:
        """The unit of resampling: the patient, or the film when the dataset has no patient ids."""
        return f"patient:{self.patient_id}" if self.patient_id else f"image:{self.image_sha or self.image}"
