"""Prompts from the checkpoint's own chat template (MedGemma and the generic adapter).

The template is applied once, to text, with one image and the question in a user turn; the
processor is then called on that text without adding special tokens again (a second BOS
would shift every position the template put there). The template is the checkpoint author's
program: it is rendered within a budget of steps, time and output (``template_budget``), and a
template that ran over it once is refused for every later prompt without running again.
"""

from __future__ import annotations


class ChatTemplatePrompt:
    """Mixin for adapters whose processor carries the prompt format as a chat template."""

    def prompt(self, question: str) -> str:
        from vlmcore.models.template_budget import TemplateBudgetExceeded, render_chat_prompt

        refused = getattr(self, "_template_refused", None)
        if refused is not None:
            raise TemplateBudgetExceeded(refused)
        # Rendered once per question and template: every result-cache key holds the prompt, so a
        # flip search's hundred candidates per group (read from the store on a rerun) rendered the
        # template for each of them on every lookup, most of the warm search's own time.
        template = self.processor.chat_template
        rendered = self.__dict__.setdefault("_rendered_prompts", {})
        key = (question, template if isinstance(template, str) else repr(template))
        if key not in rendered:
            if len(rendered) >= 65536:  # bounded: a long run's distinct questions, not its cases
                rendered.clear()
            try:
                rendered[key] = render_chat_prompt(self.processor, question)
            except TemplateBudgetExceeded as error:
                self._template_refused = f"{getattr(self, 'name', 'model')}: {error}"
                raise TemplateBudgetExceeded(self._template_refused) from None
        return rendered[key]

    def processor_call(self, images: list, prompts: list[str]) -> dict:
        return self.processor(images=[[image] for image in images], text=prompts, padding=True, return_tensors="pt",
                              add_special_tokens=False)
