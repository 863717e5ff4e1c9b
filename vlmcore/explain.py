"""``vlmcore explain IMAGE QUESTION``: one case, opened up, on one self-contained HTML page.

The seed platform's three tabs, as a command: (1) the answer, with p(yes) and the yes-no margin;
(2) the answer-position map over the film with its measurements; (3) token-conditioned maps, one
per word of the finding (where do the finding's own tokens look?); (4) paraphrase sensitivity:
the question's generated paraphrases, each answered, mapped and compared with the question's
map (JS divergence, base 2). A report's flipped pair names the command that opens it here.

Works offline on the reference and tiny models: ``--model`` takes a checkpoint folder (default:
the bundled ``robust`` reference model), a ``tiny-<family>`` random-weight build, or a family
name whose weights are in the local Hugging Face cache.
"""

from __future__ import annotations

import html
from dataclasses import dataclass
from pathlib import Path

import numpy as np

from vlmcore import bundled
from vlmcore.errors import ConfigError

REFERENCE = bundled.reference_root() / "models" / "robust"
PARAPHRASE_OVERLAYS = 6  # paraphrases drawn as overlays (flips first); every one is in the table


@dataclass(frozen=True)
class Explained:
    question: str
    answer: str
    p_yes: float
    margin: float
    answer_map: object  # AttentionMap at the answer position
    metrics: dict
    token_maps: dict  # word -> AttentionMap
    paraphrases: list  # (strategy, text, answer, p_yes, JS to the question's map, map)


def load_model(argument: str | None):
    """An adapter for ``--model``: ``tiny-<family>``, or what ``--vlm-model`` takes (a family in the
    local cache or a checkpoint folder: ``models.loading.model_argument``)."""
    from vlmcore.models import tiny_adapter
    from vlmcore.models.families import default_families
    from vlmcore.models.loading import load_adapter, model_argument

    target = argument or str(REFERENCE)
    if target.startswith("tiny-") and target[len("tiny-"):] in default_families():
        return tiny_adapter(target[len("tiny-"):])
    try:
        _, spec = model_argument(target)
    except ConfigError as error:
        raise ConfigError(f"--model: {error} (or tiny-<family>)") from None
    return load_adapter(spec)


def page_path(report_dir: Path, image: str, question: str) -> Path:
    """Where a page goes by default: ``<report_dir>/explain/<film>-<question>.html``, beside the runs
    it explains (never the current folder), one file per film and question so pages do not overwrite
    each other. The name is readable and safe: letters, digits and ``-`` only, bounded in length."""
    import re

    def slug(text: str, limit: int) -> str:
        return re.sub(r"[^a-z0-9]+", "-", text.lower()).strip("-")[:limit].strip("-") or "case"

    return Path(report_dir) / "explain" / f"{slug(Path(image).stem, 60)}-{slug(question, 80)}.html"


def resolve_image(image: str, dataset: Path | None) -> Path:
    """IMAGE as a path, or (with ``--dataset``) a file name from that dataset (reports name films so)."""
    if Path(image).is_file() or dataset is None:
        return Path(image)
    from vlmcore.data.loader import load_dataset

    matches = sorted({c.image_path for c in load_dataset(dataset).cases if c.image_path.name == image})
    if not matches:
        raise ConfigError(f"{dataset}: no case uses an image named {image!r}")
    return matches[0]


def finding_words(question: str) -> list[str]:
    """The words of the question's finding ("pleural effusion" -> pleural, effusion)."""
    from vlmcore.paraphrase.question import parse_question

    words = [w for w in parse_question(question).finding.replace("-", " ").split() if len(w) > 2 and w not in ("any", "the")]
    return list(dict.fromkeys(words))


def explain(adapter, film: np.ndarray, question: str) -> Explained:
    from vlmcore.anatomy import body_mask
    from vlmcore.engine.map_metrics import map_metrics
    from vlmcore.metrics import js_divergence
    from vlmcore.models.requests import Request
    from vlmcore.paraphrase.generate import paraphrases

    request = Request.of(film, question)
    variants = [(strategy, p.text) for strategy, items in sorted(paraphrases(question).items()) for p in items]
    # the question and its paraphrases in one batch (one shared film prefix)
    (score, attention), *results = adapter.evaluate([request] + [Request(film, text, request.image_key) for _, text in variants])
    metrics = map_metrics(attention, body_mask(film), None, film.shape)
    token_maps = {}
    for word in finding_words(question):
        try:
            token_maps[word] = adapter.attention_maps([request], query=f"token:{word}")[0]
        except ConfigError as error:  # the word is not in the tokenised prompt: say so on the page
            token_maps[word] = str(error)
    rows = [(strategy, text, variant_score.answer, variant_score.p_yes, js_divergence(attention.values, variant_map.values), variant_map)
            for (strategy, text), (variant_score, variant_map) in zip(variants, results)]
    return Explained(question, score.answer, score.p_yes, score.margin, attention, metrics, token_maps, rows)


