"""Per group: Hypothesis looks for a valid paraphrase that flips the answer and shrinks it.

A flip found is a robustness finding (a diagnostic: xfail unless ``--vlm-case-checks gate``);
the minimal paraphrase is in the message and the report. The search is derandomized (the same examples every run, so the gate does not
flicker), and a flip found is stored (reports/flip-store/, keyed by model fingerprint and
group) and replayed first on the next run."""


def test_no_flipping_paraphrase(vlm, vlm_model, vlm_group):
    result = vlm.flip_search(vlm_model, vlm_group)
    if not result.found:
        return
    vlm.expect(False, f"{result.question!r} flips to {result.paraphrase!r} via "
               f"{', '.join(result.transforms)} (margin {result.base_margin:+.2f} -> {result.margin:+.2f}, "
               f"{result.examples} examples)", level="case")
