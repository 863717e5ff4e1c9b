"""Every rate and measure vlmcore reports, declared once (``specs`` says what each field means).

The thresholds schema (``[thresholds]`` bars, ``[gate]`` margins), the first-run checks and
their pytest cases, the gate's default rates, the model summary, the scorecard, the
comparison columns and the order in which the report lists checks all read these
declarations, so a number means the same thing everywhere it appears. Add a rate by adding a
``RateSpec`` here (and, when it needs one, the row field it reads).
"""

from __future__ import annotations

from vlmcore.data.rows import VariantRow
from vlmcore.metrics.specs import CaseCheck, CheckSpec, Direction, Level, MeasureSpec, RateSpec, Scope, Unit


def _invariant(row: VariantRow) -> bool:
    return row.relation == "invariant"


def _compared(row: VariantRow) -> bool:
    """A verified paraphrase whose answer and base answer were both read: a pair with a ``none``
    side cannot be compared and is left out (``vlmcore.answers.read``: how outcomes count)."""
    return row.verified_paraphrase and row.comparable


def _blank_compared(row: VariantRow) -> bool:
    return row.blank_answer is not None and row.blank_answer != "none" and row.answer != "none"


def _base_map(row: VariantRow) -> bool:
    """Map-shape measures are taken on each group's base question, so a model with more
    paraphrases per group does not weigh more; only maps read at the answer count."""
    return row.relation == "base" and not row.map_fallback and row.map_at_answer


#: the probes the grounding rate, the gate and the quadrant count; ``mirror_laterality`` and ``marker_occlusion``
#: are diagnostics (docs/grounding.md says why)
GROUNDING_PROBES = ("label_swap", "lesion_occlusion")


def _probe(row: VariantRow, kind: str) -> bool:
    return row.probe is not None and row.probe.kind == kind


def _probe_family(row: VariantRow) -> str | None:
    """The counterfactual probe family of a trial row (``Scope.PROBE``); None for a question's own row."""
    return row.probe.kind if row.probe is not None else None


def _metric(key: str):
    return lambda row: row.metrics.get(key)


