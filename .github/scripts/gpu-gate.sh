#!/usr/bin/env bash
# The GPU workflow's steps (.github/workflows/gpu-regression.yml), one subcommand each, so they run
# the same on a laptop (tests/test_workflow.py runs them with a scripted model and a local git
# remote) as on the runner. Inputs come from the environment, never interpolated into a script:
#
#   plan           EVENT (push | pull_request | workflow_dispatch), REF, DEFAULT_REF, SAVE_REQUESTED, DATASET
#                  -> outputs save=true|false (GITHUB_OUTPUT, else stdout); refuses a save off the default
#                  branch and a run without a dataset
#   check-dataset  DATASET, MIN_PATIENTS (30): enough patients for a verdict, before any model loads
#   restore        BASELINE_GIT (.), BASELINE_REMOTE (origin), BASELINE_BRANCH (vlmcore-baselines),
#                  BASELINE_DIR (baselines/release): the release baseline from its branch, if any
#   benchmark      MODEL (medgemma), MODEL_PATH, MEDGEMMA_PATH, MARKER (the model), DATASET, SAVE,
#                  BASELINE_DIR, NEW_BASELINE_DIR (baselines-new/release), GPUS (default: the GPUs the job
#                  may use), PYTHON (.venv/bin/python), PYTEST_EXTRA (extra arguments, space-separated)
#                  -> outputs saved=true when this run became the new baseline (only a PASS run does)
#   store          NEW_BASELINE_DIR, BASELINE_GIT, BASELINE_REMOTE, BASELINE_BRANCH, RUN_LABEL: commits the new
#                  baseline to its branch (kept in git history: durable, every previous one recoverable),
#                  after checking that it was saved from a PASS run and not forced
set -euo pipefail

say() { printf '%s\n' "$*"; }
fail() { say "::error::$*" >&2; exit 1; }
output() { if [ -n "${GITHUB_OUTPUT:-}" ]; then say "$1" >> "$GITHUB_OUTPUT"; else say "$1"; fi; }

BASELINE_GIT="${BASELINE_GIT:-.}"
BASELINE_REMOTE="${BASELINE_REMOTE:-origin}"
BASELINE_BRANCH="${BASELINE_BRANCH:-vlmcore-baselines}"
BASELINE_DIR="${BASELINE_DIR:-baselines/release}"
NEW_BASELINE_DIR="${NEW_BASELINE_DIR:-baselines-new/release}"
PYTHON="${PYTHON:-.venv/bin/python}"
TRACKING="refs/remotes/vlmcore/${BASELINE_BRANCH}"

plan() {
  [ -n "${DATASET:-}" ] || fail "no dataset: give the workflow input 'dataset' or set the repository variable VLMCORE_DATASET to a dataset file on the runner (the bundled 6-patient phantoms cannot give a verdict)"
  local save=false
  case "${EVENT:?EVENT is the triggering event}" in
    pull_request) save=false ;;
    push) [ "${REF:?}" = "${DEFAULT_REF:?}" ] && save=true ;;
    workflow_dispatch)
      if [ "${SAVE_REQUESTED:-false}" = "true" ]; then
        [ "${REF:?}" = "${DEFAULT_REF:?}" ] || fail "save_baseline: the release baseline is saved from ${DEFAULT_REF#refs/heads/} only (this run is on ${REF#refs/heads/}); run without it to gate this branch"
        save=true
      fi ;;
    *) fail "unexpected event ${EVENT}" ;;
  esac
  say "event ${EVENT} on ${REF}: gate against the release baseline; save it from this run if it passes: ${save}"
  output "save=${save}"
}

check_dataset() {
  "$PYTHON" -m vlmcore summary "${DATASET:?}" --min-patients "${MIN_PATIENTS:-30}" \
    || fail "dataset ${DATASET} cannot give a verdict (see above)"
}

restore() {
  if git -C "$BASELINE_GIT" fetch --quiet --depth 1 "$BASELINE_REMOTE" "+refs/heads/${BASELINE_BRANCH}:${TRACKING}" 2>/dev/null; then
    rm -rf "$BASELINE_DIR"
    mkdir -p "$BASELINE_DIR"
    git -C "$BASELINE_GIT" archive "$TRACKING" release | tar -x -C "$BASELINE_DIR" --strip-components 1
    say "release baseline restored from branch ${BASELINE_BRANCH} ($(git -C "$BASELINE_GIT" rev-parse --short "$TRACKING")) into ${BASELINE_DIR}"
  else
    say "no release baseline yet (branch ${BASELINE_BRANCH} does not exist)"
  fi
}

