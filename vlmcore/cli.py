"""The ``vlmcore`` command line: dataset summaries, the embedded demo, comparisons, one case explained.

Subcommands stay thin: each calls the library function that does the work.
"""

from __future__ import annotations

import argparse
import sys
from pathlib import Path

from vlmcore import bundled
from vlmcore.errors import ConfigError, VlmcoreError
from vlmcore.verdict import exit_codes

BUNDLED_DATASET = bundled.phantom_dataset()


def _summary(args: argparse.Namespace) -> int:
    from vlmcore.data import load_dataset, summarise

    dataset = load_dataset(args.dataset, args.image_root, check_images=args.image_root is not None)
    print(summarise(dataset))
    if args.min_patients is not None:
        clusters = clusters_of(dataset)
        if clusters < args.min_patients:
            print(f"vlmcore: error: {args.dataset} holds {clusters} patients (films where a case has no patient id); a verdict on it "
                  f"needs at least {args.min_patients} (a gate PASS needs [gate] min_clusters, 30 by default): use a real dataset",
                  file=sys.stderr)
            return exit_codes.USAGE_ERROR
        print(f"patients  {clusters}: enough for a verdict (at least {args.min_patients})")
    return 0


def clusters_of(dataset) -> int:
    """The dataset's clusters as the verdict counts them: patients, or films for cases without a patient id."""
    return len({f"patient:{c.patient_id}" if c.patient_id else f"image:{c.image_path}" for c in dataset.cases})


def _demo(args: argparse.Namespace) -> int:
    from vlmcore.demo import run_demo

    only = [name.strip() for name in args.models.split(",") if name.strip()] if args.models else None
    return run_demo(report_dir=args.report_dir, extra=pytest_arguments(args.passed_through), only=only)


def pytest_arguments(extra: list[str]) -> list[str]:
    """What ``vlmcore demo`` hands to pytest: everything it does not read itself, in order (``-k expr``,
    ``-x``, ``--vlm-...``); a leading ``--`` (the old spelling) is dropped."""
    return extra[1:] if extra[:1] == ["--"] else list(extra)


def _compare(args: argparse.Namespace) -> int:
    from vlmcore.report.compare import compare_run_dirs

    for folder in (args.first, args.second):
        if not (folder / "summary.json").is_file():
            raise ConfigError(f"{folder} is not a vlmcore run folder (no summary.json)")
    from vlmcore.report.atomic import write_atomic
    from vlmcore.report.compare import comparison_file, terminal_summary

    markdown, decision = compare_run_dirs(args.first, args.second, args.thresholds, args.first_model, args.second_model)
    if str(args.output) == "-":
        print(markdown)
    else:
        output = args.output or comparison_file(args.first, args.second, args.first_model, args.second_model)
        write_atomic(output, markdown)
        print("\n".join(terminal_summary(decision)))
        print(f"comparison written to {output} (markdown: every table; open it in an editor or a markdown viewer)")
    print(f"verdict: {decision.status} (exit code {decision.exit_code})")
    return decision.exit_code


def _margins(args: argparse.Namespace) -> int:
    from vlmcore.verdict.baseline import read_run
    from vlmcore.verdict.margins import replica_margins

    saved = read_run(args.run_dir)
    arguments = _model_arguments(args.run_dir)
    calibrated = replica_margins(saved.rows, [m.strip() for m in args.models.split(",") if m.strip()], saved.manifest.gate,
                                 saved.manifest.models, arguments)
    print("\n".join(calibrated.lines()))
    flagged = calibrated.flagged(args.max_margin)
    if flagged:
        print("\n".join(flagged))
        print("\nNot printed as a thresholds file: check the replicas first (or pass --max-margin to accept).")
        return exit_codes.FAIL
    print("Paste into your thresholds file (and save a new baseline with it):\n")
    print(calibrated.toml())
    return 0


