"""Benchmark cases run model by model and, within a model, group by group: every check of a
group (flip search, consistency, accuracy, JS, its inverted controls, its films' map checks) runs
before the next group's, and the model-level aggregates after the model's last group.

Why: the expensive work, evaluating a group, is cached and paid by whichever check touches the
group first. In file order (every flip search, then every group check, then every map check) the
first progress lines have seen only the expensive check, and no honest ETA can be made from them:
the issue's first line promised 15 days for a run of minutes. In this order each check has been
seen after the first group, so its mean per case already holds its true share of the shared work,
and the ETA (``plugin.progress``) is a sum of seen means from the first line on. The work done is
the same; only its order changes. Items that are not benchmark cases keep their places.
"""

from __future__ import annotations


def group_major(items: list, models: list[str], group_of_case: dict[str, str], groups: list[str]) -> list:
    """``items`` reordered as the module doc says (stable: file order within one group's checks)."""
    model_rank = {key: rank for rank, key in enumerate(models)}
    group_rank = {group: rank for rank, group in enumerate(groups)}
    after_groups = len(groups)

    def key(position_item):
        position, item = position_item
        params = getattr(getattr(item, "callspec", None), "params", {})
        if "vlm_group" in params:
            subject = group_rank.get(params["vlm_group"], after_groups)
        elif "vlm_case" in params or "vlm_inverted" in params:
            case = params.get("vlm_case", params.get("vlm_inverted"))
            subject = group_rank.get(group_of_case.get(case, ""), after_groups)
        else:  # per model, per finding, per strategy: the aggregates, after every group of the model
            subject = after_groups
        return model_rank.get(params["vlm_model"], len(models)), subject, position

    slots = [i for i, item in enumerate(items) if "vlm_model" in getattr(getattr(item, "callspec", None), "params", {})]
    ordered = sorted(((i, items[i]) for i in slots), key=key)
    result = list(items)
    for slot, (_, item) in zip(slots, ordered):
        result[slot] = item
    return result
