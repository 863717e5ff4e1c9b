"""What the talking recipes are trained to write, the reader of those formats, the tiny
vocabulary that lets them say it, and the training rows that teach it (prompt, completion,
end token; loss on the completion only)."""

import pytest

from vlmcore.models.tiny import NO_EXTENSION, build_tiny
from vlmcore.reference.answer_format import EXTENSIONS, PREAMBLES, completion, end_token, read_answer
from vlmcore.reference.questions import all_phrasings, phrasings
from vlmcore.reference.recipes import REFERENCE_SIZE

EFFUSION_LEFT = (("pleural_effusion", "left"),)


@pytest.mark.parametrize("text, answer", [
    ("yes", "yes"), ("no", "no"), ("Yes.", "yes"),
    ("Based on the chest film, the answer is yes.", "yes"), ("Looking at the film, I would say no.", "no"),
    ("<think> the heart is enlarged </think> <answer> yes </answer>", "yes"),
    ("<think> no fluid, yes the base is clear </think> <answer> no </answer>", "no"),  # words in the reasoning do not count
    ("<think> the heart is enlarged </think> yes", "yes"),  # answer after the reasoning, without a tag
    ("<think> the heart is enlarged", None),  # reasoning cut off by the budget: no answer, not "no"
    ("<think> fine </think> <answer> yes", None),  # answer tag never closed
    ("the heart is enlarged", None), ("", None),
])
def test_the_reader_finds_the_answer_of_each_format(text, answer):
    assert read_answer(text) == answer


def test_verbose_completions_put_the_answer_last_after_several_preambles():
    texts = {completion("verbose", p.kind, p.side, (), 1) for p in all_phrasings() if p.kind in ("cardiomegaly", "pleural_effusion",
                                                                                                  "consolidation")}
    assert len(texts) == len(PREAMBLES) >= 3
    for text in texts:
        first = text.split()[0].lower().strip(",.")
        assert first not in ("yes", "no") and read_answer(text) == "yes" and text.rstrip(".").endswith("yes")


def test_reasoning_describes_the_film_and_the_answer_follows_the_question():
    """A negated question keeps the reasoning about the film; only the answer inverts."""
    asked = completion("reasoner", "pleural_effusion", "left", EFFUSION_LEFT, 1)
    negated = completion("reasoner", "pleural_effusion", "left", EFFUSION_LEFT, 0)
    assert asked == "<think> fluid fills the left lung base </think> <answer> yes </answer>"
    assert negated == "<think> fluid fills the left lung base </think> <answer> no </answer>"
    assert "clear" in completion("reasoner", "pleural_effusion", "right", EFFUSION_LEFT, 0)  # the other side is clear
    assert completion("reasoner", "cardiomegaly", None, (), 0) == "<think> the heart size is normal </think> <answer> no </answer>"


@pytest.mark.parametrize("answer_format", ["verbose", "reasoner"])
@pytest.mark.parametrize("family", ["llava", "medgemma"])
def test_every_completion_tokenises_without_unknowns_and_reads_back_after_decoding(answer_format, family):
    _, processor = build_tiny(family, REFERENCE_SIZE, extension=EXTENSIONS[answer_format])
    tokenizer = processor.tokenizer
    findings = [(), (("cardiomegaly", None),), EFFUSION_LEFT, (("consolidation", "right"),)]
    texts = {completion(answer_format, p.kind, p.side, f, a) for p in all_phrasings() for f in findings for a in (0, 1)}
    for text in texts:
        ids = tokenizer.encode(text, add_special_tokens=False)
        assert tokenizer.unk_token_id not in ids, text
        decoded = tokenizer.decode(ids + [tokenizer.convert_tokens_to_ids(end_token(family, tokenizer))], skip_special_tokens=True)
        assert read_answer(decoded) == read_answer(text) is not None, (text, decoded)


