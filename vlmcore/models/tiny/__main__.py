"""``python -m vlmcore.models.tiny FAMILY DIR``: save a family's tiny build as a checkpoint folder.

The folder is what a real checkpoint is to vlmcore (``config.json``, safetensors weights, the
processor and its chat template), so a family's whole user path runs on it offline in seconds:
``pytest benchmarks -m qwen3_vl --vlm-model qwen3_vl --vlm-model-path DIR``.
"""

from __future__ import annotations

import argparse
from pathlib import Path


def main(argv: list[str] | None = None) -> int:
    from vlmcore.models.families import FAMILIES

    parser = argparse.ArgumentParser(prog="python -m vlmcore.models.tiny", description=__doc__,
                                     formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("family", choices=FAMILIES.registered(), help="the family whose tiny build is saved")
    parser.add_argument("folder", type=Path, help="where the checkpoint folder is written (created)")
    parser.add_argument("--seed", type=int, default=0)
    args = parser.parse_args(argv)
    from vlmcore.models.tiny import build_tiny

    model, processor = build_tiny(args.family, seed=args.seed)
    args.folder.mkdir(parents=True, exist_ok=True)
    model.save_pretrained(args.folder, safe_serialization=True)
    processor.save_pretrained(args.folder)
    print(f"tiny {args.family} saved to {args.folder}")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
