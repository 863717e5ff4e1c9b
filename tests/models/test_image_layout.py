"""Token -> grid composition for dynamic-resolution layouts: mass conserved, each token on its cell."""

import pytest
import torch

from vlmcore.errors import CaptureError
from vlmcore.models.image_layout import merged_patch_layout, square_layout, tile_layout


def test_tiles_land_row_major_and_the_global_view_spreads_over_its_cells():
    layout = tile_layout(2, 3, 4)  # 2x3 tiles of 2x2 tokens, then the 2x2 global view
    assert layout.grid == (4, 6) and layout.tokens == 7 * 4
    mass = torch.zeros(1, layout.tokens)
    mass[0, 2 * 4 + 3] = 1.0  # tile (row 0, col 2), its token (1, 1) -> grid cell (1, 5)
    grid = layout.compose(mass).reshape(4, 6)
    assert grid[1, 5] == 1.0 and grid.sum() == 1.0
    mass = torch.zeros(1, layout.tokens)
    mass[0, 6 * 4 + 2] = 1.0  # global token (1, 0) covers grid rows 2-3, columns 0-2, evenly
    grid = layout.compose(mass).reshape(4, 6)
    assert torch.allclose(grid[2:4, 0:3], torch.full((2, 3), 1 / 6)) and grid.sum().item() == pytest.approx(1.0)
    shares = layout.block_shares(mass)
    assert shares["global"].item() == 1.0 and shares["tiles"].item() == 0.0


def test_unsplit_film_is_the_global_view_alone():
    layout = tile_layout(0, 0, 16)
    assert layout.grid == (4, 4) and layout.describe() == "global view only, 4x4"


def test_merged_patches_give_a_non_square_grid_and_reject_what_does_not_fit():
    layout = merged_patch_layout((1, 12, 8), 2)
    assert layout.grid == (6, 4)
    mass = torch.rand(3, 24)
    assert torch.allclose(layout.compose(mass), mass)  # one token per cell, row-major
    with pytest.raises(CaptureError, match="one temporal patch"):
        merged_patch_layout((2, 12, 8), 2)
    with pytest.raises(CaptureError, match="does not divide"):
        merged_patch_layout((1, 11, 8), 2)
    with pytest.raises(CaptureError, match="image-token columns"):
        layout.compose(torch.rand(1, 23))


def test_a_count_that_is_no_square_and_has_no_grid_is_an_error():
    assert square_layout(256).grid == (16, 16)
    with pytest.raises(CaptureError, match="no square grid"):
        square_layout(250)