def test_a_vocabulary_extension_keeps_every_existing_token_id_and_a_build_without_one_is_unchanged():
    _, plain = build_tiny("llava", REFERENCE_SIZE)
    _, default = build_tiny("llava", REFERENCE_SIZE, extension=NO_EXTENSION)
    _, extended = build_tiny("llava", REFERENCE_SIZE, extension=EXTENSIONS["reasoner"] | EXTENSIONS["verbose"])
    base = plain.tokenizer.get_vocab()
    assert default.tokenizer.get_vocab() == base
    assert all(extended.tokenizer.get_vocab()[token] == index for token, index in base.items())
    assert len(extended.tokenizer) > len(plain.tokenizer)
    ids = extended.tokenizer.encode("<think> the heart size is normal </think>", add_special_tokens=False)
    assert len(ids) == 7 and extended.tokenizer.unk_token_id not in ids  # tags are single tokens, not "<", "think", ">"
    # not special: they survive the decoding the adapters use (skip_special_tokens=True)
    assert extended.tokenizer.decode(ids, skip_special_tokens=True).startswith("<think> the heart")


def test_every_registered_family_builds_with_an_extension_and_a_builder_without_the_parameter_still_builds():
    """``FamilySpec.build_tiny`` passes the extension to every family's builder (the Qwen ones
    share one processor recipe); a plugin family's ``builder(size, seed)`` is called as before."""
    from dataclasses import replace

    from vlmcore.models.families import FAMILIES, family_spec

    extension = EXTENSIONS["reasoner"]
    built = 0
    for name in FAMILIES.names():
        spec = family_spec(name)
        _, plain = spec.build_tiny(REFERENCE_SIZE, 0)
        _, extended = spec.build_tiny(REFERENCE_SIZE, 0, extension=extension)
        added = len(extended.tokenizer) - len(plain.tokenizer)
        assert added == 2 * len(extension.words) + len(extension.tags), name
        ids = extended.tokenizer.encode("<answer> yes </answer>", add_special_tokens=False)
        assert len(ids) == 3 and extended.tokenizer.unk_token_id not in ids, name
        built += 1
    assert built >= 9
    legacy = replace(family_spec("llava"), tiny_builder=f"{__name__}:legacy_builder")
    assert legacy.build_tiny(REFERENCE_SIZE, 3, extension=NO_EXTENSION) == ("built", REFERENCE_SIZE, 3)
    with pytest.raises(TypeError):  # asked for words it cannot add: refused, never silently dropped
        legacy.build_tiny(REFERENCE_SIZE, 3, extension=extension)


def legacy_builder(size, seed):
    """A plugin family's tiny builder written before vocabulary extensions existed."""
    return ("built", size, seed)


def test_training_rows_append_completion_and_end_token_and_label_only_them():
    from vlmcore.models import ADAPTERS
    from vlmcore.reference.batches import PromptTable, blank_pixels

    model, processor = build_tiny("medgemma", REFERENCE_SIZE)
    adapter = ADAPTERS.get("medgemma")(model, processor, name="rows")
    tokenizer = adapter.tokenizer
    texts = [phrasings("cardiomegaly", None)["baseline"][0].text, phrasings("consolidation", "left")["voice"][0].text]
    table = PromptTable(adapter, texts, 128)
    end = tokenizer.convert_tokens_to_ids("<end_of_turn>")
    completions = [[tokenizer.convert_tokens_to_ids("yes"), end], [tokenizer.convert_tokens_to_ids("no"), end]]
    pixels = blank_pixels(adapter, 128).expand(2, -1, -1, -1)
    batch, labels = table.training_batch(texts, pixels, completions)
    for row, (text, ids) in enumerate(zip(texts, completions)):
        prompt = table.encoded[text]["input_ids"]
        n = len(prompt)
        assert batch["input_ids"][row, :n].tolist() == prompt.tolist()
        assert batch["input_ids"][row, n:n + 2].tolist() == ids  # the answer, then Gemma's end of turn
        assert batch["attention_mask"][row, :n + 2].all() and not batch["attention_mask"][row, n + 2:].any()
        assert batch["token_type_ids"][row, n:].sum() == 0  # completion tokens are text, not image
        # the logits at the last prompt token predict the answer, the next ones the end token
        assert labels[row, n - 1:n + 1].tolist() == ids and (labels[row, :n - 1] == -100).all() and (labels[row, n + 1:] == -100).all()
    left, last = table.collate(texts, pixels, left=True)
    assert (last == left["input_ids"].shape[1] - 1).all() and left["attention_mask"][:, -1].all()
