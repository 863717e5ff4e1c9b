"""Hostile checkpoints end to end through ``pytest benchmarks`` (issue 23 items 1, 3, 4, 5): stale
cached answers, FIFOs and devices among the files, missing / unexpected / mistyped tensors, a
``model_type`` that is not the weights', oversized processor sizes and runaway chat templates.
Each gives its exit code and a message naming the file and key."""

import json
import os
import shutil
import struct

import pytest

from tests.plugin.conftest import read_results, read_summary, run_suite

ONE_GROUP = ["-k", "test_group_accuracy and phantom01"]


@pytest.fixture(scope="session")
def tiny_checkpoints(saved_tiny_checkpoints):
    """Saved tiny MedGemma and LLaVA, built before pytester is active (see ``saved_tiny_checkpoints``)."""
    return {family: saved_tiny_checkpoints(family) for family in ("medgemma", "llava")}


@pytest.fixture
def medgemma(tiny_checkpoints, tmp_path):
    return shutil.copytree(tiny_checkpoints["medgemma"], tmp_path / "medgemma")


@pytest.fixture
def llava(tiny_checkpoints, tmp_path):
    return shutil.copytree(tiny_checkpoints["llava"], tmp_path / "llava")


def _run(pytester, folder, tmp_path, *args, family="medgemma", report="r"):
    return run_suite(pytester, "-m", family, *ONE_GROUP, "--vlm-model", family, "--vlm-model-path", str(folder),
                     "--vlm-report-dir", str(tmp_path / report), *args)


def test_same_weights_with_another_processor_never_share_cached_answers(pytester, medgemma, tmp_path):
    """Issue 23 item 1: the cache keyed on config + weights served the old answers to a checkpoint
    whose processor normalisation changed (all rows stale)."""
    cache = ["--vlm-result-cache", str(tmp_path / "shared.sqlite")]
    first = _run(pytester, medgemma, tmp_path, *cache, report="a")
    assert first.ret in (1, 10), first.stdout.str()[-2000:]
    other = shutil.copytree(medgemma, tmp_path / "medgemma-other-processor")
    config = json.loads((other / "processor_config.json").read_text())
    config["image_processor"]["image_mean"] = [0.9, 0.9, 0.9]
    config["image_processor"]["image_std"] = [0.05, 0.05, 0.05]
    (other / "processor_config.json").write_text(json.dumps(config))
    second = _run(pytester, other, tmp_path, *cache, report="b")
    assert second.ret in (1, 10)
    fingerprints = [read_summary(tmp_path / r)["environment"]["models"]["medgemma"].split("fingerprint=")[1].split()[0] for r in "ab"]
    assert fingerprints[0] != fingerprints[1]
    before, after = read_results(tmp_path / "a"), read_results(tmp_path / "b")
    assert [r["p_yes"] for r in before] != [r["p_yes"] for r in after]  # computed afresh, not served from the cache
    timings = json.loads((tmp_path / "b" / (tmp_path / "b" / "latest.txt").read_text().strip() / "timings.json").read_text())
    assert timings["model_calls_groups"] > 0


def test_a_fifo_in_the_checkpoint_is_a_usage_error_at_start(pytester, medgemma, tmp_path):
    os.mkfifo(medgemma / "model-00002-of-00002.safetensors")
    result = _run(pytester, medgemma, tmp_path)
    assert result.ret == 4
    assert f"{medgemma / 'model-00002-of-00002.safetensors'} is a FIFO, not a regular file" in result.stderr.str()


def _rewrite_tensor_dtype(path, name, dtype):
    """Change one tensor's stored dtype in a safetensors header (same byte width: F32 -> I32)."""
    raw = path.read_bytes()
    (length,) = struct.unpack("<Q", raw[:8])
    header = json.loads(raw[8:8 + length])
    header[name]["dtype"] = dtype
    encoded = json.dumps(header, separators=(",", ":")).encode()
    encoded += b" " * (length - len(encoded))
    assert len(encoded) == length
    path.write_bytes(raw[:8] + encoded + raw[8 + length:])


