"""Processors for image-only use, where transformers would insist on a video processor.

Qwen2-VL / Qwen2.5-VL processors carry a video processor, whose class needs torchvision;
on a CPU machine without it (ours, and many CI runners) neither building nor loading the
processor works, although a chest film needs no video path. Here the processor is built
from its tokenizer and image processor with no video processor; everything else, the
chat template included, is the checkpoint's own.
"""

from __future__ import annotations

import json
from functools import lru_cache
from pathlib import Path

from vlmcore.errors import ConfigError


@lru_cache(maxsize=None)
def image_only(processor_class):
    """``processor_class`` without its video processor part (unchanged when it has none).

    transformers checks every part's class when building a processor and saves every part,
    and without torchvision the video processor's base class cannot even be named. The
    subclass leaves that one part out of the processor's parts; it keeps the real class's
    name, so what it saves loads as the real class."""
    if "video_processor" not in processor_class.get_attributes():
        return processor_class

    class ImageOnly(processor_class):
        @classmethod
        def get_attributes(cls):
            return [name for name in super().get_attributes() if name != "video_processor"]

    ImageOnly.__name__ = ImageOnly.__qualname__ = processor_class.__name__
    return ImageOnly


def assemble_processor(processor_class, **parts):
    """``processor_class`` built from ``parts`` (tokenizer, image processor, chat template...), image-only."""
    parts.pop("video_processor", None)
    return image_only(processor_class)(**parts)


def _needs_video_processor(processor_class) -> bool:
    return "video_processor" in processor_class.get_attributes()


def load_processor(folder: Path, **common):
    """The checkpoint's processor; built image-only when its class has a video processor part
    (loading that part needs torchvision, and a film never uses it), on every machine alike."""
    import transformers

    config_file = Path(folder) / "processor_config.json"
    name = json.loads(config_file.read_text()).get("processor_class") if config_file.is_file() else None
    processor_class = getattr(transformers, name, None) if name else None
    if processor_class is None or not _needs_video_processor(processor_class):
        return transformers.AutoProcessor.from_pretrained(folder, **common)
    tokenizer = transformers.AutoTokenizer.from_pretrained(folder, **common)
    image_processor = transformers.AutoImageProcessor.from_pretrained(folder, **common)
    template = _chat_template(Path(folder)) or getattr(tokenizer, "chat_template", None)
    if not template:
        raise ConfigError(f"{folder}: no chat template (chat_template.jinja, chat_template.json or the tokenizer's)")
    return assemble_processor(processor_class, image_processor=image_processor, tokenizer=tokenizer, chat_template=template,
                              **_processor_settings(Path(folder), processor_class))


def _chat_template(folder: Path) -> str | None:
    jinja = folder / "chat_template.jinja"
    if jinja.is_file():
        return jinja.read_text()
    as_json = folder / "chat_template.json"
    if as_json.is_file():
        return json.loads(as_json.read_text()).get("chat_template")
    return None


def _processor_settings(folder: Path, processor_class) -> dict:
    """Plain settings saved beside the parts in ``processor_config.json`` that ``__init__`` takes."""
    import inspect

    path = folder / "processor_config.json"
    saved = json.loads(path.read_text()) if path.is_file() else {}
    accepted = set(inspect.signature(processor_class.__init__).parameters) - {"self", "image_processor", "tokenizer",
                                                                               "video_processor", "chat_template"}
    return {key: value for key, value in saved.items() if key in accepted and not isinstance(value, dict)}
