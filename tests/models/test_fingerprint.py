"""The model fingerprint keys the result cache (issue 23 items 1 and 5): it covers every file that
changes the model's inputs or outputs and the adapter's code, and hashing never opens a FIFO, a
device or a giant sparse file."""

import json
import os
import shutil
import threading
import time

import pytest

from vlmcore.models.fingerprint import CheckpointFileError, adapter_code_digest, checkpoint_fingerprint


@pytest.fixture(scope="module")
def saved_medgemma(saved_tiny_checkpoints):
    return saved_tiny_checkpoints("medgemma")


@pytest.fixture
def checkpoint(saved_medgemma, tmp_path):
    folder = tmp_path / "ck"
    shutil.copytree(saved_medgemma, folder)
    return folder


def _edit_json(path, change):
    document = json.loads(path.read_text())
    change(document)
    path.write_text(json.dumps(document))


EDITS = {
    "processor image_mean": lambda f: _edit_json(f / "processor_config.json",
                                                 lambda d: d["image_processor"].__setitem__("image_mean", [0.1, 0.1, 0.1])),
    "tokenizer config": lambda f: _edit_json(f / "tokenizer_config.json", lambda d: d.__setitem__("clean_up_tokenization_spaces", True)),
    "tokenizer vocabulary": lambda f: (f / "tokenizer.json").write_text((f / "tokenizer.json").read_text().replace('"yes"', '"yex"', 1)),
    "chat template": lambda f: (f / "chat_template.jinja").write_text("You are a radiologist.\n" + (f / "chat_template.jinja").read_text()),
    "generation config": lambda f: _edit_json(f / "generation_config.json", lambda d: d.__setitem__("temperature", 0.1)),
    "preprocessor config added": lambda f: (f / "preprocessor_config.json").write_text('{"image_mean": [0.2, 0.2, 0.2]}'),
    "special tokens map added": lambda f: (f / "special_tokens_map.json").write_text('{"bos_token": "<s>"}'),
    "named chat template added": lambda f: ((f / "additional_chat_templates").mkdir(),
                                           (f / "additional_chat_templates" / "terse.jinja").write_text("{{ messages }}")),
}


@pytest.mark.parametrize("edit", list(EDITS), ids=list(EDITS))
def test_a_changed_input_or_output_file_changes_the_fingerprint(checkpoint, edit):
    before = checkpoint_fingerprint(checkpoint, "float32", None)
    EDITS[edit](checkpoint)
    assert checkpoint_fingerprint(checkpoint, "float32", None) != before


def test_documentation_does_not_change_the_fingerprint(checkpoint):
    before = checkpoint_fingerprint(checkpoint, "float32", None)
    (checkpoint / "README.md").write_text("# a model card")
    (checkpoint / "LICENSE").write_text("terms")
    assert checkpoint_fingerprint(checkpoint, "float32", None) == before


def test_the_adapter_code_is_part_of_the_fingerprint(checkpoint):
    from vlmcore.models.generic import HFImageTextAdapter
    from vlmcore.models.medgemma import MedGemmaAdapter

    plain = checkpoint_fingerprint(checkpoint, "float32", None)
    with_adapter = checkpoint_fingerprint(checkpoint, "float32", None, MedGemmaAdapter)
    assert with_adapter != plain and with_adapter != checkpoint_fingerprint(checkpoint, "float32", None, HFImageTextAdapter)

    class EditedPrompt(MedGemmaAdapter):  # a user's subclass: its own source counts
        def prompt(self, question):
            return super().prompt(question.lower())

    assert adapter_code_digest(EditedPrompt) != adapter_code_digest(MedGemmaAdapter)


def _finishes(call, seconds=20.0):
    """Run ``call`` on a thread: (finished in time, its error). A hang would otherwise hang the suite."""
    outcome = {}

    def target():
        try:
            call()
        except Exception as error:  # the test inspects it
            outcome["error"] = error

    thread = threading.Thread(target=target, daemon=True)
    thread.start()
    thread.join(seconds)
    return not thread.is_alive(), outcome.get("error")


def test_a_fifo_among_the_weights_is_refused_not_read(checkpoint):
    os.mkfifo(checkpoint / "model-extra.safetensors")
    done, error = _finishes(lambda: checkpoint_fingerprint(checkpoint, "float32", None))
    assert done, "hashing a FIFO must not block"
    assert isinstance(error, CheckpointFileError)
    assert f"{checkpoint / 'model-extra.safetensors'} is a FIFO, not a regular file" in str(error)


@pytest.mark.parametrize("name", ["model-00002-of-00002.safetensors", "tokenizer.model", "generation_config.json"])
def test_a_link_to_dev_zero_is_refused(checkpoint, name):
    target = checkpoint / name
    target.unlink(missing_ok=True)
    target.symlink_to("/dev/zero")
    done, error = _finishes(lambda: checkpoint_fingerprint(checkpoint, "float32", None))
    assert done and isinstance(error, CheckpointFileError)
    assert f"{target} (a link to /dev/zero) is a character device, not a regular file" in str(error)


def test_a_sparse_giant_weight_file_is_refused_before_hashing(checkpoint):
    giant = checkpoint / "model-00002-of-00002.safetensors"
    shutil.copyfile(checkpoint / "model.safetensors", giant)
    with giant.open("r+b") as handle:
        handle.truncate(2**40)  # 1 TiB of holes after a valid header
    started = time.perf_counter()
    with pytest.raises(CheckpointFileError, match=r"1099511627776 bytes, but its safetensors header describes \d+"):
        checkpoint_fingerprint(checkpoint, "float32", None)
    assert time.perf_counter() - started < 5


def test_an_oversized_side_file_is_refused(checkpoint):
    with (checkpoint / "tokenizer.json").open("r+b") as handle:
        handle.truncate(2**30)
    with pytest.raises(CheckpointFileError, match=r"tokenizer.json: 1024 MiB; a configuration, tokenizer or template file is at most 512"):
        checkpoint_fingerprint(checkpoint, "float32", None)


def test_the_checkpoint_budget_is_configurable(checkpoint, monkeypatch):
    monkeypatch.setenv("VLMCORE_MAX_CHECKPOINT_GB", "0.000001")
    with pytest.raises(CheckpointFileError, match=r"its files exceed 0 GiB at .* \(VLMCORE_MAX_CHECKPOINT_GB raises the budget\)"):
        checkpoint_fingerprint(checkpoint, "float32", None)
