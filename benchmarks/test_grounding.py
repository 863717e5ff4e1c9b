"""Per paraphrase group: does the answer come from the film? (``vlmcore.grounding``; docs/grounding.md)

Each probe changes the film and checks that the group's base question follows it:
- label swap: asked on another patient's film whose label differs, the answer changes; on one whose
  label is the same, it does not;
- lesion occlusion: with the lesion hidden the answer becomes no; with an equal area elsewhere inside
  the body hidden it stays yes;
- mirror laterality: on the film flipped left-right (heart on the other side), "left X?" answers as
  "right X?" did on the original exactly when the two sides' labels differ.

Diagnostics, like the other per-group cases: a group that does not hold is xfail with both answers;
the verdict comes from each probe's model-level rate (test_model.py: ``test_label_swap``, ...) or the
gate (``grounding`` over all probes and per probe family). The blank film is not a probe: it
measures the model's prior, not its use of the film."""


def _explain(rows) -> str:
    return "; ".join(f"[{r.probe.arm}] {r.question!r}: {r.probe.reference_answer} on the original film -> {r.answer} on "
                     f"{r.probe.film} (label {r.probe.reference_expected} -> {r.expected})" for r in rows if not r.follows_film)


def _judge(vlm, model: str, group: str, kind: str, what: str) -> None:
    rows = vlm.trials(model, group, kind)
    followed = sum(r.follows_film for r in rows)
    vlm.expect(bool(rows) and followed == len(rows), f"{what}: {followed} of {len(rows)} trials followed the film: "
               f"{_explain(rows) or 'no trial could be made (see the run events)'}", level="case")


def test_group_label_swap(vlm, vlm_model, vlm_label_swap):
    _judge(vlm, vlm_model, vlm_label_swap, "label_swap", "label swap")


def test_group_lesion_occlusion(vlm, vlm_model, vlm_lesion_occlusion):
    _judge(vlm, vlm_model, vlm_lesion_occlusion, "lesion_occlusion", "lesion vs remote occlusion")


def test_group_mirror_laterality(vlm, vlm_model, vlm_mirror_laterality):
    _judge(vlm, vlm_model, vlm_mirror_laterality, "mirror_laterality", "mirrored film")