def _img(png: bytes, alt: str) -> str:
    from vlmcore.report.html import image_tag
    from vlmcore.report.overlays import as_jpeg

    return image_tag(as_jpeg(png), alt, "image/jpeg")


def render(explained: Explained, film: np.ndarray, image_name: str, model_name: str) -> str:
    from vlmcore.report.overlays import comparison_png, overlay_png
    from vlmcore.report.tables import Table

    e = explained
    parts = ["<!doctype html><html><head><meta charset='utf-8'><title>vlmcore explain</title><style>"
             "body{font-family:system-ui,sans-serif;margin:24px;max-width:1280px}table{border-collapse:collapse}"
             "td,th{border:1px solid #ccc;padding:3px 8px;font-size:13px}.flip{color:#b03a2e;font-weight:bold}"
             "figure{display:inline-block;margin:6px}figcaption{font-size:12px}</style></head><body>",
             f"<h1>vlmcore explain</h1><p>{html.escape(model_name)} on {html.escape(image_name)}</p>",
             "<section id='answer'><h2>1. Answer</h2>",
             f"<p>\u201c{html.escape(e.question)}\u201d: <b>{e.answer}</b>, p(yes) {e.p_yes:.3f}, yes-no margin {e.margin:+.3f} "
             "(logit)</p></section>",
             "<section id='map'><h2>2. Where the answer looked</h2>",
             _img(overlay_png(film, e.answer_map.values, f"answer map ({e.answer_map.method})", region=e.answer_map.region or None),
                  "answer map")]
    parts.append(Table("", ("measure", "value"), tuple((k, f"{v:.3f}") for k, v in sorted(e.metrics.items()))).html())
    parts.append("</section><section id='tokens'><h2>3. Token-conditioned maps: where the finding's words look</h2>")
    if not e.token_maps:
        parts.append("<p>No finding words were recognised in the question.</p>")
    for word, found in e.token_maps.items():
        if isinstance(found, str):
            parts.append(f"<p>{html.escape(word)}: {html.escape(found)}</p>")
        else:
            parts.append(f"<figure>{_img(overlay_png(film, found.values, f'token: {word}', region=found.region or None), word)}"
                         f"<figcaption>{html.escape(word)}</figcaption></figure>")
    flips = sum(row[2] != e.answer for row in e.paraphrases)
    parts.append(f"</section><section id='paraphrases'><h2>4. Paraphrase sensitivity: {flips} of {len(e.paraphrases)} "
                 "paraphrases change the answer</h2>")
    table = Table("", ("strategy", "paraphrase", "answer", "p(yes)", "JS to the question's map"),
                  tuple((s, text, answer, f"{p:.3f}", f"{js:.3f}") for s, text, answer, p, js, _ in e.paraphrases),
                  classes={(i, 2): "flip" for i, row in enumerate(e.paraphrases) if row[2] != e.answer})
    parts.append(table.html())
    shown = sorted(e.paraphrases, key=lambda row: (row[2] == e.answer, -row[4]))[:PARAPHRASE_OVERLAYS]
    for strategy, text, answer, _, js, variant_map in shown:
        png = comparison_png(film, e.answer_map.values, variant_map.values, titles=(f"question: {e.answer}", f"paraphrase: {answer}"),
                             region=e.answer_map.region or None)
        parts.append(f"<figure>{_img(png, text)}<figcaption>{html.escape(strategy)}: \u201c{html.escape(text)}\u201d, "
                     f"JS {js:.3f}</figcaption></figure>")
    parts.append("</section></body></html>")
    return "\n".join(parts)


def run(image: str, question: str, model: str | None, dataset: Path | None, out: Path) -> tuple[Path, Explained]:
    from vlmcore.data.images import load_image
    from vlmcore.report.atomic import write_atomic

    path = resolve_image(image, dataset)
    film = load_image(path).pixels
    adapter = load_model(model)
    explained = explain(adapter, film, question)
    out.parent.mkdir(parents=True, exist_ok=True)
    write_atomic(out, render(explained, film, path.name, model or f"reference model robust ({REFERENCE})"))
    return out, explained
