"""Prompts from the checkpoint's own chat template (MedGemma and the generic adapter).

The template is applied once, to text, with one image and the question in a user turn; the
processor is then called on that text without adding special tokens again (a second BOS
would shift every position the template put there).
"""

from __future__ import annotations


class ChatTemplatePrompt:
    """Mixin for adapters whose processor carries the prompt format as a chat template."""

    def prompt(self, question: str) -> str:
        messages = [{"role": "user", "content": [{"type": "image"}, {"type": "text", "text": question}]}]
        return self.processor.apply_chat_template(messages, add_generation_prompt=True, tokenize=False)

    def processor_call(self, images: list, prompts: list[str]) -> dict:
        return self.processor(images=[[image] for image in images], text=prompts, padding=True, return_tensors="pt",
                              add_special_tokens=False)
