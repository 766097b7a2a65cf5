#!/usr/bin/env python3
"""Writes a man page (roff) for one of our programs.

    gen-manpage.py PROGRAM SECTION [--name NAME] [--config-table SOURCE] [--version V]
                   [--date YYYY-MM-DD] [--no-parser]

The options and description come from the program's argument parser through
swift-argument-parser's `--experimental-dump-help` JSON; the CONFIGURATION and
ENVIRONMENT sections from its table of defaults (`--help-config` output, see
config_tables.py). A program without an argument parser yet (a placeholder, or a shell
helper) gets the page written in FALLBACK below.
"""

from __future__ import annotations

import argparse
import datetime
import json
import os
import subprocess
import sys
from pathlib import Path

sys.dont_write_bytecode = True  # no __pycache__ in the source tree
sys.path.insert(0, str(Path(__file__).resolve().parent))
import config_tables  # noqa: E402

# Programs that have no --experimental-dump-help: what their page says. Keep to facts
# that hold for the placeholder and the finished program alike.
FALLBACK = {
    "qvd-vma-slaveserver": (
        "the VM side of the QVD slave channel",
        "nxagent starts it, as the session user, for each connection the client opens on the "
        "NX slave channel (NX_SLAVE_CMD, vma.conf key vma.slave.command), with the connection "
        "on its standard input and output and no arguments. It answers the client's HTTP "
        "requests: sharing a client folder into the VM (mounted under ~/Redirected with "
        "sshfs), serving VM folders the configuration exports, and /open. Every request "
        "must carry the session's slave key (Authorization: Basic <key>, compared in constant "
        "time), which it reads from the run directory (internal.vma.slave.config); without "
        "a configuration or a key it answers 503 and exits. Configuration: built-in defaults, "
        "then $QVD_VMA_CONFIG or /etc/qvd/vma.conf. Its log (vma-slaveserver.log.filename, "
        "else standard error, which is nxagent's log) never holds the key. Exit status: 0 "
        "when the connection ended normally, 1 otherwise. Not meant to be run by hand.",
    ),
    "qvd-client-slaveserver": (
        "the client side of the QVD slave channel",
        "nxproxy starts it for each connection the VM opens on the NX slave channel "
        "(NX_SLAVE_CMD, client.conf key client.slave.command), with the connection on its "
        "standard input and output and no arguments. It serves the VM's requests for the "
        "folders the user shared, confined to those folders, only when they carry the "
        "session's slave key (~/.qvd/slave-key, written by qvdclient, mode 0600). "
        "Configuration: built-in defaults, /etc/qvd/client.conf, ~/.qvd/client.conf. Its log "
        "goes to standard error (nxproxy's log) and never holds the key. Exit status: 0 when "
        "the connection ended normally, 1 otherwise. Not meant to be run by hand.",
    ),
    "qvd-slaveclient": (
        "send a request over the QVD slave channel",
        "Sends requests over the running session's slave channel, for instance to share "
        "a local folder with the VM, authenticated with the session's slave key.",
    ),
    "qvd-nxdiag": (
        "NX dialog helper of qvd-vma sessions",
        "nxagent runs $NX_CLIENT (vma.conf key command.nxdiag) when it wants to ask the user "
        "something, for instance whether to disconnect or terminate when the session window "
        "is closed. A desktop in a VM must not stop on a question nobody can answer, so every "
        "dialog except 'pulldown' suspends the session instead: qvd-nxdiag sends SIGHUP to "
        "nxagent, its parent, and logs a line through logger(1) with tag qvd-nxdiag. The user "
        "reconnects later and finds the desktop as it was. It takes nxagent's options "
        "(--dialog NAME and others, which it ignores) and exits with status 0.",
    ),
}

# FILES and SEE ALSO per program; facts of the packaging, not of the parsers.
FILES = {
    "qvd-vma": [
        ("/etc/qvd/vma.conf", "the system configuration file"),
        ("/etc/qvd/hooks/", "hook folders (<key>.d/) and the example hooks"),
        ("/var/log/qvd/qvd.log", "the agent's log"),
        ("/var/log/qvd/qvd-nxagent.log", "nxagent's output"),
        ("/var/log/qvd/qvd-hooks.log", "one line per hook run, and the hooks' output"),
        ("/var/run/qvd/", "nxagent.state, nxagent.pid and the session's files"),
    ],
    "qvdclient": [
        ("/etc/qvd/client.conf", "the system configuration file"),
        ("~/.qvd/client.conf", "the user's configuration file"),
        ("~/.qvd/accepted_certs.json", "pinned server certificates (SHA-256 fingerprints)"),
        ("~/.qvd/certs/", "extra CA certificates to trust"),
        ("~/.qvd/qvd-client.log", "the client's log"),
    ],
}
SEE_ALSO = {
    "qvd-vma": "qvd-vma-slaveserver(8), qvd-nxdiag(8), nxagent(1)",
    "qvd-vma-slaveserver": "qvd-vma(8), qvd-client-slaveserver(1)",
    "qvd-nxdiag": "qvd-vma(8), nxagent(1)",
    "qvdclient": "qvd-slaveclient(1), qvd-client-slaveserver(1), nxproxy(1)",
    "qvd-client-slaveserver": "qvdclient(1), qvd-slaveclient(1), sshfs(1)",
    "qvd-slaveclient": "qvdclient(1), qvd-client-slaveserver(1)",
}