RATE_SPECS: tuple[RateSpec, ...] = (
    RateSpec("consistency", "consistency",
             "share of meaning-preserving paraphrases (verified by check_paraphrase) answered as their group's base question",
             True, _compared, lambda r: r.consistent, bar=0.9, gated=True, new_flips=True,
             checks=(CheckSpec(Scope.MODEL), CheckSpec(Scope.FINDING, "finding_consistency", 0.9),
                     CheckSpec(Scope.STRATEGY, "strategy_consistency", 0.9)),
             gate_scopes=(Scope.MODEL, Scope.FINDING, Scope.STRATEGY), case="test_group_consistency"),
    RateSpec("fully_consistent_groups", "fully consistent groups",
             "share of groups whose every verified paraphrase kept the base answer", True,
             _compared, lambda r: r.consistent, margin=None, unit=Unit.GROUP),
    RateSpec("flip_rate", "flip rate", "1 - consistency: share of verified paraphrases whose answer differs from the base's",
             False, _compared, lambda r: not r.consistent, margin=None),
    RateSpec("accuracy", "accuracy (all cases)", "share of all cases answered with the expected answer", True,
             lambda r: not r.is_probe, lambda r: r.correct, bar=0.7, gated=True,
             checks=(CheckSpec(Scope.MODEL), CheckSpec(Scope.FINDING)), gate_scopes=(Scope.MODEL, Scope.FINDING),
             case="test_group_accuracy"),
    RateSpec("inverted_flip_rate", "inverted controls answered differently",
             "share of negated / side-swapped controls whose answer differs from the base question's", True,
             lambda r: r.relation == "inverted" and r.comparable, lambda r: r.answer != r.base_answer, bar=0.75, gated=True,
             checks=(CheckSpec(Scope.MODEL),), case="test_inverted_answer_flips", case_level=Level.GROUP),
    # -- does the answer come from the film? (vlmcore.grounding; docs/grounding.md) --------------------------
    RateSpec("label_swap", "answers follow the film (label swap)",
             "the base question asked on another patient's film whose label differs and on one whose label is the same: "
             "share of trials where the answer changed exactly when the label did (0.5 = ignores the film)",
             True, lambda r: _probe(r, "label_swap"), lambda r: r.follows_film, bar=0.7, margin=0.03,
             checks=(CheckSpec(Scope.MODEL),), case="test_group_label_swap"),
    RateSpec("lesion_occlusion", "the lesion carries the answer (lesion vs remote occlusion)",
             "a present finding asked with its lesion hidden (answer should be no) and with an equal area elsewhere inside "
             "the body hidden (answer should stay yes): share of trials answered so (0.5 = the lesion matters no more than "
             "any other place)", True, lambda r: _probe(r, "lesion_occlusion"), lambda r: r.follows_film, bar=0.65,
             margin=0.03, checks=(CheckSpec(Scope.MODEL),), case="test_group_lesion_occlusion"),
    RateSpec("mirror_laterality", "laterality follows the mirrored film (diagnostic)",
             "lateral questions on the film flipped left-right (heart on the other side): share where the answer swapped "
             "with its mirror question's exactly when the sides' labels differ (0.5 = sides not read from the image's left "
             "and right); a diagnostic: the flip moves the heart with the lesion, so a model that orients by the heart reads "
             "the film yet scores as one that ignores sides (docs/grounding.md)",
             True, lambda r: _probe(r, "mirror_laterality"), lambda r: r.follows_film, bar=0.65, margin=0.03,
             checks=(CheckSpec(Scope.MODEL, gating=False),), case="test_group_mirror_laterality"),
    RateSpec("grounding", "grounding (label swap and lesion occlusion)",
             "share of the gating counterfactual probes' trials (label swap, lesion occlusion) where the answer followed the "
             "film; the gate tests it over both and per probe family", True,
             lambda r: r.is_probe and r.probe.kind in GROUNDING_PROBES, lambda r: r.follows_film, margin=0.03, gated=True,
             gate_scopes=(Scope.MODEL, Scope.PROBE), probe_family=_probe_family),
    RateSpec("marker_reliance", "answers unchanged with burned-in markers hidden",
             "where the film's burned-in markers outside the body are known: share of present-finding answers unchanged "
             "when they are hidden (low: the answer reads the marker, not the patient)", True,
             lambda r: _probe(r, "marker_occlusion"), lambda r: r.follows_film, margin=None),
    # -- the blank film: a diagnostic of the model's prior, never gating (docs/grounding.md) --------------------
    RateSpec("image_reliance", "blank-film agreement (the model's prior; diagnostic)",
             "share of answers unchanged when the film is replaced by a blank one: it mixes the model's prior on a film "
             "far outside its training with its answers on real films, so it measures the prior, not grounding",
             False, lambda r: r.blank_answer is not None, lambda r: r.blank_answer == r.answer, margin=None),
    RateSpec("blank_yes_rate", "yes on the blank film (the model's prior)",
             "share of questions answered yes on a blank film: the model's prior for each question, without a film",
             False, lambda r: r.blank_answer is not None, lambda r: r.blank_answer == "yes", margin=None),
    RateSpec("uncertain_share", "answers read as uncertain",
             "share of cases whose generated answer hedged (read as uncertain): never right, reported apart from wrong answers",
             False, lambda r: True, lambda r: r.answer == "uncertain"),
    RateSpec("no_answer_share", "no answer read",
             "share of cases with nothing to read in the generated text (empty, refused, reasoning cut off by the token budget): "
             "never right, reported apart from wrong answers; above [answers] max_no_answer_share the model is NOT EVALUATED",
             False, lambda r: True, lambda r: r.answer == "none"),
)

