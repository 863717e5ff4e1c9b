"""vlmcore: a pytest-driven robustness benchmark for medical vision-language models.

The package is layered in one direction: ``data`` (paraphrase groups) -> ``models``
(adapters) -> ``engine`` (batched evaluation) -> results -> pytest cases -> ``report``.
Importing the package is cheap: torch and transformers load only when a model is built.
"""

__version__ = "0.1.0"