def roff_text(text: str) -> str:
    """Escapes running text: backslashes, hyphens, and a leading dot or quote."""
    text = text.replace("\\", "\\e").replace("-", "\\-")
    if text.startswith((".", "'")):
        text = "\\&" + text
    return text


def paragraphs(text: str) -> list[str]:
    """Discussion text as roff: blank lines separate paragraphs, indented lines
    (tables such as the exit codes) are kept as they are."""
    out: list[str] = []
    block: list[str] = []
    preformatted: list[str] = []

    def flush() -> None:
        if block:
            out.append(".PP")
            out.append(roff_text(" ".join(line.strip() for line in block)))
            block.clear()
        if preformatted:
            out.extend([".PP", ".RS", ".nf"])
            out.extend(roff_text(line.strip().replace("\t", "  ")) for line in preformatted)
            out.extend([".fi", ".RE"])
            preformatted.clear()

    for line in text.split("\n"):
        if not line.strip():
            flush()
        elif line.startswith((" ", "\t")):
            if block:
                flush()
            preformatted.append(line)
        else:
            if preformatted:
                flush()
            block.append(line)
    flush()
    return out


def option_names(argument: dict) -> str:
    names = []
    for name in argument.get("names", []):
        prefix = {"short": "-", "long": "--", "longWithSingleDash": "-"}.get(name["kind"], "--")
        names.append(f"\\fB{roff_text(prefix + name['name'])}\\fR")
    label = ", ".join(names)
    if argument["kind"] == "option":
        label += f" \\fI{roff_text(argument.get('valueName', 'value'))}\\fR"
    elif argument["kind"] == "positional":
        label = f"\\fI{roff_text(argument.get('valueName', 'argument'))}\\fR"
    return label


def synopsis(name: str, arguments: list[dict]) -> list[str]:
    parts = [f".B {roff_text(name)}"]
    for argument in arguments:
        if not argument.get("shouldDisplay", True):
            continue
        preferred = argument.get("preferredName")
        if argument["kind"] == "positional":
            item = f"\\fI{roff_text(argument.get('valueName', 'argument'))}\\fR"
        elif preferred:
            prefix = "-" if preferred["kind"] in ("short", "longWithSingleDash") else "--"
            item = f"\\fB{roff_text(prefix + preferred['name'])}\\fR"
            if argument["kind"] == "option":
                item += f" \\fI{roff_text(argument.get('valueName', 'value'))}\\fR"
        else:
            continue
        if argument.get("isRepeating"):
            item += " ..."
        parts.append(f"[{item}]" if argument.get("isOptional", False) else item)
    return [parts[0], " ".join(parts[1:])] if len(parts) > 1 else parts


def options(arguments: list[dict]) -> list[str]:
    out: list[str] = []
    for argument in arguments:
        if not argument.get("shouldDisplay", True):
            continue
        out += [".TP", option_names(argument), roff_text(argument.get("abstract", ""))]
        if argument.get("defaultValue"):
            out.append(f"Default: {roff_text(argument['defaultValue'])}.")
    return out


def dump_help(program: str) -> dict | None:
    try:
        # stdin from /dev/null: a program without a parser (the slave servers speak HTTP on
        # stdin) must see end-of-file at once, not wait for a terminal.
        result = subprocess.run([program, "--experimental-dump-help"], stdin=subprocess.DEVNULL,
                                capture_output=True, text=True, timeout=30)
    except (OSError, subprocess.TimeoutExpired):
        return None
    if result.returncode != 0:
        return None
    try:
        return json.loads(result.stdout)["command"]
    except (ValueError, KeyError):
        return None


