"""The translation catalogues under locale/: extraction, compilation and their checks (issue 12).

`scripts/i18n extract` runs Django's makemessages for the four languages of settings.LANGUAGES
(never fuzzy-matching a new message to an old one: a guessed translation is worse than none) and
fills the English catalogue with msgstr = msgid, so "every message has a translation in each of the
four catalogues" holds for English too. `scripts/i18n compile` writes the .mo files, which are
committed so the portal runs on a machine without gettext. `scripts/i18n check` (and
tests/i18n/test_catalogues.py) extracts the code's messages into a temporary directory and lists
every message missing, untranslated or fuzzy in a catalogue, every catalogue msgfmt refuses and
every .mo that is not the compilation of its .po.
"""

from __future__ import annotations

import ast
import contextlib
import gettext
import re
import shutil
import subprocess
import tempfile
from collections.abc import Iterator
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from django.conf import settings
from django.core.management import call_command
from django.core.management.commands import makemessages
from django.test.utils import override_settings

DOMAIN = "django"
SOURCE_LANGUAGE = "en"
# What makemessages must not read: other people's code, tests, generated files.
IGNORE = [
    ".venv/*",
    "node_modules/*",
    "tests/*",
    "bench/*",
    "artifacts/*",
    "staticfiles/*",
    "media/*",
    "locale/*",
    "scripts/*",
    "requirements/*",
    "docs/*",
    "examples/*",
]


def root() -> Path:
    return Path(settings.BASE_DIR)


def languages() -> list[str]:
    return [code for code, _name in settings.LANGUAGES]


def po_path(language: str, locale_dir: Path | None = None) -> Path:
    return (locale_dir or root() / "locale") / language / "LC_MESSAGES" / f"{DOMAIN}.po"


class MakeMessages(makemessages.Command):
    """Django's makemessages without fuzzy matching: a new message starts untranslated."""

    msgmerge_options = [*makemessages.Command.msgmerge_options, "--no-fuzzy-matching"]
    # The services and the calendar import gettext_lazy as `_l`: xgettext must read it too.
    xgettext_options = [*makemessages.Command.xgettext_options, "--keyword=_l"]

    def find_files(self, root: str) -> list[Any]:
        # Every message goes to the one catalogue directory asked for (LOCALE_PATHS[0]), never to
        # a locale/ directory met on the way: the check extracts into a temporary directory.
        files = super().find_files(root)
        self.locale_paths = [self.default_locale_path or ""]
        for file in files:
            file.locale_dir = self.default_locale_path
        return files


def extract(locale_dir: Path | None = None, *, keep_pot: bool = False) -> None:
    """Update the catalogues of every language from the code (makemessages) and fill English."""
    locale_dir = locale_dir or root() / "locale"
    for language in languages():
        po_path(language, locale_dir).parent.mkdir(parents=True, exist_ok=True)
    # makemessages reads the tree under the working directory: the repository's.
    with override_settings(LOCALE_PATHS=[locale_dir]), contextlib.chdir(root()):
        call_command(
            MakeMessages(),
            locale=languages(),
            domain=DOMAIN,
            ignore_patterns=IGNORE,
            add_location="file",
            no_obsolete=True,
            keep_pot=keep_pot,
            extensions=["html", "txt", "py"],
            verbosity=0,
        )
    for language in languages():
        path = po_path(language, locale_dir)
        text = _unfuzzy_header(path.read_text(encoding="utf-8"), language)
        path.write_text(text, encoding="utf-8")
        if language == SOURCE_LANGUAGE:
            # msgen: every untranslated message gets msgstr = msgid (msgid_plural for plurals).
            _gettext_tool("msgen", "-o", str(path), str(path))
            _strip_fuzzy_flags(path)


def _unfuzzy_header(text: str, language: str) -> str:
    """makemessages writes a new catalogue's header as fuzzy with the template's placeholders."""
    header, _sep, rest = text.partition('\nmsgid ""\n')
    header = header.replace("#, fuzzy\n", "").replace("#, fuzzy", "")
    header = header.replace("# SOME DESCRIPTIVE TITLE.", f"# The OGP Local portal in {language}.")
    rest = rest.replace('"Language: \\n"', f'"Language: {language}\\n"', 1)
    rest = rest.replace(
        '"Project-Id-Version: PACKAGE VERSION\\n"', '"Project-Id-Version: ogplocal\\n"', 1
    )
    for placeholder, value in (
        ("PO-Revision-Date: YEAR-MO-DA HO:MI+ZONE", "PO-Revision-Date: 2026-12-01 00:00+0000"),
        ("Last-Translator: FULL NAME <EMAIL@ADDRESS>", "Last-Translator: OGP Local translators"),
        ("Language-Team: LANGUAGE <LL@li.org>", f"Language-Team: {language}"),
    ):
        rest = rest.replace(placeholder, value, 1)
    return header + '\nmsgid ""\n' + rest


def _strip_fuzzy_flags(path: Path) -> None:
    text = path.read_text(encoding="utf-8")
    path.write_text(re.sub(r"^#, fuzzy\n", "", text, flags=re.MULTILINE), encoding="utf-8")


def _gettext_tool(name: str, *args: str, check: bool = True) -> subprocess.CompletedProcess[str]:
    program = shutil.which(name)
    if program is None:
        raise RuntimeError(f"{name} is missing: install gettext (Debian: apt-get install gettext)")
    # A fixed gettext program on the repository's own files.
    return subprocess.run([program, *args], check=check, capture_output=not check, text=True)  # noqa: S603


