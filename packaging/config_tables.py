"""Reads a program's `--help-config` text back into data.

`qvd-vma --help-config` (and `qvdclient --help-config`) print the component's table of
defaults (Core/Config/ConfigHelpRenderer.swift) in a fixed layout:

    Configuration keys of qvd-vma (/etc/qvd/vma.conf)
    <one line of preamble>

    command.*
      command.mount (path, default: mount)
          mount, for the home disk.

    Open key families (any key under these prefixes is accepted):
      vma.on_action.<action>
          Action hooks; ...

    Environment variables (above the files, below the command line):
      QVD_LOG_LEVEL -> log.level
          Overrides log.level, ...

That layout is the one interface between the Swift tables and the generated files
(vma.conf, docs/*-conf.md, the man pages' CONFIGURATION section), so nothing here copies
a key or a default: the tables stay the single source.
"""

from __future__ import annotations

import dataclasses
import re
import subprocess
from typing import Iterable


class HelpConfigError(Exception):
    """The text is not in the layout ConfigHelpRenderer writes."""


@dataclasses.dataclass
class Key:
    key: str
    kind: str
    default: str | None  # None: no default; "": empty
    added: bool
    summary: str

    @property
    def group(self) -> str:
        return self.key.split(".", 1)[0]


@dataclasses.dataclass
class Family:
    pattern: str
    summary: str


@dataclasses.dataclass
class Variable:
    name: str
    key: str
    summary: str


@dataclasses.dataclass
class Table:
    component: str
    file: str | None
    preamble: str
    keys: list[Key]
    families: list[Family]
    variables: list[Variable]

    def groups(self) -> list[tuple[str, list[Key]]]:
        """Keys grouped as --help-config groups them, in its order."""
        result: list[tuple[str, list[Key]]] = []
        for key in self.keys:
            if not result or result[-1][0] != key.group:
                result.append((key.group, []))
            result[-1][1].append(key)
        return result


_HEADING = re.compile(r"^Configuration keys of (\S+)(?: \((.+)\))?$")
_KEY = re.compile(r"^  (\S+) \((.*)\)$")
_VARIABLE = re.compile(r"^  (\S+) -> (\S+)$")


def _parse_details(details: str, key: str) -> tuple[str, str | None, bool]:
    """`path, default: /var/run/qvd, added` -> ("path", "/var/run/qvd", True)."""
    added = False
    if details.endswith(", added"):
        added = True
        details = details[: -len(", added")]
    kind, sep, rest = details.partition(", ")
    if not sep:
        raise HelpConfigError(f"key {key}: no default part in '({details})'")
    if rest == "no default":
        return kind, None, added
    if rest == "default: empty":
        return kind, "", added
    if rest.startswith("default: "):
        return kind, rest[len("default: "):], added
    raise HelpConfigError(f"key {key}: cannot read the default in '({details})'")


def parse(text: str) -> Table:
    lines = text.split("\n")
    if not lines or not _HEADING.match(lines[0]):
        raise HelpConfigError(f"first line is not 'Configuration keys of <program>': {lines[:1]!r}")
    heading = _HEADING.match(lines[0])
    assert heading
    component, file = heading.group(1), heading.group(2)
    preamble = lines[1] if len(lines) > 1 else ""
    keys: list[Key] = []
    families: list[Family] = []
    variables: list[Variable] = []
    section = "keys"
    index = 2
    while index < len(lines):
        line = lines[index]
        index += 1
        if not line:
            continue
        if line.startswith("Open key families"):
            section = "families"
            continue
        if line.startswith("Environment variables"):
            section = "variables"
            continue
        if not line.startswith("  "):
            if section == "keys" and line.endswith(".*"):
                continue  # a group heading
            raise HelpConfigError(f"line {index}: unexpected '{line}'")
        summary = ""
        if index < len(lines) and lines[index].startswith("      "):
            summary = lines[index].strip()
            index += 1
        if section == "keys":
            match = _KEY.match(line)
            if not match:
                raise HelpConfigError(f"line {index - 1}: not '  key (details)': '{line}'")
            kind, default, added = _parse_details(match.group(2), match.group(1))
            keys.append(Key(match.group(1), kind, default, added, summary))
        elif section == "families":
            families.append(Family(line.strip(), summary))
        else:
            match = _VARIABLE.match(line)
            if not match:
                raise HelpConfigError(f"line {index - 1}: not '  NAME -> key': '{line}'")
            variables.append(Variable(match.group(1), match.group(2), summary))
    if not keys:
        raise HelpConfigError("no keys at all")
    return Table(component, file, preamble, keys, families, variables)


def load(source: str) -> Table:
    """`source` is a program to run with --help-config, or a file holding its output
    (a path ending in .txt)."""
    if source.endswith(".txt"):
        with open(source, encoding="utf-8") as handle:
            return parse(handle.read())
    output = subprocess.run([source, "--help-config"], stdin=subprocess.DEVNULL, check=True,
                            capture_output=True, text=True, timeout=60)
    return parse(output.stdout)


def properties_escape(value: str) -> str:
    """A value as PropertiesParser reads it back unchanged (Core/Config/PropertiesParser.swift):
    backslashes doubled, a leading or trailing space escaped."""
    escaped = value.replace("\\", "\\\\")
    if escaped.startswith(" "):
        escaped = "\\" + escaped
    if escaped.endswith(" "):
        escaped = escaped[:-1] + "\\ "
    return escaped


def wrap(text: str, width: int, prefix: str) -> Iterable[str]:
    """Greedy word wrap; a word longer than the width stays whole."""
    line = ""
    for word in text.split():
        if line and len(prefix) + len(line) + 1 + len(word) > width:
            yield prefix + line
            line = word
        else:
            line = f"{line} {word}" if line else word
    if line:
        yield prefix + line
