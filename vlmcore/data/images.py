"""Read a chest radiograph (PNG, JPEG, DICOM) into one 8-bit grayscale array.

Everything downstream (anatomy masks, overlays, processors) sees the same array, where
bright means dense (bone, body) as on a MONOCHROME2 display: MONOCHROME1 DICOMs are
inverted, the modality and VOI LUTs / window are applied, and deeper bit depths are
scaled to 8 bits. Processors receive the RGB copy from ``LoadedImage.rgb()``.
"""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

import numpy as np

from vlmcore.errors import ImageError

_DICOM_SUFFIXES = {".dcm", ".dicom"}


@dataclass(frozen=True)
class LoadedImage:
    pixels: np.ndarray  # (H, W) uint8, bright = dense
    path: Path
    photometric: str  # e.g. MONOCHROME2, MONOCHROME1, L, RGB

    def rgb(self):
        from PIL import Image

        return Image.fromarray(self.pixels, mode="L").convert("RGB")


def load_image(path: str | Path) -> LoadedImage:
    path = Path(path)
    if not path.is_file():
        raise ImageError(f"{path}: image file does not exist")
    if path.suffix.lower() in _DICOM_SUFFIXES or _has_dicom_preamble(path):
        return _load_dicom(path)
    return _load_raster(path)


def _has_dicom_preamble(path: Path) -> bool:
    with path.open("rb") as handle:
        return handle.read(132)[128:132] == b"DICM"


def to_uint8(values: np.ndarray, low: float | None = None, high: float | None = None) -> np.ndarray:
    """Linearly map [low, high] (default: the array's range) to 0..255."""
    values = values.astype(np.float64)
    low = float(values.min()) if low is None else low
    high = float(values.max()) if high is None else high
    if high <= low:
        return np.zeros(values.shape, dtype=np.uint8)
    scaled = (values - low) / (high - low) * 255.0
    return np.clip(np.rint(scaled), 0, 255).astype(np.uint8)


def _load_raster(path: Path) -> LoadedImage:
    from PIL import Image, UnidentifiedImageError

    try:
        with Image.open(path) as image:
            mode = image.mode
            if mode in ("I;16", "I;16B", "I;16L", "I", "F"):
                pixels = to_uint8(np.asarray(image))
            else:
                pixels = np.asarray(image.convert("L"), dtype=np.uint8)
    except (UnidentifiedImageError, OSError) as error:
        raise ImageError(f"{path}: cannot read image ({error})") from None
    return LoadedImage(pixels.copy(), path, mode)


def _load_dicom(path: Path) -> LoadedImage:
    import pydicom
    from pydicom.pixels import apply_modality_lut, apply_voi_lut

    try:
        dataset = pydicom.dcmread(path)
        raw = dataset.pixel_array
    except Exception as error:  # pydicom raises many types for a bad or unsupported file
        raise ImageError(f"{path}: cannot read DICOM pixel data ({error})") from None
    photometric = str(getattr(dataset, "PhotometricInterpretation", "MONOCHROME2")).strip()
    if int(getattr(dataset, "NumberOfFrames", 1) or 1) > 1:
        raise ImageError(f"{path}: multi-frame DICOM ({dataset.NumberOfFrames} frames) is not a radiograph")
    if photometric not in ("MONOCHROME1", "MONOCHROME2"):
        from PIL import Image

        gray = np.asarray(Image.fromarray(np.asarray(raw, dtype=np.uint8)).convert("L"))
        return LoadedImage(gray.copy(), path, photometric)
    values = apply_modality_lut(raw, dataset)
    windowed = "WindowCenter" in dataset or "VOILUTSequence" in dataset
    if windowed:
        values = apply_voi_lut(values, dataset, prefer_lut=True)
    if raw.dtype == np.uint8 and not windowed and values.dtype == np.uint8:
        pixels = np.asarray(values, dtype=np.uint8)
    else:
        pixels = to_uint8(values)
    if photometric == "MONOCHROME1":
        pixels = 255 - pixels
    return LoadedImage(pixels, path, photometric)
