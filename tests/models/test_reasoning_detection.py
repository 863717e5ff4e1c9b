"""The reasoning format is read from the checkpoint (chat template, rendered prompt, whole
tokens), never from a model's name; the evidence says which."""

import pytest

from vlmcore.models.reasoning import detect_reasoning


class Owner:
    def __init__(self, template=None, vocabulary=()):
        self.chat_template = template
        self._vocabulary = {token: i for i, token in enumerate(vocabulary)}

    def get_vocab(self):
        return self._vocabulary


GEMMA_VOCABULARY = ("<bos>", "<start_of_turn>", "<unused94>", "<unused95>", "yes", "no")


@pytest.mark.parametrize("processor, tokenizer, prompt, name, strict, evidence", [
    (Owner("{{ '<start_of_turn>model\\n' }}{% if thinking %}<unused94>thought{% endif %}"), Owner(vocabulary=GEMMA_VOCABULARY), "",
     "gemma", False, "thought channel"),
    # every Gemma vocabulary holds <unused94>: without the template writing it, MedGemma answers plainly
    (Owner("{{ '<start_of_turn>model\\n' }}"), Owner(vocabulary=GEMMA_VOCABULARY), "", "plain", False, "no reasoning markers"),
    (Owner(None), Owner("{{ '<|im_start|>assistant\\n<think>\\n' }}"), "<|im_start|>assistant\n<think>\n", "think", True,
     "generation prompt ends with <think>"),
    (Owner({"default": "{% if m.reasoning %}<think>{{ m.reasoning }}</think>{% endif %}"}), Owner(), "", "think", False,
     "chat template writes <think>"),
    (Owner(None), Owner(vocabulary=("<think>", "</think>", "yes")), "", "think", False, "whole tokens"),
    (Owner(None), Owner(vocabulary=("<think>", "yes")), "", "plain", False, "no reasoning markers"),  # an open tag alone
])
def test_the_format_comes_from_the_checkpoint(processor, tokenizer, prompt, name, strict, evidence):
    found = detect_reasoning(processor, tokenizer, prompt)
    assert (found.name, found.strict) == (name, strict) and evidence in found.evidence
    assert found.reading == (name if strict else "auto")  # only a prompt that opens the block reads strictly
