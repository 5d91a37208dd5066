"""CI refuses a message of the code without a translation in each of the four catalogues, and a
catalogue that does not compile or whose committed .mo is stale (issue 12).

The messages are extracted from the code into a temporary directory (the same makemessages run as
`scripts/i18n extract`), so a string wrapped in a commit that forgot to re-extract fails here. The
Spanish, French and Portuguese catalogues fail until the translators have filled them: that is the
point. Needs gettext (msgfmt, msgmerge, xgettext, msgen): `.ci/run` installs it."""

from __future__ import annotations

import tempfile
from collections.abc import Iterator
from pathlib import Path

import pytest

from ogplocal import catalogues


@pytest.fixture(scope="module")
def template() -> Iterator[Path]:
    with tempfile.TemporaryDirectory() as tmp:
        yield catalogues.extract_template(Path(tmp))


def test_the_code_has_messages_to_translate(template: Path) -> None:
    messages = catalogues.read_po(template)
    assert len(messages) > 1000
    assert (None, "Why this status") in messages
    assert ("calendar mark", "done") in messages  # pgettext keeps its context


@pytest.mark.parametrize("language", catalogues.languages())
def test_every_message_of_the_code_is_translated(template: Path, language: str) -> None:
    problems = [
        problem
        for problem in catalogues.problems_with_messages(template)
        if problem.startswith(f"{language}:")
    ]
    assert not problems, (
        f"{len(problems)} message(s) missing, untranslated or fuzzy in "
        f"locale/{language}/LC_MESSAGES/django.po (run scripts/i18n extract, translate, then "
        "scripts/i18n compile):\n" + "\n".join(problems)
    )


def test_every_catalogue_compiles_and_its_committed_mo_is_its_compilation() -> None:
    problems = catalogues.problems_compiling()
    assert not problems, "\n".join(problems)


def write_catalogues(locale_dir: Path, text: str) -> None:
    """The same .po text as every language's catalogue under `locale_dir`."""
    for language in catalogues.languages():
        po = catalogues.po_path(language, locale_dir)
        po.parent.mkdir(parents=True)
        po.write_text(text, encoding="utf-8")


def test_the_check_finds_a_missing_an_untranslated_and_a_fuzzy_message(tmp_path: Path) -> None:
    pot = tmp_path / "django.pot"
    pot.write_text(
        'msgid ""\nmsgstr ""\n\nmsgid "Kept"\nmsgstr ""\n\nmsgid "Gone"\nmsgstr ""\n\n'
        'msgid "Empty"\nmsgstr ""\n\nmsgid "Guessed"\nmsgstr ""\n',
        encoding="utf-8",
    )
    write_catalogues(
        tmp_path,
        'msgid ""\nmsgstr ""\n\nmsgid "Kept"\nmsgstr "K"\n\nmsgid "Empty"\nmsgstr ""\n\n'
        '#, fuzzy\nmsgid "Guessed"\nmsgstr "G"\n',
    )
    problems = catalogues.problems_with_messages(pot, tmp_path)
    assert "en: missing 'Gone'" in problems
    assert "fr: untranslated 'Empty'" in problems
    assert "pt: fuzzy 'Guessed'" in problems
    assert not [problem for problem in problems if "'Kept'" in problem]


def test_the_check_refuses_a_catalogue_msgfmt_refuses(tmp_path: Path) -> None:
    write_catalogues(
        tmp_path,
        'msgid ""\nmsgstr ""\n"Content-Type: text/plain; charset=UTF-8\\n"\n\n'
        '#, python-format\nmsgid "%(count)s open"\nmsgstr "%(nombre)s abiertos"\n',
    )
    problems = catalogues.problems_compiling(tmp_path)
    assert len(problems) == 4
    assert all("msgfmt --check refuses" in problem for problem in problems)


# xgettext reads calls of these names only, and never inside an f-string: a message written either
# way would be shown in English to every reader without the catalogue check noticing.
GETTEXT_NAMES = {
    "_",
    "_l",
    "gettext",
    "gettext_lazy",
    "ngettext",
    "ngettext_lazy",
    "pgettext",
    "pgettext_lazy",
    "npgettext",
    "npgettext_lazy",
}


def _portal_sources() -> list[Path]:
    root = catalogues.root()
    skip = {".venv", "node_modules", "tests", "bench", "migrations", "locale", "artifacts"}
    return [path for path in root.rglob("*.py") if not skip & set(path.relative_to(root).parts)]


def messages_xgettext_cannot_read(source: str) -> list[str]:
    """Each gettext call inside an f-string, and each gettext function imported under a name
    that xgettext does not know, in one module's source."""
    import ast

    found = []
    tree = ast.parse(source)
    for node in ast.walk(tree):
        if isinstance(node, ast.ImportFrom) and node.module == "django.utils.translation":
            for alias in node.names:
                if alias.asname and alias.asname not in GETTEXT_NAMES:
                    found.append(f"line {node.lineno}: {alias.name} imported as {alias.asname}")
        if isinstance(node, ast.JoinedStr):
            for inner in ast.walk(node):
                if (
                    isinstance(inner, ast.Call)
                    and isinstance(inner.func, ast.Name)
                    and inner.func.id in GETTEXT_NAMES
                ):
                    found.append(f"line {inner.lineno}: {inner.func.id}() inside an f-string")
    return found


def test_no_message_hides_from_the_extraction() -> None:
    problems = [
        f"{path.relative_to(catalogues.root())}: {problem}"
        for path in _portal_sources()
        for problem in messages_xgettext_cannot_read(path.read_text())
    ]
    assert not problems, "\n".join(problems)


def test_the_hiding_check_sees_an_f_string_and_an_unknown_alias() -> None:
    source = (
        "from django.utils.translation import gettext as tr\n"
        "from django.utils.translation import gettext as _\n"
        "x = f\"<b>{_('Hidden')}</b>\"\n"
    )
    assert messages_xgettext_cannot_read(source) == [
        "line 1: gettext imported as tr",
        "line 3: _() inside an f-string",
    ]
