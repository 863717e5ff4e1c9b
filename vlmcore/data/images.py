"""Read a chest radiograph (PNG, JPEG, TIFF, DICOM) into one 8-bit grayscale array.

Everything downstream (anatomy masks, overlays, processors) sees the same array, where
bright means dense (bone, body) as on a MONOCHROME2 display: MONOCHROME1 DICOMs are
inverted, the modality rescale and the VOI window are applied, and deeper bit depths are
scaled to 8 bits. Processors receive the RGB copy from ``LoadedImage.rgb()``.

Images arrive in pull requests, so the reader trusts nothing:
- the format is decided by content and only PNG, JPEG, TIFF and DICOM decoders are ever
  asked (PIL's EPS reader would start Ghostscript on a PostScript file named ``.png``);
- the pixel count is checked from the header *before* decoding against a budget
  (``VLMCORE_MAX_PIXELS``, default 50 MP, larger than any real chest film); a deflated
  DICOM is inflated in bounded steps and refused once it outgrows the budget;
- conversion to 8 bits runs in float32 chunks, so memory stays near the decoded size;
- degenerate images (smaller than 32 px a side, constant, non-finite values) are refused.
Every refusal is an ``ImageError`` naming the file.
"""

from __future__ import annotations

import os
import zlib
from dataclasses import dataclass
from pathlib import Path

import numpy as np

from vlmcore.errors import ImageError

_DICOM_SUFFIXES = {".dcm", ".dicom"}
RASTER_FORMATS = ("PNG", "JPEG", "TIFF")
MIN_SIDE = 32
_CHUNK = 1 << 20  # values converted per step


def pixel_budget() -> int:
    """The most pixels an image may have; ``VLMCORE_MAX_PIXELS`` overrides the 50 MP default."""
    text = os.environ.get("VLMCORE_MAX_PIXELS", "50000000")
    try:
        value = int(text)
    except ValueError:
        raise ImageError(f"VLMCORE_MAX_PIXELS={text!r} is not a whole number") from None
    if value < MIN_SIDE * MIN_SIDE:
        raise ImageError(f"VLMCORE_MAX_PIXELS={value} is below the smallest film ({MIN_SIDE}x{MIN_SIDE})")
    return value


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
    try:
        is_dicom = path.suffix.lower() in _DICOM_SUFFIXES or _has_dicom_preamble(path)
    except OSError as error:
        raise ImageError(f"{path}: cannot be read ({error.strerror or error})") from None
    loaded = _load_dicom(path) if is_dicom else _load_raster(path)
    _check_not_degenerate(loaded.pixels, path)
    return loaded


def _has_dicom_preamble(path: Path) -> bool:
    with path.open("rb") as handle:
        return handle.read(132)[128:132] == b"DICM"


def _check_size(width: int, height: int, path: Path) -> None:
    budget = pixel_budget()
    if width * height > budget:
        raise ImageError(f"{path}: {width}x{height} = {width * height / 1e6:.0f} MP exceeds the pixel budget of "
                         f"{budget / 1e6:.0f} MP (VLMCORE_MAX_PIXELS); refused before decoding")
    if min(width, height) < MIN_SIDE:
        raise ImageError(f"{path}: {width}x{height} is too small to be a film (at least {MIN_SIDE} px a side)")


def _check_not_degenerate(pixels: np.ndarray, path: Path) -> None:
    if pixels.ndim != 2:
        raise ImageError(f"{path}: expected one grayscale plane, got shape {pixels.shape}")
    if int(pixels.min()) == int(pixels.max()):
        raise ImageError(f"{path}: constant image (every pixel {int(pixels.min())}): nothing to read")


def _check_finite(values: np.ndarray, path: Path) -> None:
    if values.dtype.kind == "f" and not np.isfinite(values).all():
        raise ImageError(f"{path}: non-finite pixel values (NaN or infinity)")


