"""A table as data (title, headers, rows, note), rendered to Markdown or HTML by one function
each, so report.md, report.html and ``vlmcore compare`` show the same numbers the same way."""

from __future__ import annotations

import html
from dataclasses import dataclass, field, replace

from vlmcore.report.formatting import cell


@dataclass(frozen=True)
class Table:
    title: str
    headers: tuple[str, ...]
    rows: tuple[tuple, ...]
    note: str = ""
    classes: dict = field(default_factory=dict)  # (row, column) -> css class, e.g. "fail"
    collapsed: bool = False  # secondary detail: rendered inside ``<details>`` (one click away)
    restates: str = ""  # the first-run check whose values this table restates (report.md leaves it out where judged)

    def markdown(self, level: str = "###") -> list[str]:
        if self.collapsed:  # GitHub renders a table inside <details> when blank lines surround it
            return ([f"<details><summary>{cell(self.title)} (click to open)</summary>", ""]
                    + replace(self, collapsed=False, title="").markdown(level) + ["</details>", ""])
        lines = [f"{level} {self.title}", ""] if self.title else []
        if self.note:
            lines += [cell(self.note), ""]
        lines += ["| " + " | ".join(cell(h) for h in self.headers) + " |", "| " + " | ".join("---" for _ in self.headers) + " |"]
        for index, row in enumerate(self.rows):
            values = [cell(v) for v in row]
            values = [f"**{v}**" if self.classes.get((index, column)) == "fail" else v for column, v in enumerate(values)]
            lines.append("| " + " | ".join(values) + " |")
        return lines + [""]

    def html(self, level: str = "h3") -> str:
        head = "".join(f"<th>{html.escape(str(h))}</th>" for h in self.headers)
        body = "".join("<tr>" + "".join(
            f"<td class='{self.classes[(i, j)]}'>{html.escape(str(v))}</td>" if (i, j) in self.classes
            else f"<td>{html.escape(str(v))}</td>" for j, v in enumerate(row)) + "</tr>" for i, row in enumerate(self.rows))
        if self.collapsed:
            inner = replace(self, collapsed=False, title="").html(level)
            return f"<details class='collapsed-table'><summary>{html.escape(self.title)}</summary>{inner}</details>"
        title = f"<{level}>{html.escape(self.title)}</{level}>" if self.title else ""
        note = f"<p class='note'>{html.escape(self.note)}</p>" if self.note else ""
        return f"{title}{note}<table><tr>{head}</tr>{body}</table>"
