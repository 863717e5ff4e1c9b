"""``load_dataset``: detect a file's schema, read it, and check every group.

Detection is by content, not by name: a JSON list whose records carry ``qid_linked_id``
is VQA-RAD; a table with ``baseline_question``/``variant_index`` is the seed paraphrase
file; one with ``dicom_id``/``study_id`` is the seed base file; ``group_id``/``image``
is the generic schema. Anything else is refused with what each schema needs.
"""

from __future__ import annotations

from pathlib import Path

from vlmcore.data import fields, generic_schema, seed_schema, vqa_rad
from vlmcore.data.case import Case, Dataset
from vlmcore.data.groups import assemble_groups
from vlmcore.data.tables import Table, read_table
from vlmcore.errors import DatasetError


def detect_schema(table: Table) -> str:
    columns = set(table.columns)
    if "qid_linked_id" in columns:
        return "vqa-rad"
    if set(seed_schema.PARAPHRASE_COLUMNS) <= columns:
        return "seed-paraphrases"
    if set(seed_schema.BASE_COLUMNS) <= columns:
        return "seed-base"
    if set(generic_schema.REQUIRED) <= columns:
        return "generic"
    needs = {
        "generic": generic_schema.REQUIRED,
        "seed base": seed_schema.BASE_COLUMNS,
        "seed paraphrases": seed_schema.PARAPHRASE_COLUMNS,
    }
    closest = min(needs, key=lambda name: len(fields.missing_columns(table, needs[name])))
    missing = fields.missing_columns(table, needs[closest])
    raise DatasetError(
        f"unknown dataset schema: missing columns {missing} (the closest schema, {closest}, needs {list(needs[closest])})",
        file=table.path, row=1,
    )


def load_dataset(path: str | Path, image_root: str | Path | None = None, *, check_images: bool | None = None) -> Dataset:
    """Read ``path`` into paraphrase groups.

    Image paths are resolved under ``image_root`` (default: the dataset's folder) and
    refused if they escape it. Images are checked for existence when ``check_images`` is
    true; by default only when ``image_root`` is given, since the seed files name images
    our users keep elsewhere.
    """
    path = Path(path)
    root = Path(image_root) if image_root is not None else path.parent
    table = read_table(path)
    schema = detect_schema(table)
    notes: list[str] = []
    if schema == "vqa-rad":
        cases, notes = vqa_rad.read_vqa_rad(table, root)
    elif schema == "seed-paraphrases":
        cases = seed_schema.read_seed_paraphrases(table, root)
    elif schema == "seed-base":
        cases = seed_schema.read_seed_base(table, root)
    else:
        cases = generic_schema.read_generic(table, root)
    if not cases:
        raise DatasetError("no usable records" + (f" ({'; '.join(notes)})" if notes else ""), file=path, row=1)
    if check_images if check_images is not None else image_root is not None:
        _check_images_exist(cases, path)
    return Dataset(path=path, schema=schema, groups=assemble_groups(cases, path), image_root=root, notes=tuple(notes))


def _check_images_exist(cases: list[Case], path: Path) -> None:
    for case in cases:
        if not case.image_path.is_file():
            row = case.source.row if case.source else 1
            raise DatasetError(f"image {str(case.image_path)!r} does not exist", file=path, row=row, column="image")
