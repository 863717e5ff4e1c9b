"""Train one reference model on CPU: ``python -m vlmcore.reference.train RECIPE [--out DIR]``.

The loss is cross-entropy on the answer token (``yes`` / ``no``) over the full vocabulary,
so the answer mass concentrates on the two answer words, as in a real instruction-tuned
model. Seeds fix the weights, the phantom set and the batch order; torch runs
deterministically on CPU, so a retrain on one machine reproduces the weights (the model card
records the fingerprint). The held-out metrics printed at the end are on test-split patients.
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


def build_untrained(recipe: Recipe):
    """A tiny model of the recipe's family with seeded initial weights, and its adapter."""
    from vlmcore.models import ADAPTERS
    from vlmcore.models.tiny import build_tiny

    model, processor = build_tiny(recipe.family, recipe.size, seed=recipe.seed)
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
    from vlmcore.reference.batches import PromptTable, blank_pixels, film_pixels
    from vlmcore.reference.held_out import held_out
    from vlmcore.reference.phantom_set import phantom_films
    from vlmcore.reference.questions import all_phrasings, sample_question

    torch.manual_seed(recipe.seed)
    started = time.monotonic()
    model, adapter = build_untrained(recipe)
    films = phantom_films(recipe.data_seed, recipe.patients)
    train_films = [f for f in films if f.split == "train"]
    test_films = [f for f in films if f.split == "test"]
    print(f"{recipe.name}: {recipe.family}, {sum(p.numel() for p in model.parameters()):,} parameters; "
          f"{len(train_films)} training films, {len(test_films)} held-out test films", file=log)
    train_pixels = film_pixels(adapter, train_films)
    test_pixels = film_pixels(adapter, test_films)
    blank = blank_pixels(adapter, 128)
    table = PromptTable(adapter, [p.text for p in all_phrasings()], 128)
    yes_id, no_id = adapter.tokenizer.convert_tokens_to_ids("yes"), adapter.tokenizer.convert_tokens_to_ids("no")
    print(f"data ready in {time.monotonic() - started:.0f}s", file=log)

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
        batch, last = table.collate([p.text for p, _ in sampled], pixels)
        logits = model(**batch).logits[torch.arange(len(last)), last]
        target = torch.tensor([yes_id if answer else no_id for _, answer in sampled])
        loss = torch.nn.functional.cross_entropy(logits, target)
        optimiser.zero_grad()
        loss.backward()
        torch.nn.utils.clip_grad_norm_(model.parameters(), 1.0)
        optimiser.step()
        scheduler.step()
        running.append(loss.item())
        if (step + 1) % 50 == 0 or step + 1 == recipe.steps:
            progress.update(step + 1, f"loss {np.mean(running[-50:]):.3f}")
    progress.close()
    metrics = held_out(model, table, test_films, test_pixels, blank, yes_id, no_id, recipe.kinds)
    minutes = (time.monotonic() - started) / 60
    for line in metrics.lines():
        print(f"{recipe.name} held-out: {line}", file=log)
    print(f"{recipe.name}: trained in {minutes:.1f} min ({torch.get_num_threads()} threads)", file=log)
    result = {"recipe": recipe.to_json(), "held_out": metrics.to_json(), "minutes": round(minutes, 2),
              "threads": torch.get_num_threads(), "first_loss": float(np.mean(running[:20])),
              "final_loss": float(np.mean(running[-50:]))}
    if out is not None:
        from vlmcore.reference.checkpoint import save_checkpoint

        save_checkpoint(model, adapter.processor, recipe, result, out)
    if keep_model:
        result["model"] = model
    return result


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m vlmcore.reference.train", description=__doc__,
                                     formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("recipe", choices=sorted(RECIPES), help="which reference model to train")
    parser.add_argument("--out", type=Path, help=f"checkpoint folder (default: {FIXTURES}/RECIPE)")
    parser.add_argument("--steps", type=int, help="override the recipe's step count (a quick check)")
    parser.add_argument("--no-save", action="store_true", help="train and print the metrics only")
    args = parser.parse_args(argv)
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
