import pytest
import torch

from vlmcore.attention.fusion import default_layers, fuse, fuse_heads, select_layers
from vlmcore.errors import ConfigError


def test_default_layers_are_the_last_quarter():
    assert default_layers(34) == tuple(range(26, 34))
    assert default_layers(3) == (2,)
    assert select_layers(8, "all") == tuple(range(8))
    assert select_layers(8, (-1, 0)) == (7, 0)
    with pytest.raises(ConfigError, match="out of range"):
        select_layers(4, (9,))


def test_head_fusions():
    rows = torch.tensor([[[[0.5, 0.5, 0.0, 0.0]], [[1.0, 0.0, 0.0, 0.0]]]])  # (B=1, H=2, P=1, N=4)
    assert torch.allclose(fuse_heads(rows, "mean"), torch.tensor([[[0.75, 0.25, 0.0, 0.0]]]))
    assert torch.allclose(fuse_heads(rows, "max"), torch.tensor([[[1.0, 0.5, 0.0, 0.0]]]))
    entropy = fuse_heads(rows, "entropy")
    assert entropy[0, 0, 0] > 0.75, "the focused head (one-hot) weighs more than the diffuse one"
    with pytest.raises(ConfigError, match="unknown head fusion"):
        fuse_heads(rows, "median")


def test_fuse_averages_layers_and_query_positions():
    a = torch.ones(1, 2, 2, 3) / 3
    b = torch.zeros(1, 2, 2, 3)
    b[..., 0] = 1.0
    fused = fuse({0: a, 1: b}, (0, 1), "mean")
    assert fused.shape == (1, 3)
    assert torch.allclose(fused, torch.tensor([[2 / 3, 1 / 6, 1 / 6]]))
