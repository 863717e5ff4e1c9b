"""Train one reference model on CPU: ``python -m vlmcore.reference.train RECIPE [--out DIR]``.

The loss is cross-entropy over the full vocabulary on every token of the answer as the
recipe's format writes it (``answer_format``: the word, a preamble then the word, or a
reasoning block then the word in a tag), *and on the end-of-turn token after it*, so greedy
generation stops where a real instruction-tuned model stops. Seeds fix the weights, the
phantom set and the batch order; torch runs deterministically on CPU at a fixed thread count
(``THREADS``), so a retrain reproduces the weights (the model card records the fingerprint).
The held-out metrics printed at the end are on test-split patients, from the score and from
greedy generation read back (``answer_format.read_answer``), on films that carry the corner
tag as the bundled test set's do; ``cues`` says whether the tag or the lesion answers.
"""

from __future__ import annotations

import argparse
import json
import math
import sys
import time
from dataclasses import replace
from pathlib import Path

import numpy as np
import torch

from vlmcore import bundled
from vlmcore.reference.recipes import RECIPES, Recipe
from vlmcore.reference.recipes import recipe as recipe_named

FIXTURES = bundled.reference_root() / "models"
#: torch threads for training: results are bit-reproducible at a fixed count (the shipped
#: weights were trained at this one)
THREADS = 1
#: generation budget per format when reading held-out answers (the longest completion is the
#: reasoner's, about 16 tokens)
MAX_NEW_TOKENS = {"short": 4, "verbose": 16, "reasoner": 24}


def build_untrained(recipe: Recipe):
    """A tiny model of the recipe's family with seeded initial weights, and its adapter."""
    from vlmcore.models import ADAPTERS
    from vlmcore.models.tiny import build_tiny
    from vlmcore.reference.answer_format import EXTENSIONS

    model, processor = build_tiny(recipe.family, recipe.size, seed=recipe.seed, extension=EXTENSIONS[recipe.answer_format])
    adapter = ADAPTERS.get(recipe.family)(model, processor, name=recipe.name)
    model.set_attn_implementation("sdpa")  # training does not capture; the adapter re-installs capture at load
    return model, adapter


class Progress:
    """One line per report: rewritten in place on a terminal, appended in a log."""

    def __init__(self, total: int, stream=sys.stderr):
        self.total, self.stream, self.start = total, stream, time.monotonic()
        self.tty = stream.isatty()

    def update(self, step: int, text: str) -> None:
        elapsed = time.monotonic() - self.start
        eta = elapsed / max(step, 1) * (self.total - step)
        width = 24
        bar = "#" * int(width * step / self.total) + "." * (width - int(width * step / self.total))
        line = f"[{bar}] {step}/{self.total} {text} {elapsed:5.0f}s elapsed, eta {eta:4.0f}s"
        self.stream.write(("\r" + line) if self.tty else line + "\n")
        self.stream.flush()

    def close(self) -> None:
        if self.tty:
            self.stream.write("\n")


def _schedule(step: int, recipe: Recipe) -> float:
    if step < recipe.warmup:
        return (step + 1) / recipe.warmup
    progress = (step - recipe.warmup) / max(1, recipe.steps - recipe.warmup)
    return 0.5 * (1 + math.cos(math.pi * progress))


def train(recipe: Recipe, out: Path | None, log=sys.stderr, keep_model: bool = False) -> dict:
    """Train, evaluate on held-out patients, and (with ``out``) save the checkpoint folder.

    ``keep_model`` returns the trained model under ``"model"`` (tests). The CPU kernels used
    here are deterministic at a fixed thread count, so the seeds alone reproduce the weights bit
    for bit (tested). ``torch.use_deterministic_algorithms`` is not called: it imports
    torch._inductor, whose ``test_operators`` module pytest's assertion rewriter picks up; a
    failed half-import there broke every later model import in that test worker.
    """
    return _train(recipe, out, log, keep_model)


