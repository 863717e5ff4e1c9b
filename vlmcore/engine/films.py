"""Films kept only while their group is in use: memory flat in the number of groups.

An evaluated group used to hold its decoded film for the whole session (1.24 MB per group for
the bundled films; tens of GB for a MIMIC-size dataset). ``RetainedFilms`` keeps the most
recently used films (a chunk's worth and the flip searches that follow it); a group asked for
its film after that (a late flip search) decodes it again from its file, and the decoded pixels
must hash to the digest recorded when the group was evaluated, so a file changed on disk
mid-run is an error, never a silent answer about other pixels.
"""

from __future__ import annotations

from collections import OrderedDict
from pathlib import Path

import numpy as np

from vlmcore.data.images import load_image
from vlmcore.errors import VlmcoreError
from vlmcore.models.requests import image_hash


class FilmChanged(VlmcoreError, RuntimeError):
    """A film's file no longer holds the pixels its group was evaluated on."""


class RetainedFilms:
    def __init__(self, capacity: int = 16):
        self.capacity = max(1, int(capacity))
        self._films: OrderedDict[Path, np.ndarray] = OrderedDict()
        self._digests: dict[Path, str] = {}
        self.reloads = 0  # films decoded again after release
        self.peak = 0  # most films held at once

    def __len__(self) -> int:
        return len(self._films)

    def put(self, path: Path, image: np.ndarray, digest: str) -> None:
        self._digests[path] = digest
        self._films[path] = image
        self._films.move_to_end(path)
        while len(self._films) > self.capacity:
            self._films.popitem(last=False)
        self.peak = max(self.peak, len(self._films))

    def get(self, path: Path) -> np.ndarray:
        if path in self._films:
            self._films.move_to_end(path)
            return self._films[path]
        image = load_image(path).pixels
        if image_hash(image) != self._digests[path]:
            raise FilmChanged(f"{path}: the file changed during the run (its pixels no longer hash to {self._digests[path]}, "
                              "the film its group was evaluated on); rerun on a dataset that stays put")
        self.reloads += 1
        self.put(path, image, self._digests[path])
        return image
