"""The README and the docs site name only commands, options and settings that exist, and the
README stays short."""

from __future__ import annotations

import re
from pathlib import Path

import pytest

from kgqa.flows.cli.reference import commands, option_names, setting_names

ROOT = Path(__file__).resolve().parents[2]
GENERATED = {"cli.md", "settings.md", "http-api.md"}  # written from the code by docs/hooks.py
# environment variables of ours that are not settings
OTHER_VARIABLES = {"KGQA_CONFIG", "KGQA_CHROMIUM", "KGQA_SCREENSHOTS"}


def pages() -> list[Path]:
    docs = [
        p
        for p in sorted((ROOT / "docs").rglob("*.md"))
        if not (p.parent.name == "reference" and p.name in GENERATED)
    ]
    return [ROOT / "README.md", *docs]


def command_lines(text: str) -> list[str]:
    """What follows ``kgqa`` in inline code and in the lines of code blocks."""
    found = [m.group(1) for m in re.finditer(r"`kgqa ([^`\n]*)`", text)]
    in_block = False
    for line in text.splitlines():
        if line.startswith("```"):
            in_block = not in_block
            continue
        m = re.match(r"\s*(?:\$ )?kgqa (.*)", line)
        if in_block and m:
            found.append(m.group(1).split("  #")[0])
    return found


def check_command(words: str, known: dict) -> str | None:
    """Why ``kgqa WORDS`` names something that does not exist (None when it all does)."""
    tokens = words.split()
    if not tokens or tokens[0].startswith("-") or tokens[0].isupper():
        return None  # `kgqa --help`, `kgqa --version`, `kgqa COMMAND --help`
    name = tokens[0]
    if name not in known:
        return f"no command {name!r}"
    if len(tokens) > 1 and f"{name} {tokens[1]}" in known:
        name = f"{name} {tokens[1]}"
    elif any(k.startswith(name + " ") for k in known):
        return None  # the group itself (`kgqa train`), or its subcommand named in words
    options = option_names(known[name]) | {"--help"}
    for flag in re.findall(r"(?<![\w-])(--[a-z][a-z0-9-]*)", words):
        if flag not in options:
            return f"`kgqa {name}` has no option {flag}"
    return None


def test_every_documented_command_and_option_exists() -> None:
    known = commands()
    wrong = []
    for page in pages():
        for words in command_lines(page.read_text(encoding="utf-8")):
            why = check_command(words, known)
            if why:
                wrong.append(f"{page.relative_to(ROOT)}: kgqa {words.strip()}: {why}")
    assert wrong == []


def test_every_documented_setting_exists() -> None:
    names = setting_names()
    wrong = []
    for page in pages():
        text = page.read_text(encoding="utf-8")
        named = set(re.findall(r"\bsettings? `([a-z][a-z0-9_]*)`", text))
        named |= {
            m.lower()
            for m in re.findall(r"\bKGQA_([A-Z][A-Z0-9_]*)", text)
            if f"KGQA_{m}" not in OTHER_VARIABLES
        }
        named |= (
            set(re.findall(r"^\| `([a-z][a-z0-9_]*)`", text, flags=re.M))
            if (page.name == "settings-guide.md")
            else set()
        )
        wrong += [f"{page.relative_to(ROOT)}: {n}" for n in sorted(named - names)]
    assert wrong == []


def test_the_check_catches_what_does_not_exist() -> None:
    known = commands()
    assert check_command("ingest data/ --prune", known) is None
    assert check_command("train reader --data x.json", known) is None
    assert check_command("ingst data/", known) == "no command 'ingst'"
    assert check_command("ask 'Q' --topk 3", known) == "`kgqa ask` has no option --topk"


def test_the_readmes_links_lead_somewhere() -> None:
    text = (ROOT / "README.md").read_text(encoding="utf-8")
    targets = re.findall(r"\]\(([^)#]+)\)", text)
    assert "docs/guides/ingest.md" in targets
    missing = [t for t in targets if "://" not in t and not (ROOT / t).exists()]
    assert missing == []


@pytest.mark.parametrize("limit", [200])
def test_the_readme_is_short(limit: int) -> None:
    assert len((ROOT / "README.md").read_text(encoding="utf-8").splitlines()) <= limit
