"""``vlmcore explain IMAGE QUESTION``: one case, opened up, on one self-contained HTML page.

The seed platform's three tabs, as a command: (1) the answer, with p(yes) and the yes-no margin;
(2) the answer-position map over the film with its measurements; (3) token-conditioned maps, one
per word of the finding (where do the finding's own tokens look?); (4) paraphrase sensitivity:
the question's generated paraphrases, each answered, mapped and compared with the question's
map (JS divergence, base 2); (5) counterfactual pairs: does the answer come from the film? The
question on the film mirrored left-right (with its mirror question), and, with ``--dataset``, on
another patient's film with the other label and with the same one, and with the lesion hidden
against an equal area elsewhere hidden (``vlmcore.grounding``), each film beside the original;
the blank film's answer is shown as the model's prior. A report's flipped pair and each
counterfactual trial that did not follow the film name the command that opens it here.

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
class Counterfactual:
    """One counterfactual pair: ``question`` on the original film and on ``film`` (``vlmcore.grounding``)."""

    kind: str
    arm: str
    description: str
    question: str
    original_answer: str
    answer: str
    original_label: str | None
    label: str | None
    followed: bool | None  # None: the labels are not known (the answers are shown, not judged)
    film: np.ndarray


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
    counterfactuals: tuple[Counterfactual, ...] = ()
    blank_answer: str = ""  # the answer on a blank film: the model's prior, not a measure of grounding


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


def _trials(path: Path | None, question: str, dataset: Path | None) -> list:
    """The grounding plan's trials for this film and question (a dataset group asking it there), or,
    without one, the mirror pair alone (answers shown, labels unknown)."""
    from vlmcore.grounding.laterality import mirror_question, question_key
    from vlmcore.grounding.plan import Transform, Trial

    if dataset is not None and path is not None:
        from vlmcore.data.loader import load_dataset
        from vlmcore.grounding import plan_for

        loaded = load_dataset(dataset)
        group = next((g for g in loaded.groups if g.image_path == path.resolve() and question_key(g.base.question) == question_key(question)),
                     None)
        if group is not None:
            return list(plan_for(loaded).of(group.group_id))
    mirror = mirror_question(question)
    if mirror is None:
        return []
    source = path or Path("film")
    return [Trial("mirror_laterality", "", "explain-mirror", question, "", source, Transform("mirror"), question, "", "explain"),
            Trial("mirror_laterality", "", "explain-mirror-question", mirror, "", source, Transform("mirror"), mirror, "", "explain")]


def counterfactuals(adapter, film: np.ndarray, path: Path | None, question: str, dataset: Path | None) -> list[Counterfactual]:
    from vlmcore.data.images import load_image
    from vlmcore.grounding.films import counterfactual
    from vlmcore.models.requests import Request

    made = []
    for trial in _trials(path, question, dataset):
        if trial.transform is None:
            other = load_image(trial.source).pixels
        else:
            other = counterfactual(trial.transform, film)
        if other is not None:
            made.append((trial, other))
    if not made:
        return []
    scores = adapter.score_yes_no([Request.of(other, t.question) for t, other in made]
                                  + [Request.of(film, t.reference_question) for t, _ in made])
    out = []
    for index, (trial, other) in enumerate(made):
        answer, original = scores[index].answer, scores[len(made) + index].answer
        known = bool(trial.expected and trial.reference_expected)
        if trial.kind == "lesion_occlusion":
            followed = answer == trial.expected
        else:
            followed = (answer != original) == (trial.expected != trial.reference_expected) if known else None
        out.append(Counterfactual(trial.kind, trial.arm, trial.describe_film() if path else trial.transform.describe(), trial.question,
                                  original, answer, trial.reference_expected or None, trial.expected or None, followed, other))
    return out


def explain(adapter, film: np.ndarray, question: str, path: Path | None = None, dataset: Path | None = None) -> Explained:
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
    blank = adapter.score_yes_no([Request.of(np.full(film.shape, 128, dtype=np.uint8), question)])[0].answer
    return Explained(question, score.answer, score.p_yes, score.margin, attention, metrics, token_maps, rows,
                     tuple(counterfactuals(adapter, film, path, question, dataset)), blank)


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
    parts.append("</section>")
    parts += _counterfactual_section(e, film)
    parts.append("</body></html>")
    return "\n".join(parts)


def _counterfactual_section(e: Explained, film: np.ndarray) -> list[str]:
    from vlmcore.report.grounding_section import BLANK_FILM, MIRRORED_FILM, film_pair_jpeg
    from vlmcore.report.tables import Table

    parts = ["<section id='counterfactuals'><h2>5. Does the answer come from the film? Counterfactual pairs</h2>",
             f"<p>{html.escape(MIRRORED_FILM)}</p>"]
    if not e.counterfactuals:
        parts.append("<p>No counterfactual pair for this question: it names no side (no mirror pair), and without --dataset (or a "
                     "dataset group asking it on this film) no partner film or lesion place is known.</p>")
    else:
        judged = [c for c in e.counterfactuals if c.followed is not None]
        parts.append(f"<p>{sum(c.followed for c in judged)} of {len(judged)} judged pairs followed the film "
                     "(docs/grounding.md).</p>" if judged else "<p>Labels unknown: the answers are shown, not judged.</p>")
        table = Table("", ("probe", "arm", "question", "original film", "counterfactual film", "label", "followed the film"),
                      tuple((c.kind, c.arm, c.question, c.original_answer, f"{c.answer} on {c.description}",
                             f"{c.original_label} -> {c.label}" if c.label else "-",
                             "-" if c.followed is None else "yes" if c.followed else "no") for c in e.counterfactuals),
                      classes={(i, 6): "flip" for i, c in enumerate(e.counterfactuals) if c.followed is False})
        parts.append(table.html())
        for c in e.counterfactuals:
            jpeg = film_pair_jpeg(film, c.film, (f"original: {c.original_answer}", f"{c.kind}: {c.answer}"))
            parts.append(f"<figure class='counterfactual'>{_img_jpeg(jpeg, c.description)}<figcaption>{html.escape(c.kind)} "
                         f"({html.escape(c.arm or '-')}): \u201c{html.escape(c.question)}\u201d {c.original_answer} -> {c.answer}; "
                         f"{html.escape(c.description)}</figcaption></figure>")
    parts.append(f"<p>Blank film: \u201c{html.escape(e.question)}\u201d answered <b>{e.blank_answer}</b>. {html.escape(BLANK_FILM)}</p>")
    return parts + ["</section>"]


def _img_jpeg(jpeg: bytes, alt: str) -> str:
    from vlmcore.report.html import image_tag

    return image_tag(jpeg, alt, "image/jpeg")


def run(image: str, question: str, model: str | None, dataset: Path | None, out: Path) -> tuple[Path, Explained]:
    from vlmcore.data.images import load_image
    from vlmcore.report.atomic import write_atomic

    path = resolve_image(image, dataset)
    film = load_image(path).pixels
    adapter = load_model(model)
    explained = explain(adapter, film, question, path, dataset)
    out.parent.mkdir(parents=True, exist_ok=True)
    write_atomic(out, render(explained, film, path.name, model or f"reference model robust ({REFERENCE})"))
    return out, explained
