"""Images from pull requests: no delegate programs, bounded memory, degenerate films refused.

Memory is measured in a subprocess (peak RSS), never timed."""

import json
import os
import warnings
import subprocess
import sys
import textwrap
from pathlib import Path

import numpy as np
import pytest
from PIL import Image

from tests.data.hostile_files import deflated_dicom_bomb, dicom_file, png_bomb
from vlmcore.data.images import load_image
from vlmcore.errors import ImageError

POSTSCRIPT = b"%!PS-Adobe-3.0 EPSF-3.0\n%%BoundingBox: 0 0 100 100\nnewpath 0 0 moveto 100 100 lineto stroke\nshowpage\n"


def _in_subprocess(path: Path, env: dict | None = None) -> dict:
    """Load ``path`` in a fresh interpreter; report the error (if any) and the peak RSS in MB."""
    script = textwrap.dedent(f"""
        import json, resource
        from vlmcore.data.images import load_image
        try:
            load_image({str(path)!r})
            error = None
        except Exception as exc:
            error = [type(exc).__name__, str(exc)]
        try:  # this process image's own high-water mark: ru_maxrss also keeps the forking parent's (a pytest worker
            # that had loaded models read 1,187 MB here before a byte of the film was touched)
            peak_kb = next(int(line.split()[1]) for line in open("/proc/self/status") if line.startswith("VmHWM:"))
        except OSError:
            peak_kb = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss
        print(json.dumps({{"error": error, "peak_mb": peak_kb / 1024}}))
    """)
    done = subprocess.run([sys.executable, "-c", script], capture_output=True, text=True, env=env, timeout=300)
    assert done.returncode == 0, done.stderr[-2000:]
    return json.loads(done.stdout.strip().splitlines()[-1])


def test_postscript_named_png_never_starts_ghostscript(tmp_path):
    """A stand-in ``gs`` first on PATH records any call: it must stay silent."""
    bin_dir = tmp_path / "bin"
    bin_dir.mkdir()
    calls = tmp_path / "gs-calls.log"
    stand_in = bin_dir / "gs"
    stand_in.write_text(f"#!/bin/sh\necho \"$@\" >> {calls}\nexit 1\n")
    stand_in.chmod(0o755)
    film = tmp_path / "film.png"
    film.write_bytes(POSTSCRIPT)
    env = dict(os.environ, PATH=f"{bin_dir}{os.pathsep}{os.environ['PATH']}")
    # check the stand-in works, so its silence below means something
    subprocess.run(["gs", "-v"], env=env, capture_output=True)
    assert calls.read_text().strip() == "-v"
    calls.unlink()
    result = _in_subprocess(film, env)
    assert result["error"][0] == "ImageError" and "not a PNG, JPEG, TIFF or DICOM image" in result["error"][1]
    assert not calls.exists(), calls.read_text()


def test_16bit_png_bomb_is_refused_from_the_header_in_little_memory(tmp_path):
    bomb = png_bomb(tmp_path / "bomb.png", 13000, 13000, 16)
    assert bomb.stat().st_size < 2_000_000  # small on disk, 338 MB decoded
    result = _in_subprocess(bomb)
    assert result["error"][0] == "ImageError" and "169 MP exceeds the pixel budget of 50 MP" in result["error"][1]
    assert result["peak_mb"] < 1024, result


def test_deflated_dicom_bomb_is_refused_while_inflating_in_little_memory(tmp_path):
    bomb = deflated_dicom_bomb(tmp_path / "bomb.dcm", 16000)
    assert bomb.stat().st_size < 2_000_000  # 512 MB of pixel data when inflated
    result = _in_subprocess(bomb)
    assert result["error"][0] == "ImageError" and "deflated DICOM inflates beyond the pixel budget" in result["error"][1]
    assert result["peak_mb"] < 1024, result


def test_giant_png_is_refused_not_a_raw_decompression_bomb_error(tmp_path):
    bomb = png_bomb(tmp_path / "giant.png", 30000, 30000, 8)
    with pytest.raises(ImageError, match="giant.png: refused as a decompression bomb"):
        load_image(bomb)


def test_the_budget_is_configurable(tmp_path, monkeypatch):
    film = tmp_path / "film.png"
    Image.fromarray(np.random.default_rng(0).integers(0, 255, (200, 300), dtype=np.uint8)).save(film)
    assert load_image(film).pixels.shape == (200, 300)
    monkeypatch.setenv("VLMCORE_MAX_PIXELS", "50000")
    with pytest.raises(ImageError, match="0 MP exceeds the pixel budget"):
        load_image(film)
    monkeypatch.setenv("VLMCORE_MAX_PIXELS", "lots")
    with pytest.raises(ImageError, match="VLMCORE_MAX_PIXELS='lots' is not a whole number"):
        load_image(film)


def test_16bit_png_converts_without_a_float64_copy(tmp_path):
    """A 4000x4000 16-bit film (32 MB decoded): conversion must stay near that, not add 128 MB of float64."""
    film = tmp_path / "deep.png"
    ramp = (np.arange(4000 * 4000, dtype=np.uint32) % 65536).astype(np.uint16).reshape(4000, 4000)
    Image.fromarray(ramp).save(film)
    result = _in_subprocess(film)
    assert result["error"] is None
    baseline = _in_subprocess(png_bomb(tmp_path / "small.png", 64, 64, 16))  # the interpreter and imports alone
    assert result["peak_mb"] - baseline["peak_mb"] < 120, (result, baseline)


