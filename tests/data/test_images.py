from pathlib import Path

import numpy as np
import pytest

from tests.conftest import shared_file
from vlmcore.data.images import load_image, to_uint8
from vlmcore.errors import ImageError

MONO2 = ("cxr", "1.2.276.0.7230010.3.1.4.8323329.6904.1517875201.850819.dcm")
MONO1_FAKE = ("cxr", "Fake_MONOHR1.dcm")


def test_nih_pngs_load_as_8bit_grayscale():
    for name in ("00000001_000.png", "00027426_000.png"):
        image = load_image(shared_file("cxr", name))
        assert image.pixels.dtype == np.uint8 and image.pixels.shape == (512, 512)
        assert image.rgb().mode == "RGB"
        assert image.pixels.std() > 20  # a real radiograph, not a blank


def test_shared_monochrome1_twin_is_read_inverted():
    """The shared twin stores the *same* pixels with a MONOCHROME1 header, so a correct
    reader shows its negative."""
    mono2 = load_image(shared_file(*MONO2))
    mono1 = load_image(shared_file(*MONO1_FAKE))
    assert mono1.photometric == "MONOCHROME1"
    assert np.abs(mono1.pixels.astype(int) - (255 - mono2.pixels.astype(int))).max() <= 1


def test_true_monochrome1_twin_loads_to_the_same_image(tmp_path: Path):
    """A real MONOCHROME1 twin (inverted stored values + MONOCHROME1) reads the same as the original."""
    import pydicom
    from pydicom.uid import ExplicitVRLittleEndian

    source = pydicom.dcmread(shared_file(*MONO2))
    twin = source.copy()
    stored = source.pixel_array
    twin.PixelData = (255 - stored).astype(np.uint8).tobytes()
    twin.PhotometricInterpretation = "MONOCHROME1"
    twin.file_meta.TransferSyntaxUID = ExplicitVRLittleEndian
    twin.save_as(tmp_path / "twin.dcm", enforce_file_format=True)
    original = load_image(shared_file(*MONO2)).pixels.astype(int)
    assert np.abs(load_image(tmp_path / "twin.dcm").pixels.astype(int) - original).max() <= 1


def test_16bit_dicom_with_window_scales_to_8bit(tmp_path: Path):
    from tests.data.hostile_files import dicom_file

    values = np.tile(np.arange(0, 4096, 16, dtype=np.uint16), (32, 1))
    dicom_file(tmp_path / "w.dcm", values, WindowCenter=1024, WindowWidth=1024)
    pixels = load_image(tmp_path / "w.dcm").pixels
    assert pixels.dtype == np.uint8
    row = pixels[0]
    assert row[0] == 0 and row[-1] == 255  # clipped below/above the window
    below, above = values[0] < 512, values[0] > 1536
    assert (row[below] == 0).all() and (row[above] == 255).all()


def test_unreadable_image_is_a_clear_error(tmp_path: Path):
    path = tmp_path / "broken.png"
    path.write_bytes(b"not a png")
    with pytest.raises(ImageError, match="broken.png"):
        load_image(path)
    with pytest.raises(ImageError, match="does not exist"):
        load_image(tmp_path / "absent.png")


def test_to_uint8_range():
    assert to_uint8(np.array([3.0, 5.0, 7.0])).tolist() == [0, 128, 255]
    assert to_uint8(np.array([2.0, 2.0])).tolist() == [0, 0]
