"""One flat row per evaluated variant: what ``results.jsonl`` holds, summaries read and the
gate pairs. It sits beside ``Case`` at the bottom of the package: every layer above (metrics,
verdict, engine, report, plugin) speaks it, and it imports nothing of theirs.

A row carries what pairing needs to tell "the same case" from "a case with the same id":
the question text, the expected answer, the relation and the film's content hash.

A counterfactual probe's trial (``vlmcore.grounding``) is a row too, with ``relation``
``"counterfactual"`` and a ``probe`` record saying which film it saw instead and what its answer
is compared with; every dataset rate leaves such rows out (``is_probe``)."""

from __future__ import annotations

from dataclasses import dataclass, field

from vlmcore.records import from_json, to_json


#: the relation of a counterfactual probe's row (never a dataset case's: ``vlmcore.data.case.RELATIONS``)
COUNTERFACTUAL = "counterfactual"


@dataclass(frozen=True)
class Probe:
    """What a counterfactual trial showed the model and what its answer is judged against.

    ``kind``: the probe family (``label_swap``, ``lesion_occlusion``, ``mirror_laterality``, ``marker_occlusion``);
    ``arm``: the trial's side of the balanced design (``differs`` / ``same``, ``lesion`` / ``remote``,
    ``swap`` / ``keep``, ``marker``); ``film``: the counterfactual film in words; ``source_case``: the
    case on the original film the answer is compared with, whose answer and label are ``reference_answer``
    and ``reference_expected``; ``source_sha`` / ``source_image``: the original film's content hash (the
    cluster when the dataset has no patient ids) and file name.
    """

    kind: str
    arm: str
    film: str
    source_case: str
    reference_answer: str
    reference_expected: str
    source_sha: str = ""
    source_image: str = ""  # the original film's file name (what ``vlmcore explain`` opens)


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
    answer: str  # yes | no | uncertain | none (nothing read from a generated text)
    base_answer: str
    p_yes: float
    margin: float
    mass: float
    parse_path: str  # "score" (single forward) or "generate:<the reader's rule>"
    map_method: str
    map_fallback: bool
    map_grid: tuple[int, int]
    blank_answer: str | None = None  # the answer with the image blanked
    metrics: dict = field(default_factory=dict)  # map metrics; js_to_base for non-base variants
    image_sha: str = ""  # content hash of the film the model saw (pairing checks it)
    low_mass: bool = False  # p(yes) + p(no) below the floor: the model was not answering yes/no, the answer is unreliable
    map_region: tuple = ()  # (top, left, height, width) film pixels the map's grid covers (LLaVA: the centre crop)
    paraphrase_check: str = ""  # invariant variants: "valid" | "invalid" | "unverified" (check_paraphrase against the base)
    answer_mode: str = "score"  # how the answer was obtained: "score" (first token) | "generate" (text, read)
    generated_text: str = ""  # the generated text, bounded (head and tail: ``answers.settings.bounded_text``)
    reasoning: str = ""  # generated: the reasoning format the reader found (plain | think | gemma)
    generation_finished: bool | None = None  # generated: the model ended its turn (False: the token budget cut it off)
    map_query: str = "answer"  # where the map was read ("answer": the first answer token; or the generated answer's position)
    map_at_answer: bool = True  # False: no answer position (nothing read, a hedge): the map is not the answer's
    map_sink: str = "raw"  # what was done to attention sinks before the metrics (vlmcore.attention.sinks)
    probe: Probe | None = None  # a counterfactual trial (relation "counterfactual"); None for a dataset case

    @property
    def is_probe(self) -> bool:
        return self.probe is not None

    @property
    def follows_film(self) -> bool:
        """A counterfactual trial's success: the answer followed the film.

        Occlusion: the answer is the counterfactual film's label (``expected``: "no" once the
        lesion is hidden, "yes" when an equal area elsewhere is); every other probe: the answer
        changed from the original film's (``reference_answer``) exactly when the label did.
        """
        if self.probe is None:
            raise ValueError(f"{self.case_id} is a dataset case, not a counterfactual trial")
        if self.probe.kind in ("lesion_occlusion",):
            return self.answer == self.expected
        return (self.answer != self.probe.reference_answer) == (self.expected != self.probe.reference_expected)

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

    @property
    def comparable(self) -> bool:
        """Both this answer and the base question's were read (a ``none`` side cannot be compared;
        ``vlmcore.answers.read``: how outcomes count)."""
        return self.answer != "none" and self.base_answer != "none"

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
        if self.patient_id:
            return f"patient:{self.patient_id}"
        if self.probe is not None:  # a counterfactual film belongs to the film it was made from
            return f"image:{self.probe.source_sha or self.image}"
        return f"image:{self.image_sha or self.image}"
