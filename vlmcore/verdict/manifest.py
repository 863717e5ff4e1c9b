"""What a run folder says about itself (``manifest.json``): the dataset it ran on, the
models, and the gate settings in force. A baseline is a saved run folder, so these are
what the gate later checks a candidate against and takes its settings from."""

from __future__ import annotations

import hashlib
import json
from dataclasses import dataclass, field
from pathlib import Path

from vlmcore.errors import ConfigError
from vlmcore.verdict.gate_settings import GateSettings

FORMAT = 1


def dataset_fingerprint(cases) -> str:
    """Hash of every case's id, group, question, expected answer and relation, in order."""
    digest = hashlib.sha256()
    for case in sorted(cases, key=lambda c: c.case_id):
        digest.update("\x1f".join((case.case_id, case.group_id, case.question, case.expected_answer, case.relation)).encode())
        digest.update(b"\x1e")
    return digest.hexdigest()[:16]


@dataclass(frozen=True)
class RunManifest:
    run_id: str
    dataset: str
    dataset_fingerprint: str
    gate: GateSettings
    models: dict = field(default_factory=dict)  # model key -> adapter description
    vlmcore_version: str = ""

    def to_json(self) -> dict:
        return {"format": FORMAT, "run_id": self.run_id, "dataset": self.dataset, "dataset_fingerprint": self.dataset_fingerprint,
                "gate": self.gate.to_json(), "models": self.models, "vlmcore_version": self.vlmcore_version}

    @staticmethod
    def read(folder: Path) -> "RunManifest":
        path = folder / "manifest.json"
        if not path.is_file():
            raise ConfigError(f"{folder}: no manifest.json (a run saved by an older vlmcore, or not a run folder); "
                              "re-run and save the baseline again")
        try:
            data = json.loads(path.read_text())
            if data.get("format") != FORMAT:
                raise ConfigError(f"{path}: manifest format {data.get('format')!r}, this vlmcore reads {FORMAT}")
            return RunManifest(str(data["run_id"]), str(data["dataset"]), str(data["dataset_fingerprint"]),
                               GateSettings.from_json(data["gate"], f"{path}"), dict(data.get("models", {})),
                               str(data.get("vlmcore_version", "")))
        except (json.JSONDecodeError, KeyError, TypeError, AttributeError) as error:
            raise ConfigError(f"{path}: not a vlmcore run manifest ({type(error).__name__}: {error})") from None
