"""How long a large dataset takes to load, and how much memory: a benchmark script, not a test.

    python -m vlmcore.perf.dataset_load [--rows 200000]

Writes a generic-schema CSV of ROWS cases (groups of six sharing one film, 1,000 films) to a
temporary folder and loads it in a fresh interpreter, printing the wall time and the peak
resident memory of that interpreter beside an empty one's.
"""

from __future__ import annotations

import argparse
import json
import subprocess
import sys
import tempfile
from pathlib import Path

LOAD = """
import json, resource, sys, time
from vlmcore.data import load_dataset
started = time.perf_counter()
cases = len(load_dataset(sys.argv[1]).cases) if len(sys.argv) > 1 else 0
print(json.dumps({"cases": cases, "seconds": time.perf_counter() - started,
                  "peak_mb": resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024}))
"""


def write_csv(path: Path, rows: int) -> Path:
    strategies = ("phrasing", "synonym", "voice", "register", "clause_reordering")
    with path.open("w") as handle:
        handle.write("group_id,case_id,image,question,answer,strategy,finding,patient_id\n")
        for index in range(rows):
            group, variant = divmod(index, 6)
            strategy = "baseline" if variant == 0 else strategies[variant - 1]
            handle.write(f"g{group},g{group}-{variant},films/f{group % 1000}.png,Is there pleural effusion ({variant})?,"
                         f"{'yes' if group % 2 else 'no'},{strategy},pleural_effusion,p{group // 2}\n")
    return path


def _measure(*args: str) -> dict:
    done = subprocess.run([sys.executable, "-c", LOAD, *args], capture_output=True, text=True, check=True)
    return json.loads(done.stdout.strip().splitlines()[-1])


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m vlmcore.perf.dataset_load", description=__doc__,
                                     formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--rows", type=int, default=200_000)
    args = parser.parse_args(argv)
    with tempfile.TemporaryDirectory() as folder:
        path = write_csv(Path(folder) / "large.csv", args.rows)
        size_mb = path.stat().st_size / 1e6
        empty, loaded = _measure(), _measure(str(path))
    print(f"dataset load: {loaded['cases']} cases ({size_mb:.1f} MB CSV) in {loaded['seconds']:.2f} s; peak RSS "
          f"{loaded['peak_mb']:.0f} MB vs {empty['peak_mb']:.0f} MB for the interpreter and imports alone "
          f"(+{loaded['peak_mb'] - empty['peak_mb']:.0f} MB)")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