def _model_arguments(run_dir: Path) -> dict[str, str]:
    """Each model's load argument (a checkpoint folder, for config checks) from the run's summary.json."""
    import json

    try:
        return dict(json.loads((run_dir / "summary.json").read_text())["environment"].get("model_arguments", {}))
    except (OSError, ValueError, KeyError, TypeError, AttributeError):
        return {}


def _explain(args: argparse.Namespace) -> int:
    from vlmcore.explain import page_path, run

    out, explained = run(args.image, args.question, args.model, args.dataset, args.out or page_path(args.report_dir, args.image,
                                                                                                 args.question))
    flips = sum(row[2] != explained.answer for row in explained.paraphrases)
    judged = [c for c in explained.counterfactuals if c.followed is not None]
    followed = f"; {sum(c.followed for c in judged)} of {len(judged)} counterfactual pairs follow the film" if judged else ""
    print(f"{explained.question!r}: {explained.answer} (p(yes) {explained.p_yes:.3f}); {flips} of {len(explained.paraphrases)} "
          f"paraphrases change the answer{followed}; page: {out}")
    return 0


class _Parser(argparse.ArgumentParser):
    """Usage errors exit 4, as pytest's do, so scripts read one table of exit codes."""

    def error(self, message: str):
        self.print_usage(sys.stderr)
        self.exit(exit_codes.USAGE_ERROR, f"{self.prog}: error: {message}\n")


USER_HELP = """Robustness benchmark for medical vision-language models on chest X-ray yes/no questions.

The benchmark itself runs through pytest:
  pytest benchmarks -m medgemma --vlm-model medgemma --vlm-model-path /models/medgemma-4b-it
  pytest benchmarks -m smoke                 (the tiny random-weight builds, one per family: plumbing only, CPU)
  vlmcore demo                               (trained reference models on held-out phantoms, then the gate)
  pytest benchmarks ... --vlm-save-baseline release   /   --vlm-baseline release   (gate a new checkpoint)
  vlmcore explain IMAGE "Is there a pleural effusion?" --model FOLDER   (one case: answer, maps, paraphrases)
  vlmcore margins RUN_DIR --models A,B        (gate margins that will not call a seed retrain a regression)
Options: pytest --help, section "vlmcore robustness benchmark". Reports: reports/<run-id>/.

This command holds the tools around it (see each one's --help)."""

EPILOG = """exit codes: 0 pass, 1 fail (a check or the gate), 4 usage error, 10 nothing evaluated,
11 comparison impossible (pytest's own 2, 3, 5, 6 keep their meaning)"""


