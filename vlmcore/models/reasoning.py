"""How a checkpoint writes its answer: plainly, after ``<think>…</think>``, or after Gemma's
thought channel, read from the checkpoint itself (never from a model's name).

- ``think`` (DeepSeek-R1, Guo et al. 2025, arXiv 2501.12948; MedVLM-R1, Pan et al. 2025, arXiv
  2502.19634; Qwen3): the tokenizer has ``<think>`` and ``</think>`` as whole tokens, or the chat
  template writes them. When the rendered generation prompt *ends* inside ``<think>`` (templates
  that open the thinking block for the model), the output carries only ``</think>``, so the
  reading is strict: no ``</think>`` means the reasoning was cut off.
- ``gemma``: the chat template writes MedGemma's thought channel ``<unused94>`` / ``<unused95>``.
  Every Gemma vocabulary holds ``<unused94>`` (an unused slot), so the vocabulary alone says
  nothing; the template does.
- ``plain``: neither.

The detected format sets the generation budget (reasoning needs room before the answer); the
reader still finds the markers in each output (``vlmcore.answers.formats``), so a model that
has the tokens but answers directly is read right.
"""

from __future__ import annotations

from dataclasses import dataclass

from vlmcore.answers.formats import GEMMA_CLOSE, GEMMA_OPEN, THINK_CLOSE, THINK_OPEN

#: the tokens decoding keeps although a tokenizer may call them special: the reader needs them
REASONING_MARKERS = frozenset({THINK_OPEN, THINK_CLOSE, "<answer>", "</answer>", GEMMA_OPEN, GEMMA_CLOSE})


@dataclass(frozen=True)
class ReasoningFormat:
    name: str  # "plain" | "think" | "gemma"
    evidence: str  # what in the checkpoint said so
    strict: bool = False  # the prompt opens the reasoning block: read with this format, not "auto"

    @property
    def reading(self) -> str:
        """The format the reader is given: the detected one when the prompt opened it, else
        ``auto`` (the markers in each output decide)."""
        return self.name if self.strict else "auto"


def _template_text(processor, tokenizer) -> str:
    parts = []
    for owner in (processor, tokenizer):
        template = getattr(owner, "chat_template", None)
        if isinstance(template, dict):
            parts += [str(value) for value in template.values()]
        elif template:
            parts.append(str(template))
    return "\n".join(parts)


def detect_reasoning(processor, tokenizer, rendered_prompt: str = "") -> ReasoningFormat:
    """The checkpoint's reasoning format, with the evidence. ``rendered_prompt``: the prompt the
    adapter builds for a question, with the generation prompt added."""
    template = _template_text(processor, tokenizer)
    if rendered_prompt.rstrip().endswith(THINK_OPEN):
        return ReasoningFormat("think", f"the generation prompt ends with {THINK_OPEN}: the model writes its reasoning, "
                                        f"then {THINK_CLOSE}", strict=True)
    if GEMMA_OPEN in template or GEMMA_CLOSE in template:
        return ReasoningFormat("gemma", f"the chat template writes the thought channel {GEMMA_OPEN}…{GEMMA_CLOSE}")
    if THINK_OPEN in template:
        return ReasoningFormat("think", f"the chat template writes {THINK_OPEN}…{THINK_CLOSE}")
    vocabulary = tokenizer.get_vocab() if hasattr(tokenizer, "get_vocab") else {}
    if THINK_OPEN in vocabulary and THINK_CLOSE in vocabulary:
        return ReasoningFormat("think", f"the tokenizer has {THINK_OPEN} and {THINK_CLOSE} as whole tokens")
    return ReasoningFormat("plain", "no reasoning markers in the chat template or the vocabulary")