def to_uint8(values: np.ndarray, low: float | None = None, high: float | None = None) -> np.ndarray:
    """Linearly map [low, high] (default: the array's range) to 0..255, in float32 chunks
    (a float64 copy of a 50 MP film alone would be 400 MB)."""
    low = float(values.min()) if low is None else float(low)
    high = float(values.max()) if high is None else float(high)
    out = np.zeros(values.shape, dtype=np.uint8)
    if high <= low:
        return out
    scale = np.float32(255.0 / (high - low))
    source, target = values.reshape(-1), out.reshape(-1)
    for start in range(0, source.size, _CHUNK):
        part = source[start:start + _CHUNK].astype(np.float32)
        part -= np.float32(low)
        part *= scale
        np.rint(part, out=part)
        np.clip(part, 0, 255, out=part)
        target[start:start + _CHUNK] = part
    return out


def _load_raster(path: Path) -> LoadedImage:
    from PIL import Image, UnidentifiedImageError

    try:
        with Image.open(path, formats=RASTER_FORMATS) as image:  # by content, and no other decoder is ever tried
            _check_size(*image.size, path)
            mode = image.mode
            if mode in ("I;16", "I;16B", "I;16L", "I", "F"):
                values = np.asarray(image)
                _check_finite(values, path)
                pixels = to_uint8(values)
            else:
                pixels = np.array(image.convert("L"), dtype=np.uint8)
    except UnidentifiedImageError:
        raise ImageError(f"{path}: not a PNG, JPEG, TIFF or DICOM image") from None
    except Image.DecompressionBombError as error:
        raise ImageError(f"{path}: refused as a decompression bomb ({error})") from None
    except (OSError, ValueError, SyntaxError) as error:  # truncated or corrupt data inside a known format
        raise ImageError(f"{path}: cannot read image ({error})") from None
    return LoadedImage(pixels, path, mode)


def _inflated_size_within(path: Path, limit: int, data_offset: int) -> bool:
    """Inflate a deflated DICOM body in bounded steps, keeping none of it: does it stay under ``limit`` bytes?"""
    inflater = zlib.decompressobj(-zlib.MAX_WBITS)
    total = 0
    with path.open("rb") as handle:
        handle.seek(data_offset)
        for block in iter(lambda: handle.read(1 << 16), b""):
            chunk = inflater.decompress(block, 1 << 20)
            while chunk:
                total += len(chunk)
                if total > limit:
                    return False
                chunk = inflater.decompress(inflater.unconsumed_tail, 1 << 20)
    return True


def _check_dicom_header(path: Path):
    import pydicom
    from pydicom.filereader import read_file_meta_info
    from pydicom.uid import DeflatedExplicitVRLittleEndian

    budget = pixel_budget()
    meta = read_file_meta_info(path)
    if meta.get("TransferSyntaxUID") == DeflatedExplicitVRLittleEndian:
        with path.open("rb") as handle:  # the meta group is never deflated: skip preamble, prefix and it
            handle.seek(132)
            pydicom.filereader._read_file_meta_info(handle)
            offset = handle.tell()
        if not _inflated_size_within(path, budget * 2 + (16 << 20), offset):
            raise ImageError(f"{path}: deflated DICOM inflates beyond the pixel budget of {budget / 1e6:.0f} MP; "
                             "refused before decoding")
    header = pydicom.dcmread(path, stop_before_pixels=True)
    rows, columns = int(header.get("Rows", 0) or 0), int(header.get("Columns", 0) or 0)
    frames = int(header.get("NumberOfFrames", 1) or 1)
    samples = int(header.get("SamplesPerPixel", 1) or 1)
    if frames > 1:
        raise ImageError(f"{path}: multi-frame DICOM ({frames} frames) is not a radiograph")
    _check_size(columns, rows * samples, path)
    return header


def _number(dataset, keyword: str, default: float, path: Path) -> float:
    try:
        value = dataset.get(keyword, default)  # pydicom converts DS / IS text here, and raises on junk
        if value is None or value == "":
            return default
        number = float(value[0] if isinstance(value, (list, tuple)) or type(value).__name__ == "MultiValue" else value)
    except (TypeError, ValueError, IndexError) as error:
        raise ImageError(f"{path}: DICOM {keyword} is not a number ({error})") from None
    if not np.isfinite(number):
        raise ImageError(f"{path}: DICOM {keyword} {number!r} is not finite")
    return number


