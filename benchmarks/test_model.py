"""Per model, per finding, per strategy: the aggregates the first-run verdict is made of.

One case per check that a rate declares (``vlmcore.metrics.rates``: consistency, accuracy and
negation, label swap and lesion occlusion per model; consistency and accuracy per finding; consistency per strategy), so a
new rate's check is a case here without a new function. Each fails only when the check's
one-sided confidence bound (clustered by patient, familywise-corrected across all of the
model's checks) rules out the threshold, and its message gives the value, the interval and the
bound. With ``--vlm-baseline`` the candidate faces them too (beside the gate), each failure marked
new or pre-existing against the baseline's own rows (docs/verdict.md)."""

from vlmcore.plugin.cases import first_run_cases

globals().update(first_run_cases())  # test_consistency, test_accuracy, test_label_swap, test_lesion_occlusion, test_finding_consistency, ...