MEASURE_SPECS: tuple[MeasureSpec, ...] = (
    MeasureSpec("js_divergence", "JS divergence to the base map (base 2)", Direction.LOWER, _metric("js_to_base"), _invariant,
                bar=0.15, case="test_group_attention_js", case_level=Level.GROUP, summary=True, compare=False),
    MeasureSpec("js_unchanged", "JS to base map, answer unchanged", Direction.DESCRIPTIVE, _metric("js_to_base"),
                lambda r: r.verified_paraphrase and r.consistent),
    MeasureSpec("js_changed", "JS to base map, answer changed", Direction.DESCRIPTIVE, _metric("js_to_base"),
                lambda r: r.verified_paraphrase and not r.consistent),
    MeasureSpec("entropy", "map entropy (normalised: 1 = uniform)", Direction.DESCRIPTIVE,
                lambda r: 1 - r.metrics["focus"] if "focus" in r.metrics else None, _base_map),
    MeasureSpec("patient_right", "map mass on the patient's right", Direction.DESCRIPTIVE, _metric("patient_right"), _base_map),
    MeasureSpec("patient_left", "map mass on the patient's left", Direction.DESCRIPTIVE, _metric("patient_left"), _base_map),
    MeasureSpec("apical", "map mass apical (upper half)", Direction.DESCRIPTIVE, _metric("apical"), _base_map),
    MeasureSpec("basal", "map mass basal (lower half)", Direction.DESCRIPTIVE, _metric("basal"), _base_map),
    MeasureSpec("inside_body_ratio", "map mass inside the body / body's area share (1 = uniform)", Direction.HIGHER,
                _metric("inside_body_ratio"), _base_map, bar=1.0, bar_range=(0.0, 100.0), case="test_group_attention_inside_body",
                case_level=Level.GROUP),
    MeasureSpec("border_ratio", "map mass on the border ring / ring's area share (1 = uniform)", Direction.LOWER,
                _metric("border_ratio"), _base_map, bar=1.5, bar_range=(0.0, 100.0), case="test_group_attention_off_border",
                case_level=Level.GROUP),
)

#: benchmark functions that judge something other than a declared rate or measure
CASE_CHECKS: tuple[CaseCheck, ...] = (
    CaseCheck("test_no_flipping_paraphrase", Level.GROUP, {"flip_search_budget": (("int", 0, 10_000), 20)}),
    CaseCheck("test_group_maps_measured", Level.GROUP, {"allow_fallback_maps": (("bool",), False)}),
)

RATES: dict[str, RateSpec] = {spec.name: spec for spec in RATE_SPECS}
MEASURES: dict[str, MeasureSpec] = {spec.name: spec for spec in MEASURE_SPECS}


def register_rate(spec: RateSpec) -> RateSpec:
    """Add a rate (a plugin's, or a test's); its name must be new."""
    if spec.name in RATES or spec.name in MEASURES:
        raise ValueError(f"a rate or measure named {spec.name!r} is already declared")
    RATES[spec.name] = spec
    return spec


def gateable() -> list[str]:
    """Rates the gate can take (those with a margin), in declaration order."""
    return [name for name, spec in RATES.items() if spec.margin is not None]


def first_run_checks_declared() -> list[tuple[RateSpec, CheckSpec]]:
    """Every (rate, check) pair: model-level, then per-finding, then per-strategy checks (declaration order within)."""
    pairs = [(rate, check) for rate in RATES.values() for check in rate.checks]
    return sorted(pairs, key=lambda pair: list(Scope).index(pair[1].scope))


def check_named(name: str) -> tuple[RateSpec, CheckSpec]:
    """The (rate, check) a check name belongs to; an unknown name lists the declared ones."""
    declared = {check.name(rate.name): (rate, check) for rate, check in first_run_checks_declared()}
    if name not in declared:
        raise KeyError(f"no first-run check named {name!r}; declared: {sorted(declared)}")
    return declared[name]


def report_order() -> list[str]:
    """The benchmark functions in the order the report lists checks that did not hold: model-level
    checks, per-group checks, per-finding / per-strategy checks, per-case checks; within a level,
    in declaration order."""
    placed: list[tuple[int, int, str]] = []
    for rate, check in first_run_checks_declared():
        placed.append((Level.MODEL if check.scope is Scope.MODEL else Level.SUBGROUP, len(placed), f"test_{check.name(rate.name)}"))
    for spec in list(RATES.values()) + list(MEASURES.values()):
        if spec.case:
            placed.append((spec.case_level, len(placed), spec.case))
    placed += [(check.level, len(placed), check.function) for check in CASE_CHECKS]
    return [name for _, _, name in sorted(placed)]
