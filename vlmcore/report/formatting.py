"""Text helpers every report writer shares (report.md, report.html, ``vlmcore compare``, the demo).

One module, imported by the writers and by ``tables``; it imports no writer, so the report
package has no import circle."""

from __future__ import annotations

import shlex

from vlmcore.data.rows import VariantRow


def cell(text) -> str:
    """User text (questions, ids, messages) made inert for Markdown: no raw HTML (report.md is
    appended to ``$GITHUB_STEP_SUMMARY``, which renders it), no pipe or line break to break a
    table, no backtick or bracket to start code or a link."""
    text = str(text).replace("&", "&amp;").replace("<", "&lt;")  # no tag can open without "<"
    for character in "\\`[]|":
        text = text.replace(character, "\\" + character)
    return text.replace("\r", " ").replace("\n", " ")


RANDOM_WEIGHTS = "RANDOM WEIGHTS"  # in a model's environment description: a built-in tiny build
SERVED_BY_HOOK = "served by pytest_vlmcore_make_adapter"  # in a model's environment description: a hook's adapter


def random_weights_label(model: str, described: str | None = None) -> str:
    """What a model is, beside its verdict: a built-in tiny build has random weights (say so, so
    nobody reads its FAIL, or a lucky pass, as a finding about a real model); a model a
    ``pytest_vlmcore_make_adapter`` hook served carries its adapter's name, whatever its key.
    ``described``: the run environment's description of the model (None: an old report without
    one, judged by the ``tiny-`` key)."""
    if described is None:
        return " (random-weight tiny build: plumbing check only, its answers mean nothing)" if model.startswith("tiny-") else ""
    if SERVED_BY_HOOK in described:
        return f" (adapter {described.split(' ', 1)[0]!r}, {SERVED_BY_HOOK})"
    if RANDOM_WEIGHTS in described:
        return " (random-weight tiny build: plumbing check only, its answers mean nothing)"
    return ""


def explain_command(row: VariantRow, model_argument: str | None = None, dataset: str | None = None) -> str:
    """The command that opens one case in ``vlmcore explain`` (display only: never executed).
    Rows name the film by file name; ``--dataset`` lets explain find it."""
    command = f"vlmcore explain {shlex.quote(row.image)} {shlex.quote(row.question)} --model {shlex.quote(model_argument or row.model)}"
    return command + (f" --dataset {shlex.quote(dataset)}" if dataset else "")