def _tensor_names(path):
    raw = path.read_bytes()
    (length,) = struct.unpack("<Q", raw[:8])
    return [n for n in json.loads(raw[8:8 + length]) if n != "__metadata__"]


def test_a_tensor_stored_as_integers_is_refused_not_cast(pytester, llava, tmp_path):
    weights = llava / "model.safetensors"
    name = next(n for n in _tensor_names(weights) if n.endswith("down_proj.weight"))
    _rewrite_tensor_dtype(weights, name, "I32")
    result = _run(pytester, llava, tmp_path, family="llava")
    assert result.ret == 4
    assert f"{weights}: tensor {name!r} is stored as I32, but model weights are floating point: refused, not cast" in result.stderr.str()


def _drop_tensors(path, predicate):
    from safetensors.torch import load_file, save_file

    tensors = load_file(path)
    save_file({k: v for k, v in tensors.items() if not predicate(k)}, path, metadata={"format": "pt"})


def test_a_checkpoint_without_its_lm_head_is_not_evaluated(pytester, llava, tmp_path):
    _drop_tensors(llava / "model.safetensors", lambda name: "lm_head" in name)
    result = _run(pytester, llava, tmp_path, family="llava")
    assert result.ret == 10
    result.stdout.fnmatch_lines(["*llava failed to load*missing from the checkpoint (they would be randomly initialised)*lm_head*"])
    assert read_summary(tmp_path / "r")["verdict"] == "NOT EVALUATED"


def test_an_unexpected_tensor_is_refused(pytester, llava, tmp_path):
    from safetensors.torch import load_file, save_file

    import torch

    tensors = load_file(llava / "model.safetensors")
    tensors["model.language_model.layers.0.mlp.extra_proj.weight"] = torch.zeros(4, 4)
    save_file(tensors, llava / "model.safetensors", metadata={"format": "pt"})
    result = _run(pytester, llava, tmp_path, family="llava")
    assert result.ret == 10
    result.stdout.fnmatch_lines(["*llava failed to load*not used by LlavaForConditionalGeneration*extra_proj*"])


def test_a_model_type_that_is_not_the_weights_is_a_usage_error(pytester, llava, tmp_path):
    config = json.loads((llava / "config.json").read_text())
    config["model_type"] = "gemma3"
    (llava / "config.json").write_text(json.dumps(config))
    result = _run(pytester, llava, tmp_path, family="medgemma")
    assert result.ret == 4
    assert ("config.json: model_type 'gemma3' does not match its architectures ['LlavaForConditionalGeneration'] "
            "(a 'llava' model)") in result.stderr.str()


def test_a_processor_asking_for_40000_px_films_is_a_usage_error_at_start(pytester, medgemma, tmp_path):
    config = json.loads((medgemma / "processor_config.json").read_text())
    config["image_processor"]["size"] = {"height": 40000, "width": 40000}
    (medgemma / "processor_config.json").write_text(json.dumps(config))
    result = _run(pytester, medgemma, tmp_path)
    assert result.ret == 4
    assert (f"{medgemma / 'processor_config.json'}: image_processor.size.height = 40,000 asks for larger images than the budget "
            "of 4,096 px per side") in result.stderr.str()
    assert not (tmp_path / "r" / "latest.txt").exists()  # nothing ran


@pytest.mark.parametrize("template, message", [
    ("{% for i in range(100000) %}{% for j in range(100000) %}{% endfor %}{% endfor %}", "more than 1,000,000 steps"),
    ("{{ 'x' * 3000000000 }}", "a value of 3,000,000,000 characters"),
], ids=["nested-loops", "3e9-characters"])
def test_a_runaway_chat_template_is_a_usage_error_at_start(pytester, medgemma, tmp_path, template, message):
    (medgemma / "chat_template.jinja").write_text(template)
    result = _run(pytester, medgemma, tmp_path)
    assert result.ret == 4
    assert f"{medgemma / 'chat_template.jinja'}: chat template: {message}" in result.stderr.str()
