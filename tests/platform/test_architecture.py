"""The layers of docs/architecture.md hold: import-linter's contracts pass, and every import inside
a function says why it cannot be at the top of its module."""

from __future__ import annotations

import ast
from pathlib import Path

from django.conf import settings
from importlinter import cli

PACKAGES = (
    "ogplocal",
    "members",
    "action_plans",
    "commitments",
    "tracker",
    "assessments",
    "portal",
)


def source_files() -> list[Path]:
    root = Path(settings.BASE_DIR)
    return sorted(
        path
        for package in PACKAGES
        for path in (root / package).rglob("*.py")
        if "migrations" not in path.parts
    )


def imports_inside_functions(path: Path) -> list[tuple[int, str]]:
    """(line, text) of each import in a function's body, outside `if TYPE_CHECKING:`."""
    text = path.read_text(encoding="utf-8")
    lines = text.splitlines()
    found = []
    for function in ast.walk(ast.parse(text)):
        if not isinstance(function, ast.FunctionDef | ast.AsyncFunctionDef):
            continue
        for node in ast.walk(function):
            if isinstance(node, ast.Import | ast.ImportFrom):
                found.append((node.lineno, lines[node.lineno - 1].strip()))
    return sorted(set(found))


def explained(path: Path, line: int) -> bool:
    """A comment on the import's line or on the line just above it says why it is there."""
    lines = path.read_text(encoding="utf-8").splitlines()
    here, above = lines[line - 1], lines[line - 2] if line >= 2 else ""
    return "#" in here or above.strip().startswith("#")


def test_every_import_inside_a_function_says_why() -> None:
    unexplained = [
        f"{path.relative_to(settings.BASE_DIR)}:{line}: {text}"
        for path in source_files()
        for line, text in imports_inside_functions(path)
        if not explained(path, line)
    ]
    assert not unexplained, (
        "Move these imports to the top of their module, or say in a comment why they cannot be "
        "there:\n" + "\n".join(unexplained)
    )


def test_the_check_finds_an_unexplained_import(tmp_path: Path) -> None:
    module = tmp_path / "module.py"
    module.write_text(
        "def hidden():\n"
        "    from members import rules\n"
        "\n"
        "def said():\n"
        "    # WeasyPrint loads Pango: only the PDF view pays for it.\n"
        "    import weasyprint\n"
    )
    assert imports_inside_functions(module) == [
        (2, "from members import rules"),
        (6, "import weasyprint"),
    ]
    assert not explained(module, 2)
    assert explained(module, 6)


def test_import_linter_contracts_are_kept() -> None:
    """The contracts of pyproject.toml: layers, a kit that imports no app, no cycles."""
    assert cli.lint_imports(config_filename=str(Path(settings.BASE_DIR) / "pyproject.toml")) == 0
