"""Attention overlays on the X-ray, as PNG.

Display only: maps are clipped at a high percentile so one hot cell does not wash out the
rest. Metrics always use the raw maps. Each panel's title names the map's method.
"""

from __future__ import annotations

import io
from pathlib import Path

import numpy as np

from vlmcore.metrics.distribution import as_distribution


def _display(values, percentile: float) -> np.ndarray:
    p = as_distribution(values)
    top = np.percentile(p, percentile)
    return np.clip(p, 0, top) / top if top > 0 else p


def _figure(panels: int):
    import matplotlib

    matplotlib.use("Agg")
    import matplotlib.pyplot as plt

    figure, axes = plt.subplots(1, panels, figsize=(3.2 * panels, 3.4), squeeze=False)
    return plt, figure, axes[0]


def _draw_overlay(axis, gray: np.ndarray, values, title: str, percentile: float, cmap: str = "inferno") -> None:
    height, width = gray.shape
    axis.imshow(gray, cmap="gray", vmin=0, vmax=255)
    axis.imshow(_display(values, percentile), cmap=cmap, alpha=0.45, extent=(0, width, height, 0), interpolation="bilinear")
    axis.set_title(title, fontsize=8)
    axis.axis("off")


def _save(plt, figure, path: Path | None) -> bytes:
    buffer = io.BytesIO()
    figure.tight_layout()
    figure.savefig(buffer, format="png", dpi=80)
    plt.close(figure)
    data = buffer.getvalue()
    if path is not None:
        Path(path).write_bytes(data)
    return data


def overlay_png(gray: np.ndarray, attention, title: str = "", path: Path | None = None, percentile: float = 99.0) -> bytes:
    """One heatmap over the film; returns the PNG bytes (and writes them when ``path`` is given)."""
    plt, figure, (axis,) = _figure(1)
    _draw_overlay(axis, gray, attention, title, percentile)
    return _save(plt, figure, path)


def comparison_png(gray: np.ndarray, base, variant, titles: tuple[str, str] = ("base", "variant"),
                   path: Path | None = None, percentile: float = 99.0) -> bytes:
    """Baseline / variant / signed difference (variant - base), side by side."""
    plt, figure, axes = _figure(3)
    _draw_overlay(axes[0], gray, base, titles[0], percentile)
    _draw_overlay(axes[1], gray, variant, titles[1], percentile)
    difference = as_distribution(variant) - as_distribution(base)
    bound = float(np.abs(difference).max()) or 1.0
    height, width = gray.shape
    axes[2].imshow(gray, cmap="gray", vmin=0, vmax=255)
    axes[2].imshow(difference, cmap="coolwarm", vmin=-bound, vmax=bound, alpha=0.6, extent=(0, width, height, 0))
    axes[2].set_title("variant - base", fontsize=8)
    axes[2].axis("off")
    return _save(plt, figure, path)
