"""The package's import graph: no circle anywhere, lower layers never import upper ones, and the
engine imports without torch (a scripted run needs none).

Every ``import`` statement counts, at module level or inside a function (a lazy import that
closes a circle is still a circle: it only fails later); imports under ``if TYPE_CHECKING:``
are annotations and do not run.
"""

import ast
import subprocess
import sys
from pathlib import Path

PACKAGE = Path(__file__).resolve().parents[1] / "vlmcore"
#: layer -> the layers above it, which it must not import
ABOVE = {
    "vlmcore.data": ("vlmcore.engine", "vlmcore.verdict", "vlmcore.report", "vlmcore.plugin"),
    "vlmcore.metrics": ("vlmcore.engine", "vlmcore.verdict", "vlmcore.report", "vlmcore.plugin"),
    "vlmcore.models": ("vlmcore.engine", "vlmcore.verdict", "vlmcore.report", "vlmcore.plugin"),
    "vlmcore.grounding": ("vlmcore.engine", "vlmcore.verdict", "vlmcore.report", "vlmcore.plugin"),
    "vlmcore.engine": ("vlmcore.verdict", "vlmcore.report", "vlmcore.plugin"),
    "vlmcore.verdict": ("vlmcore.report", "vlmcore.plugin"),
    "vlmcore.report": ("vlmcore.plugin",),
}


def _module_name(path: Path) -> str:
    parts = path.relative_to(PACKAGE.parent).with_suffix("").parts
    return ".".join(parts[:-1] if parts[-1] == "__init__" else parts)


def _type_checking_blocks(tree: ast.AST) -> set[int]:
    skipped = set()
    for node in ast.walk(tree):
        if isinstance(node, ast.If) and "TYPE_CHECKING" in ast.unparse(node.test):
            skipped |= {id(child) for statement in node.body for child in ast.walk(statement)}
    return skipped


def _imports(path: Path, modules: set[str]) -> set[str]:
    tree = ast.parse(path.read_text())
    skipped = _type_checking_blocks(tree)
    found = set()
    for node in ast.walk(tree):
        if id(node) in skipped:
            continue
        if isinstance(node, ast.Import):
            found |= {alias.name for alias in node.names if alias.name in modules}
        elif isinstance(node, ast.ImportFrom) and node.module and node.level == 0 and node.module.startswith("vlmcore"):
            for alias in node.names:
                child = f"{node.module}.{alias.name}"
                found.add(child if child in modules else node.module)
    return found & modules


def import_graph() -> dict[str, set[str]]:
    files = {_module_name(path): path for path in PACKAGE.rglob("*.py")}
    return {name: _imports(path, set(files)) - {name} for name, path in files.items()}


def _cycles(graph: dict[str, set[str]]) -> list[list[str]]:
    """Strongly connected components of more than one module (Tarjan 1972)."""
    index, low, stack, on_stack, found = {}, {}, [], set(), []

    def visit(node: str) -> None:
        index[node] = low[node] = len(index)
        stack.append(node)
        on_stack.add(node)
        for target in sorted(graph[node]):
            if target not in index:
                visit(target)
                low[node] = min(low[node], low[target])
            elif target in on_stack:
                low[node] = min(low[node], index[target])
        if low[node] == index[node]:
            component = []
            while True:
                member = stack.pop()
                on_stack.discard(member)
                component.append(member)
                if member == node:
                    break
            if len(component) > 1:
                found.append(sorted(component))

    sys.setrecursionlimit(max(sys.getrecursionlimit(), 10_000))
    for node in sorted(graph):
        if node not in index:
            visit(node)
    return found


def test_no_import_circle_in_the_package():
    graph = import_graph()
    assert len(graph) > 150  # every module was read
    assert _cycles(graph) == []


def test_the_cycle_finder_finds_a_planted_circle():
    planted = {"a": {"b"}, "b": {"c"}, "c": {"a"}, "d": {"a"}}
    assert _cycles(planted) == [["a", "b", "c"]]


def test_lower_layers_never_import_upper_ones():
    offences = [(module, target) for module, targets in import_graph().items() for layer, above in ABOVE.items()
                if module == layer or module.startswith(layer + ".") for target in targets if target.startswith(above)]
    assert offences == []


def test_the_engine_imports_without_torch():
    code = "import sys, vlmcore.engine; print(sorted(m for m in ('torch', 'transformers') if m in sys.modules))"
    done = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True)
    assert done.stdout.strip() == "[]"
