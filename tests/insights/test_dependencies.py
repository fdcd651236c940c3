"""Dependencies flow home -> insights -> trials: insights never imports the home app."""

import ast
from pathlib import Path

import insights

INSIGHTS_DIR = Path(insights.__file__).parent


def imported_modules(path: Path) -> set[str]:
    tree = ast.parse(path.read_text(), filename=str(path))
    names = set()
    for node in ast.walk(tree):
        if isinstance(node, ast.Import):
            names.update(alias.name for alias in node.names)
        elif isinstance(node, ast.ImportFrom) and node.module and node.level == 0:
            names.add(node.module)
    return names


def test_no_module_of_insights_imports_home():
    offenders = {
        str(path.relative_to(INSIGHTS_DIR)): sorted(
            name for name in imported_modules(path) if name == "home" or name.startswith("home.")
        )
        for path in INSIGHTS_DIR.rglob("*.py")
    }
    assert {path: names for path, names in offenders.items() if names} == {}
