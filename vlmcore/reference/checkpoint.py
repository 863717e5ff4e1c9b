"""A trained reference model as a real checkpoint folder, with its model card.

The folder is what ``--vlm-model FOLDER`` loads: ``config.json``, ``model.safetensors``, the
processor and tokenizer files, plus ``model_card.json`` (recipe, data seed, held-out metrics,
weights digest) and a human ``README.md``. Safetensors only; nothing here runs code on load.
"""

from __future__ import annotations

import hashlib
import json
from pathlib import Path

from vlmcore.errors import ConfigError

MAX_BYTES = 5 * 1024 * 1024


def weights_digest(folder: Path) -> str:
    return hashlib.sha256((folder / "model.safetensors").read_bytes()).hexdigest()


def save_checkpoint(model, processor, recipe, result: dict, out: Path) -> Path:
    out.mkdir(parents=True, exist_ok=True)
    model.save_pretrained(out)
    processor.save_pretrained(out)
    size = (out / "model.safetensors").stat().st_size
    if size > MAX_BYTES:
        raise ConfigError(f"{out}/model.safetensors is {size / 2**20:.1f} MB; reference weights must stay under 5 MB")
    card = dict(result, name=recipe.name, family=recipe.family, weights_sha256=weights_digest(out), weights_bytes=size)
    (out / "model_card.json").write_text(json.dumps(card, indent=1, sort_keys=True) + "\n")
    (out / "README.md").write_text(_card_text(card))
    return out


def read_card(folder: Path) -> dict:
    path = folder / "model_card.json"
    if not path.is_file():
        raise ConfigError(f"{folder}: no model_card.json (not a vlmcore reference checkpoint)")
    return json.loads(path.read_text())


def stale_reason(card: dict) -> str | None:
    """Why a shipped checkpoint predates the current training, or None when it does not.

    Checkpoints trained before the answer formats (the recipe has no ``answer_format``) were
    trained on the answer token only and on films without the burned-in tags: greedy generation
    does not stop ("yes no no no ...") and the bundled films' tags are new to them. They stay
    shipped until retrained (``python -m vlmcore.reference.train NAME``); the tests hold them
    to what they were trained for and say which they are.
    """
    if "answer_format" in card["recipe"]:
        return None
    return (f"{card['name']} was trained before the end-of-turn loss and the finding tags "
            f"(retrain: python -m vlmcore.reference.train {card['name']})")


def _card_text(card: dict) -> str:
    recipe, held = card["recipe"], card["held_out"]
    findings = "\n".join(f"| {k} | {v:.3f} |" for k, v in held["accuracy_by_finding"].items())
    flips = ", ".join(f"{k} {v}" for k, v in sorted(held["flips_by_strategy"].items(), key=lambda kv: -kv[1])) or "none"
    answer_format = recipe.get("answer_format", "short")
    measured_by = "the score (p(yes) vs p(no) at the first answer token)" if answer_format == "short" else \
        "greedy generation read back (its first token is not the answer)"
    return f"""# vlmcore reference model `{card['name']}`

A tiny {card['family']} model (random-initialised, trained on CPU on synthetic phantom films),
**not a medical model**. It exists so the benchmark can be shown right on a model whose
behaviour is known. Purpose: {recipe['purpose']}.

Retrain: `python -m vlmcore.reference.train {card['name']}` (seed {recipe['seed']}, phantom set seed
{recipe['data_seed']}, {recipe['steps']} steps of batch {recipe['batch']}, lr {recipe['lr']}); took
{card['minutes']} min on {card['threads']} CPU thread(s). Weights sha256 `{card['weights_sha256']}`.

Answers in the `{answer_format}` format, e.g. {', '.join(f'`{t}`' for t in card.get('generated_samples', [])[:3])};
{card.get('generated_ended', float('nan')):.2%} of its greedy answers on held-out films end with the end-of-turn token.

Held-out (test-split patients, {held['cases']} cases, answers by {measured_by}): accuracy
{held['accuracy']:.3f}, consistency {held['consistency']:.3f}, negation accuracy {held['negation_accuracy']:.3f}, image reliance
{held['image_reliance']:.3f} (share of answers unchanged with the film blanked; lower is better).
Flips by strategy: {flips}.
{_both_ways(card)}
| finding | accuracy |
| --- | --- |
{findings}
{_cue_text(card)}"""


def _both_ways(card: dict) -> str:
    if "held_out_score" not in card:
        return ""
    score, generated = card["held_out_score"], card["held_out_generated"]
    return (f"\nScore vs generation read back: accuracy {score['accuracy']:.3f} vs {generated['accuracy']:.3f}, consistency "
            f"{score['consistency']:.3f} vs {generated['consistency']:.3f}; no answer in {generated['unanswered']:.1%} of "
            "generated texts.\n")


def _cue_text(card: dict) -> str:
    if "cues" not in card:
        return ""
    cues = card["cues"]
    present = ", ".join(f"{k} {v:.3f}" for k, v in cues["yes_when_present"].items())
    return (f"\nWhich cue answers (`vlmcore.reference.cues`; {cues['questions']} base questions on held-out films): \"yes\" to a "
            f"finding the film has: {present}. Answers unchanged with the corner tags removed: {cues['unchanged_without_tag']:.3f}; "
            f"with the lesions hidden: {cues['unchanged_lesions_hidden']:.3f}.\n")