gpu_count() {
  if [ -n "${GPUS:-}" ]; then say "$GPUS"
  elif [ -n "${CUDA_VISIBLE_DEVICES:-}" ]; then tr ',' '\n' <<< "$CUDA_VISIBLE_DEVICES" | grep -c .
  else nvidia-smi -L | wc -l
  fi
}

benchmark() {
  local model="${MODEL:-medgemma}" gpus mode=() workers=() extra=()
  gpus="$(gpu_count)"
  if [ -f "$BASELINE_DIR/results.jsonl" ]; then
    mode+=(--vlm-baseline "$BASELINE_DIR")
  elif [ "${SAVE:-false}" != "true" ]; then
    fail "no release baseline to gate against: run this workflow on ${DEFAULT_REF:-the default branch} first (a push there, or a manual run with save_baseline)"
  fi
  if [ "${SAVE:-false}" = "true" ]; then
    rm -rf "$NEW_BASELINE_DIR"
    mode+=(--vlm-save-baseline "$NEW_BASELINE_DIR")
  fi
  if [ "$gpus" -gt 0 ]; then workers=(-p vlmcore.plugin.gpu_pinning -n "$gpus" --dist load); fi
  local path="${MODEL_PATH:-${MEDGEMMA_PATH:-}}"
  if [ -n "$path" ]; then export VLMCORE_MODEL_PATH="$path"; fi
  if [ -n "${PYTEST_EXTRA:-}" ]; then read -r -a extra <<< "$PYTEST_EXTRA"; fi
  local code=0
  "$PYTHON" -m pytest benchmarks -m "${MARKER:-$model}" --vlm-model "$model" --vlm-dataset "${DATASET:?}" \
    --vlm-report-dir "${REPORT_DIR:-reports}" "${workers[@]}" "${mode[@]}" "${extra[@]}" || code=$?
  if [ "${SAVE:-false}" = "true" ] && [ "$code" -eq 0 ] && [ -f "$NEW_BASELINE_DIR/manifest.json" ]; then
    output "saved=true"
  else
    output "saved=false"
  fi
  return "$code"
}

store() {
  [ -f "$NEW_BASELINE_DIR/manifest.json" ] || fail "no new baseline in ${NEW_BASELINE_DIR}: not stored (only a passing run is saved)"
  "$PYTHON" - "$NEW_BASELINE_DIR" <<'PY' || fail "the new baseline is not from a passing run: not stored"
import json, sys
from pathlib import Path
folder = Path(sys.argv[1])
summary = json.loads((folder / "summary.json").read_text())
seal = json.loads((folder / "manifest.json").read_text()).get("baseline", {})
problems = []
if summary.get("verdict") != "PASS":
    problems.append(f"its run's verdict is {summary.get('verdict')}")
if seal.get("forced"):
    problems.append(f"it was saved forced ({seal['forced']})")
if problems:
    sys.exit("refusing to store the baseline: " + "; ".join(problems))
PY
  local work
  work="$(mktemp -d)"
  if git -C "$BASELINE_GIT" fetch --quiet --depth 1 "$BASELINE_REMOTE" "+refs/heads/${BASELINE_BRANCH}:${TRACKING}" 2>/dev/null; then
    git -C "$BASELINE_GIT" worktree add --quiet --detach "$work" "$TRACKING"
  else
    git -C "$BASELINE_GIT" worktree add --quiet --detach "$work"
    git -C "$work" checkout --quiet --orphan "vlmcore-baselines-$$"
    git -C "$work" rm -rfq --ignore-unmatch .
  fi
  rm -rf "$work/release"
  cp -R "$NEW_BASELINE_DIR" "$work/release"
  git -C "$work" add -A release
  git -C "$work" -c user.name="vlmcore gate" -c user.email="vlmcore-gate@users.noreply.github.com" \
    commit --quiet -m "release baseline: ${RUN_LABEL:-a passing run}"
  git -C "$work" push --quiet "$BASELINE_REMOTE" "HEAD:refs/heads/${BASELINE_BRANCH}"
  say "release baseline stored on branch ${BASELINE_BRANCH} ($(git -C "$work" rev-parse --short HEAD))"
  git -C "$BASELINE_GIT" worktree remove --force "$work"
}

case "${1:-}" in
  plan) plan ;;
  check-dataset) check_dataset ;;
  restore) restore ;;
  benchmark) benchmark ;;
  store) store ;;
  *) fail "usage: $0 plan|check-dataset|restore|benchmark|store" ;;
esac