def compile_all(locale_dir: Path | None = None) -> None:
    locale_dir = locale_dir or root() / "locale"
    for language in languages():
        po = po_path(language, locale_dir)
        _gettext_tool("msgfmt", "--check", "-o", str(po.with_suffix(".mo")), str(po))


# --- Reading catalogues ----------------------------------------------------------------------


@dataclass
class Entry:
    msgid: str
    context: str | None = None
    plural: str | None = None
    translations: list[str] = field(default_factory=list)
    fuzzy: bool = False
    locations: list[str] = field(default_factory=list)

    @property
    def key(self) -> tuple[str | None, str]:
        return (self.context, self.msgid)

    @property
    def translated(self) -> bool:
        return bool(self.translations) and all(self.translations)

    def label(self) -> str:
        where = f" ({', '.join(self.locations)})" if self.locations else ""
        context = f"[{self.context}] " if self.context else ""
        return f"{context}{self.msgid!r}{where}"


_FIELD = re.compile(r'^(msgctxt|msgid_plural|msgid|msgstr(?:\[\d+\])?)\s+"(.*)"$')


def _unquote(text: str) -> str:
    return str(ast.literal_eval('"' + text + '"'))


def read_po(path: Path) -> dict[tuple[str | None, str], Entry]:
    """The entries of a .po or .pot file (not the header, not obsolete entries) by (context, id)."""
    entries: dict[tuple[str | None, str], Entry] = {}
    for block in _blocks(path.read_text(encoding="utf-8")):
        fields: dict[str, str] = {}
        flags: list[str] = []
        locations: list[str] = []
        current = ""
        for line in block:
            if line.startswith("#~"):
                fields = {}
                break
            if line.startswith("#,"):
                flags += [flag.strip() for flag in line[2:].split(",")]
            elif line.startswith("#:"):
                locations += line[2:].split()
            elif line.startswith("#"):
                continue
            elif match := _FIELD.match(line):
                current = match.group(1)
                fields[current] = _unquote(match.group(2))
            elif line.startswith('"') and current:
                fields[current] += _unquote(line.strip()[1:-1])
        if "msgid" not in fields or fields["msgid"] == "":
            continue
        translations = [value for name, value in sorted(fields.items()) if name[:6] == "msgstr"]
        entry = Entry(
            msgid=fields["msgid"],
            context=fields.get("msgctxt"),
            plural=fields.get("msgid_plural"),
            translations=translations,
            fuzzy="fuzzy" in flags,
            locations=locations,
        )
        entries[entry.key] = entry
    return entries


def _blocks(text: str) -> Iterator[list[str]]:
    block: list[str] = []
    for line in text.splitlines():
        if not line.strip():
            if block:
                yield block
            block = []
        else:
            block.append(line)
    if block:
        yield block


# --- The checks ------------------------------------------------------------------------------


def extract_template(workdir: Path) -> Path:
    """The code's messages as a .pot file, extracted into `workdir` (the catalogues untouched)."""
    locale_dir = workdir / "locale"
    for language in languages():
        po = po_path(language, locale_dir)
        po.parent.mkdir(parents=True, exist_ok=True)
    extract(locale_dir, keep_pot=True)
    return locale_dir / f"{DOMAIN}.pot"


def problems_with_messages(template: Path, locale_dir: Path | None = None) -> list[str]:
    """Every message of the code missing, untranslated or fuzzy in a catalogue, one line each."""
    wanted = read_po(template)
    found: list[str] = []
    for language in languages():
        path = po_path(language, locale_dir)
        if not path.exists():
            found.append(f"{language}: no catalogue at {path}")
            continue
        catalogue = read_po(path)
        for key, entry in wanted.items():
            have = catalogue.get(key)
            if have is None:
                found.append(f"{language}: missing {entry.label()}")
            elif have.fuzzy:
                found.append(f"{language}: fuzzy {entry.label()}")
            elif not have.translated:
                found.append(f"{language}: untranslated {entry.label()}")
    return found


def problems_compiling(locale_dir: Path | None = None) -> list[str]:
    """msgfmt --check on every catalogue (placeholders, plural forms, header), and each committed
    .mo compared with a fresh compilation of its .po."""
    found: list[str] = []
    with tempfile.TemporaryDirectory() as tmp:
        for language in languages():
            po = po_path(language, locale_dir)
            fresh = Path(tmp) / f"{language}.mo"
            result = _gettext_tool("msgfmt", "--check", "-o", str(fresh), str(po), check=False)
            if result.returncode != 0:
                found.append(f"{language}: msgfmt --check refuses {po}:\n{result.stderr.strip()}")
                continue
            committed = po.with_suffix(".mo")
            if not committed.exists():
                found.append(f"{language}: {committed} is missing (scripts/i18n compile)")
            elif _mo_catalogue(committed) != _mo_catalogue(fresh):
                found.append(
                    f"{language}: {committed} is not the compilation of its .po "
                    "(scripts/i18n compile)"
                )
    return found


def _mo_catalogue(path: Path) -> dict[Any, str]:
    with path.open("rb") as file:
        translations = gettext.GNUTranslations(file)
    catalogue: dict[Any, str] = translations._catalog  # type: ignore[attr-defined]
    return dict(catalogue)


def check() -> list[str]:
    """All the problems `scripts/i18n check` and the CI test report."""
    with tempfile.TemporaryDirectory() as tmp:
        template = extract_template(Path(tmp))
        found = problems_with_messages(template)
    return found + problems_compiling()


def copy_catalogues(target: Path) -> None:
    shutil.copytree(root() / "locale", target, dirs_exist_ok=True)
