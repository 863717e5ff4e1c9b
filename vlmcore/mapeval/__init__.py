"""Map evaluation as a measurement: is a map faithful to the model, sane, and on the lesion?

- ``recipes``: a map recipe is a method (answer rows, attention x gradient, relevancy,
  Grad-CAM, activation norm) plus a sink handling; ``MapSource`` makes a recipe's maps for a
  batch of (film, question) items, its sink profile read off the same batch.
- ``faithfulness``: deletion and insertion curves (Petsiuk et al. 2018) against random cell
  orders; the area between the curves per film, a patient-clustered interval and a sign-flip
  test; ``choose_default`` picks a family's default recipe by it.
- ``sanity``: the model-parameter randomisation test (Adebayo et al. 2018).
- ``localisation``: pointing game and mass ratio against true lesion masks, beside a uniform
  map, the model's mean map for the question and the film without the finding.
- ``vlmcore.metrics.clustered_means``: patient-clustered mean intervals and a sign-flip test on continuous values.

Why not quantus / captum for these (both were installed and tried; docs/maps.md): their
metrics take one input tensor and a label per sample and perturb that tensor; here the input is
a film *and* a question, the map lives on the model's token grid (4x4 to 37x37) and must be
placed on the film through the processor's view region, and every interval must be clustered
by patient. Wrapping a VLM as a single-tensor classifier per question, then re-clustering
quantus's per-sample scores, would cost more code than the curves themselves.
"""