def _train(recipe: Recipe, out: Path | None, log, keep_model: bool) -> dict:
    from vlmcore.reference.answer_format import completion, end_token
    from vlmcore.reference.batches import PromptTable, blank_pixels, completion_loss, film_pixels
    from vlmcore.reference.phantom_set import phantom_films, training_tags
    from vlmcore.reference.questions import all_phrasings, sample_question

    torch.manual_seed(recipe.seed)
    started = time.monotonic()
    model, adapter = build_untrained(recipe)
    tokenizer = adapter.tokenizer
    films = phantom_films(recipe.data_seed, recipe.patients)
    train_films = training_tags([f for f in films if f.split == "train"], recipe.tagged, recipe.noise_tags, recipe.lesion_strength,
                                recipe.data_seed + 1)
    test_films = [f.shown(True) for f in films if f.split == "test"]  # tagged, as the bundled test set's films are
    tags = "tags encode the label" if recipe.tagged else f"uninformative tags on {recipe.noise_tags:.0%}"
    lesions = f", lesions at {recipe.lesion_strength:g}" if recipe.lesion_strength != 1 else ""
    print(f"{recipe.name}: {recipe.family}, {sum(p.numel() for p in model.parameters()):,} parameters; "
          f"{len(train_films)} training films ({tags}{lesions}), "
          f"{len(test_films)} held-out test films; answers in the {recipe.answer_format!r} format", file=log)
    train_pixels = film_pixels(adapter, train_films)
    test_pixels = film_pixels(adapter, test_films)
    blank = blank_pixels(adapter, 128)
    table = PromptTable(adapter, [p.text for p in all_phrasings()], 128)
    yes_id, no_id = tokenizer.convert_tokens_to_ids("yes"), tokenizer.convert_tokens_to_ids("no")
    end_id = tokenizer.convert_tokens_to_ids(end_token(recipe.family, tokenizer))
    stops = sorted({tokenizer.eos_token_id, end_id})
    model.generation_config.eos_token_id = stops if len(stops) > 1 else stops[0]  # Gemma: [<eos>, <end_of_turn>]
    completions: dict[str, list[int]] = {}
    print(f"data ready in {time.monotonic() - started:.0f}s", file=log)

    def target(film, phrasing, answer: int) -> list[int]:
        text = completion(recipe.answer_format, phrasing.kind, phrasing.side, film.spec.findings, answer)
        if text not in completions:
            completions[text] = tokenizer.encode(text, add_special_tokens=False) + [end_id]
        return completions[text]

    rng = np.random.default_rng(recipe.seed + 1000)
    optimiser = torch.optim.AdamW(model.parameters(), lr=recipe.lr, weight_decay=recipe.weight_decay)
    scheduler = torch.optim.lr_scheduler.LambdaLR(optimiser, lambda step: _schedule(step, recipe))
    model.train()
    progress, running = Progress(recipe.steps, log), []
    for step in range(recipe.steps):
        chosen = rng.integers(len(train_films), size=recipe.batch)
        sampled = [sample_question(train_films[i].spec.findings, recipe, rng) for i in chosen]
        # blind: every question is shown some *other* patient's film, so the film carries no
        # information about the answer and the model learns to ignore it (a constant blank film
        # would not: real films are then out of distribution and still move the answer)
        pixels = train_pixels[rng.integers(len(train_films), size=recipe.batch)] if recipe.blind else train_pixels[chosen]
        targets = [target(train_films[i], p, answer) for i, (p, answer) in zip(chosen, sampled)]
        batch, labels = table.training_batch([p.text for p, _ in sampled], pixels, targets)
        loss = completion_loss(model, batch, labels)
        optimiser.zero_grad()
        loss.backward()
        torch.nn.utils.clip_grad_norm_(model.parameters(), 1.0)
        optimiser.step()
        scheduler.step()
        running.append(loss.item())
        if (step + 1) % 50 == 0 or step + 1 == recipe.steps:
            progress.update(step + 1, f"loss {np.mean(running[-50:]):.3f}")
    progress.close()
    trained_minutes = (time.monotonic() - started) / 60
    evaluation = evaluate(recipe, model, adapter, table, test_films, test_pixels, blank, yes_id, no_id, end_id, log)
    minutes = (time.monotonic() - started) / 60
    print(f"{recipe.name}: trained in {trained_minutes:.1f} min, evaluated in {minutes - trained_minutes:.1f} min "
          f"({torch.get_num_threads()} threads)", file=log)
    result = {"recipe": recipe.to_json(), **evaluation, "minutes": round(trained_minutes, 2),
              "evaluation_minutes": round(minutes - trained_minutes, 2), "threads": torch.get_num_threads(),
              "first_loss": float(np.mean(running[:20])), "final_loss": float(np.mean(running[-50:]))}
    if out is not None:
        from vlmcore.reference.checkpoint import save_checkpoint

        save_checkpoint(model, adapter.processor, recipe, result, out)
    if keep_model:
        result["model"] = model
    return result


