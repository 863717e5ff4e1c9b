"""Which part of the original film a processor shows the model.

CLIP-style processors (LLaVA-1.5, LLaVA-Rad) resize the short side to ``shortest_edge`` and
centre-crop ``crop_size``; the patch grid then covers that crop, not the film. The region is
given back in original film pixels, (top, left, height, width), so metrics, boxes, body masks
and overlays can place the grid where the model looked.
"""

from __future__ import annotations


def whole_film(image_shape: tuple[int, ...]) -> tuple[float, float, float, float]:
    """The region of a processor that shows the model the whole film (resized, not cropped)."""
    return (0.0, 0.0, float(image_shape[0]), float(image_shape[1]))


def _get(settings, key: str):
    if settings is None:
        return None
    return settings.get(key) if isinstance(settings, dict) else getattr(settings, key, None)


def centre_crop_region(image_shape: tuple[int, ...], image_processor) -> tuple[float, float, float, float]:
    height, width = float(image_shape[0]), float(image_shape[1])
    processor = getattr(image_processor, "inner", image_processor)  # SharedImageProcessor wraps the real one
    shortest = _get(getattr(processor, "size", None), "shortest_edge")
    crop = getattr(processor, "crop_size", None)
    if not getattr(processor, "do_center_crop", False) or not shortest or crop is None:
        return whole_film(image_shape)
    scale = float(shortest) / min(height, width)
    crop_h = min(float(_get(crop, "height")), height * scale) / scale
    crop_w = min(float(_get(crop, "width")), width * scale) / scale
    return ((height - crop_h) / 2, (width - crop_w) / 2, crop_h, crop_w)


def pixel_bounds(region: tuple[float, float, float, float], image_shape: tuple[int, ...]) -> tuple[int, int, int, int]:
    """(row0, row1, col0, col1) integer bounds of ``region`` inside a film of ``image_shape``."""
    top, left, height, width = region
    row0, col0 = max(0, int(round(top))), max(0, int(round(left)))
    row1 = min(int(image_shape[0]), int(round(top + height)))
    col1 = min(int(image_shape[1]), int(round(left + width)))
    return row0, row1, col0, col1
