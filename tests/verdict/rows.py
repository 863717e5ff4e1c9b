"""Small hand-built result rows for exact decision tests."""

from vlmcore.data.rows import VariantRow


def row(case: str, *, cluster: str, relation: str = "invariant", answer: str = "yes", base_answer: str = "yes",
        expected: str = "yes", blank: str | None = "no", finding: str = "pneumothorax", strategy: str = "voice",
        model: str = "m", question: str | None = None, image_sha: str = "") -> VariantRow:
    return VariantRow(model=model, case_id=case, group_id=f"g-{cluster}", question=question or f"{case}?", relation=relation,
                      strategy="baseline" if relation == "base" else strategy, finding=finding, patient_id=cluster,
                      image=f"{cluster}.png", expected=expected, answer=answer, base_answer=base_answer, p_yes=0.5, margin=0.0,
                      mass=0.9, parse_path="score", map_method="scripted", map_fallback=False, map_grid=(2, 2),
                      blank_answer=blank, metrics={"js_to_base": 0.0}, image_sha=image_sha or f"sha-{cluster}")


def group(cluster: str, answers: list[str], *, base: str = "yes", expected: str = "yes", **kwargs) -> list[VariantRow]:
    """A base question answered ``base`` and one invariant paraphrase per entry of ``answers``."""
    rows = [row(f"{cluster}-base", cluster=cluster, relation="base", answer=base, base_answer=base, expected=expected, **kwargs)]
    rows += [row(f"{cluster}-p{i}", cluster=cluster, answer=a, base_answer=base, expected=expected, **kwargs) for i, a in enumerate(answers)]
    return rows
