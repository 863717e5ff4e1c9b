"""Image sizes a checkpoint's processor may ask for, checked before any film is processed
(issue 23 item 5): a ``processor_config.json`` asking for 40000 px films would have every film
resized to 40000 x 40000 x 3 floats (19 GB) before the model sees it.

Read from the processor's own settings (``size``, ``crop_size``, ``max_image_size``,
``image_size``: sides in pixels; ``max_pixels`` / ``min_pixels``, and the ``size`` edges of
dynamic-resolution processors such as Qwen2-VL: pixel counts), wherever they nest. The budget
is far above every supported family (MedGemma 896 px, LLaVA 336, Florence-2 768, Idefics3 1536,
Qwen2.5-VL 12.8 M pixels) and overridable with ``VLMCORE_MAX_IMAGE_SIDE`` / ``VLMCORE_MAX_IMAGE_PIXELS``.
"""

from __future__ import annotations

import json
import os
from pathlib import Path
from typing import Iterator

from vlmcore.errors import ConfigError

MAX_SIDE = 4096
MAX_PIXELS = 4096 * 4096
SIZE_KEYS = ("size", "crop_size", "max_image_size", "image_size", "pad_size")
PIXEL_KEYS = ("max_pixels", "min_pixels")
SIDE_FIELDS = ("height", "width", "shortest_edge", "longest_edge")
#: siblings that mark a dynamic-resolution processor, whose ``size`` edges are pixel counts (Qwen2-VL)
DYNAMIC_MARKERS = ("merge_size", "temporal_patch_size")
PROCESSOR_FILES = ("preprocessor_config.json", "processor_config.json")


class PixelBudgetExceeded(ConfigError):
    """A processor setting asks for larger images than the budget."""


def limits() -> tuple[int, int]:
    side = os.environ.get("VLMCORE_MAX_IMAGE_SIDE")
    pixels = os.environ.get("VLMCORE_MAX_IMAGE_PIXELS")
    return int(side) if side else MAX_SIDE, int(pixels) if pixels else MAX_PIXELS


def _requests(settings: dict, prefix: str = "") -> Iterator[tuple[str, str, float]]:
    """(key path, "side" | "pixels", value) for every image-size setting, at any depth."""
    dynamic = any(marker in settings for marker in DYNAMIC_MARKERS)
    for key, value in settings.items():
        path = f"{prefix}{key}"
        if isinstance(value, dict) and key not in SIZE_KEYS:
            yield from _requests(value, f"{path}.")
        elif key in PIXEL_KEYS and _number(value):
            yield path, "pixels", value
        elif key in SIZE_KEYS and _number(value):
            yield path, "side", value
        elif key in SIZE_KEYS and isinstance(value, (list, tuple)):
            for index, side in enumerate(value):
                if _number(side):
                    yield f"{path}[{index}]", "side", side
        elif key in SIZE_KEYS and isinstance(value, dict):
            for field, side in value.items():
                if field in SIDE_FIELDS and _number(side):
                    yield f"{path}.{field}", "pixels" if dynamic and field.endswith("_edge") else "side", side
            if _number(value.get("height")) and _number(value.get("width")):
                yield f"{path}.height x {path}.width", "pixels", value["height"] * value["width"]


def _number(value) -> bool:
    return isinstance(value, (int, float)) and not isinstance(value, bool)


def check_pixel_settings(settings: dict, where: str) -> None:
    """Refuse the first image-size setting over the budget, naming ``where`` and the key."""
    max_side, max_pixels = limits()
    for path, kind, value in _requests(settings):
        if value != value or value in (float("inf"), float("-inf")):
            raise PixelBudgetExceeded(f"{where}: {path} = {value!r} is not a size")
        limit = max_side if kind == "side" else max_pixels
        if value > limit:
            unit = "px per side" if kind == "side" else "pixels per image"
            variable = "VLMCORE_MAX_IMAGE_SIDE" if kind == "side" else "VLMCORE_MAX_IMAGE_PIXELS"
            raise PixelBudgetExceeded(f"{where}: {path} = {value:,.0f} asks for larger images than the budget of {limit:,} "
                                      f"{unit} ({variable} raises it); refused before any film is processed")


def check_checkpoint_pixels(folder: Path) -> None:
    """The processor files of a checkpoint folder, read as JSON (files already checked to be regular)."""
    for name in PROCESSOR_FILES:
        path = Path(folder) / name
        if not path.is_file():
            continue
        try:
            settings = json.loads(path.read_text())
        except (OSError, ValueError) as error:
            raise ConfigError(f"{path}: not a readable JSON file ({error})") from None
        if isinstance(settings, dict):
            check_pixel_settings(settings, str(path))


def check_image_processor(image_processor, where: str) -> None:
    """The loaded image processor's own settings (whatever file or default they came from)."""
    to_dict = getattr(image_processor, "to_dict", None)
    settings = to_dict() if callable(to_dict) else dict(vars(image_processor))
    check_pixel_settings({k: v for k, v in settings.items() if isinstance(k, str)}, where)
