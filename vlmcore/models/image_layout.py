"""Where a model's image tokens lie on the film: one grid for the map, whatever the encoder.

Fixed-size encoders (Gemma 3, LLaVA, PaliGemma) give one square block of tokens. Dynamic
resolution breaks that: Qwen2.5-VL gives ``(h / merge) x (w / merge)`` tokens for a film
of ``h x w`` patches (not square for a non-square film), and Idefics3 / SmolVLM cut the
film into ``rows x cols`` tiles of ``side x side`` tokens each, then add a downscaled
global view of the whole film. An ``ImageLayout`` lists the blocks, in the order their
tokens appear in the sequence, and where each block sits on one map grid; ``compose``
moves attention mass from tokens onto that grid, conserving it (a coarse block's cell
spreads its mass evenly over the fine cells it covers, never a guess beyond that).
"""

from __future__ import annotations

from dataclasses import dataclass
from functools import cached_property
from math import isqrt

import torch

from vlmcore.errors import CaptureError


@dataclass(frozen=True)
class Block:
    """``shape`` tokens in row-major order, covering grid rows ``top .. top + shape[0] * scale[0]``
    and columns ``left .. left + shape[1] * scale[1]``; each token covers ``scale`` grid cells."""

    shape: tuple[int, int]
    top: int = 0
    left: int = 0
    scale: tuple[int, int] = (1, 1)
    name: str = "image"

    @property
    def tokens(self) -> int:
        return self.shape[0] * self.shape[1]


@dataclass(frozen=True)
class ImageLayout:
    grid: tuple[int, int]
    blocks: tuple[Block, ...]
    kind: str  # "square", "merged-patches", "tiles"

    @property
    def tokens(self) -> int:
        return sum(block.tokens for block in self.blocks)

    def describe(self) -> str:
        rows, cols = self.grid
        if self.kind == "tiles":
            tiles = len(self.blocks) - 1
            return f"{tiles} tiles + global view on a {rows}x{cols} grid" if tiles else f"global view only, {rows}x{cols}"
        return f"{self.kind} {rows}x{cols}"

    @cached_property
    def matrix(self) -> torch.Tensor:
        """(tokens, rows * cols): token mass -> grid mass; every row sums to 1."""
        rows, cols = self.grid
        matrix = torch.zeros(self.tokens, rows * cols)
        token = 0
        for block in self.blocks:
            scale_r, scale_c = block.scale
            share = 1.0 / (scale_r * scale_c)
            for r in range(block.shape[0]):
                for c in range(block.shape[1]):
                    for dr in range(scale_r):
                        for dc in range(scale_c):
                            cell = (block.top + r * scale_r + dr) * cols + block.left + c * scale_c + dc
                            matrix[token, cell] = share
                    token += 1
        return matrix

    def compose(self, mass: torch.Tensor) -> torch.Tensor:
        """(B, tokens) mass on image tokens -> (B, rows * cols) on the grid (same totals)."""
        if mass.shape[-1] != self.tokens:
            raise CaptureError(f"{mass.shape[-1]} image-token columns for a layout of {self.tokens} tokens ({self.describe()})")
        return mass.float() @ self.matrix.to(mass.device)

    def block_shares(self, mass: torch.Tensor) -> dict[str, torch.Tensor]:
        """(B,) share of each named block's tokens in the image mass (e.g. the global view's)."""
        total = mass.float().sum(-1).clamp_min(1e-30)
        shares, start = {}, 0
        for block in self.blocks:
            part = mass[..., start: start + block.tokens].float().sum(-1) / total
            shares[block.name] = shares.get(block.name, 0) + part
            start += block.tokens
        return shares


def square_layout(tokens: int) -> ImageLayout:
    side = isqrt(tokens)
    if side * side != tokens:
        raise CaptureError(f"{tokens} image tokens per film form no square grid, and the processor gave no grid "
                           "(no image_grid_thw, no tiles): cannot place them on the film")
    return ImageLayout((side, side), (Block((side, side)),), "square")


def merged_patch_layout(grid_thw, merge: int) -> ImageLayout:
    """Qwen2-VL / Qwen2.5-VL: ``(t, h, w)`` patches, ``merge x merge`` patches per token, tokens
    row-major over the merged grid (the window permutation is undone inside the encoder)."""
    t, h, w = (int(v) for v in grid_thw)
    if t != 1:
        raise CaptureError(f"image_grid_thw {t, h, w}: a still film has one temporal patch")
    if h % merge or w % merge:
        raise CaptureError(f"image_grid_thw {t, h, w} does not divide by the spatial merge {merge}")
    rows, cols = h // merge, w // merge
    return ImageLayout((rows, cols), (Block((rows, cols)),), "merged-patches")


def tile_layout(rows: int, cols: int, tokens_per_tile: int) -> ImageLayout:
    """Idefics3 / SmolVLM: ``rows x cols`` tiles (row-major, each ``side x side`` tokens), then the
    global view of the whole film; with no split, the global view alone."""
    side = isqrt(tokens_per_tile)
    if side * side != tokens_per_tile:
        raise CaptureError(f"{tokens_per_tile} tokens per tile form no square")
    if rows == 0 and cols == 0:
        return ImageLayout((side, side), (Block((side, side), name="global"),), "tiles")
    blocks = [Block((side, side), top=r * side, left=c * side, name="tiles") for r in range(rows) for c in range(cols)]
    blocks.append(Block((side, side), scale=(rows, cols), name="global"))
    return ImageLayout((rows * side, cols * side), tuple(blocks), "tiles")