def configuration_section(table: config_tables.Table) -> list[str]:
    out = [".SH CONFIGURATION"]
    where = f" ({table.file})" if table.file else ""
    out.append(".PP")
    out.append(roff_text(
        f"Keys read from the configuration file{where}, in upstream QVD's properties format "
        "(key = value). Values may refer to other keys as ${other.key}. "
        "Keys marked 'added' are not in upstream QVD."))
    for group, keys in table.groups():
        out.append(f".SS {roff_text(group)}.*")
        for key in keys:
            if key.default is None:
                default = "no default"
            elif key.default == "":
                default = "default: empty"
            else:
                default = f"default: \\fI{roff_text(key.default)}\\fR"
            extra = ", added" if key.added else ""
            out.append(".TP")
            out.append(f"\\fB{roff_text(key.key)}\\fR ({roff_text(key.kind)}, {default}{extra})")
            out.append(roff_text(key.summary))
    if table.families:
        out.append(".SS Open key families")
        for family in table.families:
            out += [".TP", f"\\fB{roff_text(family.pattern)}\\fR", roff_text(family.summary)]
    return out


def render(program: str, name: str, section: str, version: str, date: str,
           table: config_tables.Table | None, ask: bool = True) -> str:
    command = dump_help(program) if ask else None
    out = [
        f'.\\" Generated by packaging/gen-manpage.py from {name}\'s argument parser; do not edit.',
        f'.TH {roff_text(name.upper())} {section} "{date}" "qvd\\-swift {roff_text(version)}" "QVD"',
        ".nh",
        ".ad l",
        ".SH NAME",
    ]
    if command:
        out.append(f"{roff_text(name)} \\- {roff_text(command.get('abstract', '').rstrip('.'))}")
        arguments = command.get("arguments", [])
        out.append(".SH SYNOPSIS")
        if any(c.get("commandName") != "help" for c in command.get("subcommands", [])):
            out += [f".B {roff_text(name)}", "\\fIcommand\\fR [\\fIoptions\\fR]"]
        else:
            out += synopsis(name, arguments)
        if command.get("discussion"):
            out.append(".SH DESCRIPTION")
            out += paragraphs(command["discussion"])
        subcommands = [c for c in command.get("subcommands", []) if c.get("shouldDisplay", True)
                       and c.get("commandName") != "help"]
        if subcommands:
            out.append(".SH COMMANDS")
            for sub in subcommands:
                out += [".SS " + roff_text(f"{name} {sub['commandName']}")]
                out += synopsis(f"{name} {sub['commandName']}", sub.get("arguments", []))
                out.append(".PP")
                out.append(roff_text(sub.get("abstract", "")))
                if sub.get("discussion"):
                    out += paragraphs(sub["discussion"])
                out += options(sub.get("arguments", []))
        shown = options(arguments)
        if shown:
            out.append(".SH OPTIONS")
            out += shown
    elif name in FALLBACK:
        summary, description = FALLBACK[name]
        out.append(f"{roff_text(name)} \\- {roff_text(summary)}")
        out += [".SH SYNOPSIS", f".B {roff_text(name)}", ".SH DESCRIPTION"]
        out += paragraphs(description)
    else:
        raise SystemExit(f"gen-manpage.py: {program} has no --experimental-dump-help and no FALLBACK entry for {name}")
    if table:
        out += configuration_section(table)
        if table.variables:
            out.append(".SH ENVIRONMENT")
            for variable in table.variables:
                out += [".TP", f"\\fB{roff_text(variable.name)}\\fR",
                        roff_text(f"Sets {variable.key}. {variable.summary}")]
    if name in FILES:
        out.append(".SH FILES")
        for path, meaning in FILES[name]:
            out += [".TP", f"\\fI{roff_text(path)}\\fR", roff_text(meaning)]
    if name in SEE_ALSO:
        out += [".SH SEE ALSO", roff_text(SEE_ALSO[name])]
    return "\n".join(out) + "\n"


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("program", help="the built program to ask")
    parser.add_argument("section")
    parser.add_argument("--name", help="the program's name (default: the file name)")
    parser.add_argument("--config-table", help="program or .txt file giving --help-config output")
    parser.add_argument("--version", default="unknown")
    parser.add_argument("--date", help="YYYY-MM-DD (default: from SOURCE_DATE_EPOCH, else today)")
    parser.add_argument("--no-parser", action="store_true",
                        help="do not run the program (a script such as qvd-nxdiag, which signals its parent): use FALLBACK")
    arguments = parser.parse_args()
    date = arguments.date
    if not date:
        epoch = os.environ.get("SOURCE_DATE_EPOCH")
        moment = (datetime.datetime.fromtimestamp(int(epoch), datetime.timezone.utc) if epoch
                  else datetime.datetime.now(datetime.timezone.utc))
        date = moment.strftime("%Y-%m-%d")
    table = config_tables.load(arguments.config_table) if arguments.config_table else None
    name = arguments.name or os.path.basename(arguments.program)
    sys.stdout.write(render(arguments.program, name, arguments.section, arguments.version, date, table,
                            ask=not arguments.no_parser))


if __name__ == "__main__":
    main()