def _tiff(path: Path, values: np.ndarray) -> Path:
    Image.fromarray(values.astype(np.float32), mode="F").save(path)
    return path


DEGENERATE = [
    ("tiny.png", lambda p: Image.fromarray(np.array([[7]], dtype=np.uint8)).save(p), "1x1 is too small to be a film"),
    ("thin.png", lambda p: Image.fromarray(np.zeros((512, 8), dtype=np.uint8) + np.arange(8, dtype=np.uint8)).save(p),
     "8x512 is too small"),
    ("flat.png", lambda p: Image.fromarray(np.full((64, 64), 90, dtype=np.uint8)).save(p), "constant image (every pixel 90)"),
    ("nan.tif", lambda p: _tiff(p, np.where(np.eye(64) > 0, np.nan, 1.0)), "non-finite pixel values"),
    ("inf.tif", lambda p: _tiff(p, np.where(np.eye(64) > 0, np.inf, 1.0)), "non-finite pixel values"),
    ("empty.png", lambda p: p.write_bytes(b""), "not a PNG, JPEG, TIFF or DICOM image"),
    ("truncated.png", lambda p: p.write_bytes(png_bomb(p.with_suffix(".full"), 64, 64, 8).read_bytes()[:60]),
     "cannot read image"),
    ("gif.png", lambda p: Image.fromarray(np.eye(64, dtype=np.uint8) * 200).save(p, format="GIF"),
     "not a PNG, JPEG, TIFF or DICOM image"),
    ("bmp.png", lambda p: Image.fromarray(np.eye(64, dtype=np.uint8) * 200).save(p, format="BMP"),
     "not a PNG, JPEG, TIFF or DICOM image"),
]


@pytest.mark.parametrize("name, make, message", DEGENERATE, ids=[d[0] for d in DEGENERATE])
def test_degenerate_or_foreign_images_are_refused_naming_the_file(tmp_path, name, make, message):
    path = tmp_path / name
    make(path)
    with pytest.raises(ImageError) as error:
        load_image(path)
    assert str(path) in str(error.value) and message in str(error.value)


def _ramp():
    return np.tile(np.arange(0, 4096, 64, dtype=np.uint16), (64, 1))


BAD_DICOM = [
    ("width0.dcm", dict(WindowCenter=1024, WindowWidth=0), "WindowWidth 0 is not a valid window"),
    ("slope-text.dcm", dict(RescaleSlope="9.75", RescaleIntercept=0, _raw=(b"9.75", b"abcd")), "DICOM RescaleSlope is not a number"),
    ("slope0.dcm", dict(RescaleSlope=0, RescaleIntercept=5), "RescaleSlope 0 makes every pixel equal"),
    ("centre-text.dcm", dict(WindowCenter="7.25", WindowWidth=100, _raw=(b"7.25", b"x.yz")), "DICOM WindowCenter is not a number"),
    ("frames.dcm", dict(NumberOfFrames=3), "multi-frame DICOM (3 frames)"),
]


@pytest.mark.parametrize("name, elements, message", BAD_DICOM, ids=[d[0] for d in BAD_DICOM])
def test_malformed_dicom_headers_are_image_errors_naming_the_file(tmp_path, name, elements, message):
    elements = dict(elements)
    raw = elements.pop("_raw", None)
    path = dicom_file(tmp_path / name, _ramp(), **elements)
    if raw:  # pydicom refuses to write text into a number element: patch the bytes, as a hand-edited file would be
        data = path.read_bytes()
        assert data.count(raw[0]) == 1
        path.write_bytes(data.replace(*raw))
    with pytest.raises(ImageError) as error, warnings.catch_warnings():
        warnings.simplefilter("ignore", UserWarning)
        load_image(path)
    assert str(path) in str(error.value) and message in str(error.value)


def test_dicom_rescale_and_window_map_to_display_values(tmp_path):
    ramp = _ramp()
    plain = load_image(dicom_file(tmp_path / "plain.dcm", ramp)).pixels
    assert plain[0, 0] == 0 and plain[0, -1] == 255
    inverted_slope = load_image(dicom_file(tmp_path / "neg.dcm", ramp, RescaleSlope=-1, RescaleIntercept=4095)).pixels
    assert np.abs(inverted_slope.astype(int) - (255 - plain.astype(int))).max() <= 1
    single = load_image(dicom_file(tmp_path / "one.dcm", ramp, WindowCenter=1024, WindowWidth=1024)).pixels
    multi = load_image(dicom_file(tmp_path / "multi.dcm", ramp, WindowCenter=[1024, 3000], WindowWidth=[1024, 200])).pixels
    assert (multi == single).all()  # the first window of several is the default
    assert single[0, 8] == 0 and single[0, 24] == 255 and 0 < single[0, 16] < 255  # 512 / 1536 / 1024 against the window


def test_a_folder_or_missing_path_is_named(tmp_path):
    folder = tmp_path / "film.png"
    folder.mkdir()
    with pytest.raises(ImageError, match="film.png: image file does not exist"):
        load_image(folder)
