"""Maps sit on the pixels the model saw: LLaVA's processor centre-crops, so on a non-square
film the bands outside the crop are never scored and never drawn under a map."""

import numpy as np
import pytest
from PIL import Image

from vlmcore.data import load_dataset
from vlmcore.engine import Engine
from vlmcore.models import tiny_adapter
from vlmcore.models.view import centre_crop_region
from vlmcore.report.overlays import comparison_png


def _film(top_band: int) -> np.ndarray:
    """A 96 x 64 (3:2) film: a textured body, and a top band the model must not see."""
    rng = np.random.default_rng(3)
    film = (rng.random((96, 64)) * 120 + 60).astype(np.uint8)
    film[:16] = (np.random.default_rng(top_band).random((16, 64)) * 255).astype(np.uint8)
    return film


def _rows(tmp_path, name: str, film: np.ndarray):
    folder = tmp_path / name
    folder.mkdir()
    Image.fromarray(film).save(folder / "film.png")
    (folder / "d.csv").write_text("group_id,image,question,answer\ng,film.png,Is there pleural effusion?,yes\n"
                                  "g,film.png,Is pleural effusion present?,yes\ng,film.png,Can pleural effusion be seen?,yes\n")
    engine = Engine(tiny_adapter("llava"), load_dataset(folder / "d.csv"), model_key="tiny-llava")
    return engine.group("g")


def test_llava_grid_covers_the_centre_crop_of_a_non_square_film():
    adapter = tiny_adapter("llava")  # shortest edge 64, centre crop 64 x 64
    assert centre_crop_region((96, 64), adapter.processor.image_processor) == (16.0, 0.0, 64.0, 64.0)
    assert centre_crop_region((2544, 3056), adapter.processor.image_processor) == pytest.approx((0.0, 256.0, 2544.0, 2544.0))
    medgemma = tiny_adapter("medgemma")  # resizes to a square: the grid stretches over the whole film
    assert medgemma.view_region((96, 64)) == (0.0, 0.0, 96.0, 64.0)


def test_pixels_outside_the_crop_change_neither_answers_nor_map_metrics(tmp_path):
    one, two = _film(1), _film(2)
    assert (one[:16] != two[:16]).any() and (one[16:] == two[16:]).all()
    first, second = _rows(tmp_path, "a", one), _rows(tmp_path, "b", two)
    for a, b in zip(first.rows, second.rows):
        assert a.map_region == b.map_region == (16, 0, 64, 64)
        assert a.p_yes == pytest.approx(b.p_yes, abs=1e-6) and a.answer == b.answer
        assert a.metrics == pytest.approx(b.metrics, abs=1e-6)
    for case_id, attention in first.maps.items():
        assert attention.region == (16.0, 0.0, 64.0, 64.0)
        assert np.allclose(attention.values, second.maps[case_id].values, atol=1e-6)


def test_the_overlay_draws_the_map_over_the_cropped_region_only():
    film = _film(1)
    hot, cold = np.zeros((4, 4)), np.zeros((4, 4))
    hot[0, 0], cold[3, 3] = 1.0, 1.0
    region = (16.0, 0.0, 64.0, 64.0)
    from io import BytesIO

    def pixels(base, variant):
        return np.asarray(Image.open(BytesIO(comparison_png(film, base, variant, region=region))))

    one, two = pixels(hot, hot), pixels(cold, cold)
    from vlmcore.report.overlays import PANEL, TITLE

    panel_rows = slice(TITLE, TITLE + PANEL)  # below the title strip
    top_band = slice(TITLE + 14, TITLE + int(PANEL * 16 / 96) - 1)  # below the "apex" marker, above the crop
    assert (one[top_band] == two[top_band]).all()  # outside the crop: the same dimmed film whatever the map
    assert (one[panel_rows] != two[panel_rows]).any()  # inside: the maps differ
