"""Counterfactual films: mirrors, fills, and the control region of the lesion-occlusion probe."""

import numpy as np
import pytest

from vlmcore.anatomy import body_mask
from vlmcore.data.images import load_image
from vlmcore.grounding.films import METHODS, control_region, counterfactual, fill, grow, halo, mirror
from vlmcore.grounding.plan import Transform
from vlmcore.grounding.regions import Region
from vlmcore.models.requests import image_hash
from tests.grounding.scripted_models import TEST_SET

FILM = TEST_SET.parent / "images" / "pt7-00015-f0.png"  # consolidation at box (80, 62, 15, 18), pneumothorax on the right


@pytest.fixture(scope="module")
def film():
    return load_image(FILM).pixels


def test_mirror_is_a_left_right_flip_and_its_own_inverse(film):
    flipped = mirror(film)
    assert np.array_equal(flipped[:, 0], film[:, -1]) and np.array_equal(mirror(flipped), film)
    assert image_hash(flipped) != image_hash(film)  # a probe film is a film: its own cache key


@pytest.mark.parametrize("method", METHODS)
def test_a_fill_changes_the_region_only(film, method):
    region = Region((80, 62, 15, 18), "test").mask(film.shape)
    filled = fill(film, region, method)
    assert np.array_equal(filled[~region], film[~region])
    assert not np.array_equal(filled[region], film[region])
    assert np.array_equal(fill(film, region, method), filled)  # deterministic (local_fill's noise is seeded by the film)


def test_the_control_region_is_the_lesions_shape_inside_the_body_away_from_the_lesion(film):
    lesion = grow(Region((80, 62, 15, 18), "test").mask(film.shape), halo(film.shape))
    body = body_mask(film)
    placement = control_region(lesion, body, grow(lesion, 2))
    assert placement is not None and placement.mirrored  # the mirror position across the midline is free
    assert placement.mask.sum() == lesion.sum()
    assert (placement.mask & body).sum() == placement.mask.sum() and not (placement.mask & lesion).any()
    assert placement.shift[0] == 0 and placement.shift[1] < 0  # the other lung, same height


def test_the_control_moves_on_when_the_mirror_position_holds_a_known_finding(film):
    lesion = grow(Region((80, 62, 15, 18), "test").mask(film.shape), halo(film.shape))
    mirrored = np.zeros_like(lesion)
    mirrored[:, ::-1] = lesion  # (roughly) the mirror position, declared a known finding
    placement = control_region(lesion, body_mask(film), grow(lesion | mirrored, 2))
    assert placement is not None and not placement.mirrored and not (placement.mask & mirrored).any()


def test_no_control_when_nothing_of_the_shape_fits_inside_the_body(film):
    huge = np.zeros(film.shape, dtype=bool)
    huge[10:120, 20:108] = True
    assert control_region(huge, body_mask(film), huge) is None
    transform = Transform("occlude", "remote", Region((20, 10, 88, 110), "test"))
    assert counterfactual(transform, film) is None


def test_a_region_drawn_on_another_film_size_is_scaled():
    box = Region((512, 256, 256, 128), "NIH box file", (1024, 1024))
    mask = box.mask((128, 128))
    rows, cols = np.nonzero(mask)
    assert (cols.min(), rows.min(), cols.max() + 1 - cols.min(), rows.max() + 1 - rows.min()) == (64, 32, 32, 16)