def build_parser() -> argparse.ArgumentParser:
    parser = _Parser(prog="vlmcore", description=USER_HELP, epilog=EPILOG, formatter_class=argparse.RawDescriptionHelpFormatter)
    commands = parser.add_subparsers(dest="command", required=True)
    summary = commands.add_parser("summary", help="print a one-screen summary of a dataset file")
    summary.add_argument("dataset", type=Path, metavar="DATASET")
    summary.add_argument("--image-root", type=Path, default=None, metavar="DIR", help="folder the image paths are under (checked to exist)")
    summary.add_argument("--min-patients", type=int, default=None, metavar="N", help="exit 4 when the dataset has fewer than N "
                         "patients (films without a patient id count one each): the CI workflow's start-up check")
    summary.set_defaults(run=_summary)
    demo = commands.add_parser("demo", help="run the suite on the ten trained reference models (robust and its seed replicas, verbose, reasoner, "
                                  "medgemma-robust, brittle, blind, shortcut, degraded) "
                                  "over the bundled held-out phantom test set, then gate each against robust; exit 0 when every "
                                  "model earns the verdict its recipe expects", allow_abbrev=False)
    demo.add_argument("--report-dir", type=Path, default=Path("reports"), metavar="DIR", help="where the report goes (default: reports)")
    demo.add_argument("--models", default=None, metavar="A,B", help="only these reference models (and robust, the gate's "
                      "baseline), e.g. --models blind,degraded (default: every bundled one)")
    demo.epilog = ("Any other argument goes to pytest as written, e.g. vlmcore demo -k robust -x "
                   "(--vlm-... options included; a leading -- is accepted and dropped).")
    demo.set_defaults(run=_demo, passes_through=True)
    compare = commands.add_parser("compare", help="compare two run folders; the gate's verdict is the exit code "
                                  "(0 pass, 1 regression, 4 usage error, 10 nothing evaluated, 11 comparison impossible)")
    compare.add_argument("first", type=Path, metavar="RUN_DIR", help="the reference run (e.g. reports/<old-run>)")
    compare.add_argument("second", type=Path, metavar="RUN_DIR", help="the candidate run")
    compare.add_argument("--thresholds", default=None, metavar="TOML",
                         help="override the first run's stored gate settings with this file's [gate] (default: the stored ones)")
    compare.add_argument("--first-model", default=None, metavar="KEY",
                         help="compare only this model of the first run (e.g. llava@robust); the two runs may be one folder")
    compare.add_argument("--second-model", default=None, metavar="KEY", help="compare only this model of the second run")
    compare.add_argument("--output", type=Path, default=None, metavar="FILE",
                         help="where the markdown goes (default: compare-<first>-vs-<second>.md in the second run's folder; "
                              "'-' prints it instead of the summary)")
    compare.set_defaults(run=_compare)
    margins = commands.add_parser("margins", help="gate margins from seed replicas: the paired drops between retrains of one "
                                  "recipe in a run, and [gate] margins that will not call a retrain a regression")
    margins.add_argument("run_dir", type=Path, metavar="RUN_DIR", help="a run folder holding two or more replicas")
    margins.add_argument("--models", required=True, metavar="A,B[,C]", help="the replicas' model keys, e.g. llava@seed1,llava@seed2 "
                         "(refused unless one family and configuration, other weights)")
    margins.add_argument("--max-margin", type=float, default=0.10, metavar="M", help="flag (exit 1, no thresholds printed) a "
                         "calibrated margin above M (default 0.10: beyond it the gate is off for that rate)")
    margins.set_defaults(run=_margins)
    explain = commands.add_parser("explain", help="open one case on one HTML page: the answer with p(yes), the map over the film, "
                                  "token-conditioned maps for the finding's words, the answers and maps of its paraphrases, and "
                                  "counterfactual pairs (mirrored film; with --dataset: label-swap partners and lesion occlusion)")
    explain.add_argument("image", metavar="IMAGE", help="the film (PNG / JPEG / DICOM), or with --dataset a file name from it")
    explain.add_argument("question", metavar="QUESTION", help="a yes/no question, e.g. 'Is there a pleural effusion?'")
    explain.add_argument("--model", default=None, metavar="MODEL",
                         help="a checkpoint folder, tiny-<family> or a family in the local HF cache (default: the bundled "
                              "trained reference model 'robust')")
    explain.add_argument("--dataset", type=Path, default=None, metavar="FILE", help="find IMAGE by file name in this dataset; its "
                         "labels and lesion places give the counterfactual pairs (label swap, lesion occlusion)")
    explain.add_argument("--report-dir", type=Path, default=Path("reports"), metavar="DIR",
                         help="the report folder; the page goes to DIR/explain/<film>-<question>.html (default: reports)")
    explain.add_argument("--out", type=Path, default=None, metavar="FILE", help="write the page here instead")
    explain.set_defaults(run=_explain)
    return parser


def main(argv: list[str] | None = None) -> int:
    parser = build_parser()
    args, extra = parser.parse_known_args(argv)
    if extra and not getattr(args, "passes_through", False):
        parser.error(f"unrecognized arguments: {' '.join(extra)}")
    args.passed_through = extra
    try:
        return args.run(args)
    except VlmcoreError as error:
        print(f"vlmcore: error: {error}", file=sys.stderr)
        return exit_codes.USAGE_ERROR


if __name__ == "__main__":
    raise SystemExit(main())