def _load_dicom(path: Path) -> LoadedImage:
    try:
        _check_dicom_header(path)
        import pydicom

        dataset = pydicom.dcmread(path)
        raw = dataset.pixel_array
    except ImageError:
        raise
    except Exception as error:  # pydicom raises many types for a bad or unsupported file
        raise ImageError(f"{path}: cannot read DICOM ({type(error).__name__}: {error})") from None
    photometric = str(getattr(dataset, "PhotometricInterpretation", "MONOCHROME2")).strip()
    if photometric not in ("MONOCHROME1", "MONOCHROME2"):
        from PIL import Image

        gray = np.asarray(Image.fromarray(np.asarray(raw, dtype=np.uint8)).convert("L"))
        return LoadedImage(gray.copy(), path, photometric)
    pixels = _display(raw, dataset, path)
    if photometric == "MONOCHROME1":
        pixels = 255 - pixels
    return LoadedImage(pixels, path, photometric)


def _display(raw: np.ndarray, dataset, path: Path) -> np.ndarray:
    """Modality rescale, then the VOI window (DICOM PS3.3 C.11.2.1.2, linear), to 8 bits."""
    if "ModalityLUTSequence" in dataset or "VOILUTSequence" in dataset:
        return _display_with_luts(raw, dataset, path)
    slope = _number(dataset, "RescaleSlope", 1.0, path)
    intercept = _number(dataset, "RescaleIntercept", 0.0, path)
    low, high = float(raw.min()) * slope + intercept, float(raw.max()) * slope + intercept
    low, high = min(low, high), max(low, high)
    if "WindowCenter" in dataset and "WindowWidth" in dataset:
        centre = _number(dataset, "WindowCenter", 0.0, path)
        width = _number(dataset, "WindowWidth", 1.0, path)
        if width < 1:
            raise ImageError(f"{path}: DICOM WindowWidth {width:g} is not a valid window (at least 1)")
        low, high = centre - 0.5 - (width - 1) / 2, centre - 0.5 + (width - 1) / 2
    if raw.dtype == np.uint8 and slope == 1 and intercept == 0 and "WindowCenter" not in dataset:
        return np.asarray(raw, dtype=np.uint8)
    # rescale folded into the mapping: (raw * slope + intercept - low) * 255 / (high - low)
    if slope == 0:
        raise ImageError(f"{path}: DICOM RescaleSlope 0 makes every pixel equal")
    raw_low, raw_high = (low - intercept) / slope, (high - intercept) / slope
    return to_uint8(raw, min(raw_low, raw_high), max(raw_low, raw_high)) if slope > 0 else 255 - to_uint8(raw, raw_high, raw_low)


def _display_with_luts(raw: np.ndarray, dataset, path: Path) -> np.ndarray:
    """LUT sequences (rare on radiographs): pydicom's own LUT code, then 8 bits."""
    from pydicom.pixels import apply_modality_lut, apply_voi_lut

    try:
        values = apply_voi_lut(apply_modality_lut(raw, dataset), dataset, prefer_lut=True)
    except Exception as error:  # pydicom raises many types for malformed LUTs
        raise ImageError(f"{path}: DICOM LUT cannot be applied ({type(error).__name__}: {error})") from None
    _check_finite(np.asarray(values), path)
    return to_uint8(np.asarray(values))


def film_size(path: str | Path) -> tuple[int, int] | None:
    """(height, width) from the file's header alone (no decoding), or None when it cannot be read:
    the film then fails where it is loaded, with the reason, not here."""
    path = Path(path)
    try:
        if path.suffix.lower() in _DICOM_SUFFIXES or _has_dicom_preamble(path):
            import pydicom

            header = pydicom.dcmread(path, stop_before_pixels=True)
            return int(header.Rows), int(header.Columns)
        from PIL import Image

        with Image.open(path, formats=RASTER_FORMATS) as image:
            return image.size[1], image.size[0]
    except Exception:  # any unreadable header: the loader reports it with the film's own error
        return None