def evaluate(recipe: Recipe, model, adapter, table, test_films, test_pixels, blank, yes_id: int, no_id: int, end_id: int,
             log) -> dict:
    """Held-out metrics from the score and from generation read back, the cue test, and a few
    generated texts (the card shows what the model writes)."""
    from vlmcore.reference.batches import film_pixels
    from vlmcore.reference.cues import CONDITIONS, Cues, films_in
    from vlmcore.reference.held_out import GenerationAnswerer, ScoreAnswerer, answer_all, held_out, held_out_items

    scored = ScoreAnswerer(model, table, yes_id, no_id)
    generated = GenerationAnswerer(model, table, adapter.tokenizer, model.generation_config.eos_token_id,
                                   MAX_NEW_TOKENS[recipe.answer_format])
    by_score = held_out(scored, test_films, test_pixels, blank, recipe.kinds)
    by_generation = held_out(generated, test_films, test_pixels, blank, recipe.kinds)
    on_films = len(held_out_items(test_films, recipe.kinds))  # the generations on the films (then come the blank film's)
    samples = list(dict.fromkeys(generated.texts[:on_films]))[:6]
    ended = float(np.mean(generated.ended[:on_films]))
    primary = scored if recipe.answer_format == "short" else generated
    items = held_out_items(test_films, recipe.kinds, strategies=False)
    model.eval()
    said = {}
    for condition in CONDITIONS:
        pixels = test_pixels if condition == "as shown" else film_pixels(adapter, films_in(condition, test_films))
        said[condition] = answer_all(primary, items, pixels)
    model.train()
    cues = Cues.of(items, said)
    for name, metrics in (("score", by_score), ("generate+read", by_generation)):
        for line in metrics.lines():
            print(f"{recipe.name} held-out ({name}): {line}", file=log)
    for line in cues.lines():
        print(f"{recipe.name} cues ({'score' if primary is scored else 'generate+read'}): {line}", file=log)
    print(f"{recipe.name} writes, e.g.: " + " | ".join(repr(t) for t in samples[:3])
          + f"; {ended:.2%} of its greedy answers on the films end within {generated.max_new_tokens} tokens", file=log)
    return {"held_out": (by_score if recipe.answer_format == "short" else by_generation).to_json(),
            "held_out_score": by_score.to_json(), "held_out_generated": by_generation.to_json(), "cues": cues.to_json(),
            "generated_samples": samples, "generated_ended": ended}


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m vlmcore.reference.train", description=__doc__,
                                     formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("recipe", choices=sorted(RECIPES), help="which reference model to train")
    parser.add_argument("--out", type=Path, help=f"checkpoint folder (default: {FIXTURES}/RECIPE)")
    parser.add_argument("--steps", type=int, help="override the recipe's step count (a quick check)")
    parser.add_argument("--no-save", action="store_true", help="train and print the metrics only")
    parser.add_argument("--threads", type=int, default=THREADS,
                        help=f"torch threads (default {THREADS}: the count the shipped weights were trained at)")
    args = parser.parse_args(argv)
    torch.set_num_threads(args.threads)
    chosen = recipe_named(args.recipe)
    if args.steps:
        chosen = replace(chosen, steps=args.steps)
    out = None if args.no_save else (args.out or FIXTURES / chosen.name)
    result = train(chosen, out)
    if out is not None:
        print(f"saved {out}")
    print(json.dumps(result["held_out"]))
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
