#!/usr/bin/env python3
"""Writes the man page lmatch.1 from the built lmatch's own help: the command
list of `lmatch --help` and, for each command, `lmatch help COMMAND` word for
word. Generated at build time (tools/meson.build), so it cannot drift from
the tool.

    tools/lmatch_man.py BUILD/tools/lmatch -o lmatch.1
"""
import argparse
import re
import subprocess


def run(lmatch, *args):
    return subprocess.run([lmatch, *args], check=True, stdout=subprocess.PIPE,
                          text=True).stdout


def escape(text):
    """Text as roff reads it literally: backslashes, hyphen-minus (options
    stay copyable) and a leading dot or quote."""
    text = text.replace("\\", "\\e").replace("-", "\\-")
    return "\\&" + text if text.startswith((".", "'")) else text


def verbatim(text):
    lines = [escape(line) for line in text.rstrip("\n").split("\n")]
    return [".nf"] + lines + [".fi"]


def parse_main_help(text):
    """(description lines, [(command, summary)], exit-codes sentence)."""
    lines = text.split("\n")
    start = next(i for i, line in enumerate(lines) if line.startswith("Usage:")) + 1
    heading = lines.index("Commands:")
    description = [line for line in lines[start:heading] if line.strip()]
    commands = []
    for line in lines[heading + 1:]:
        match = re.match(r"^  ([a-z]+)\s+(\S.*)$", line)
        if not match:
            break
        commands.append((match.group(1), match.group(2)))
    exit_codes = next((line for line in lines if line.startswith("Exit codes:")), "")
    return description, commands, exit_codes


def man_page(lmatch):
    main_help = run(lmatch, "--help")
    version = run(lmatch, "--version").split()[1]
    description, commands, exit_codes = parse_main_help(main_help)
    if not commands:
        raise SystemExit("lmatch_man.py: no command list in `lmatch --help`")
    page = [
        '.TH LMATCH 1 "" "libmatch %s" "User Commands"' % version,
        ".SH NAME",
        "lmatch \\- form mixed, equal\\-role project groups of newcomers and residents",
        ".SH SYNOPSIS",
        ".B lmatch",
        ".I COMMAND",
        "[\\fIOPTIONS\\fR] [\\fIARGUMENTS\\fR]",
        ".br",
        ".B lmatch help",
        ".I COMMAND",
        ".br",
        ".B lmatch \\-\\-version",
        ".SH DESCRIPTION",
    ]
    page += [escape(line.strip()) for line in description]
    page += [".PP", "Every command answers \\fB\\-\\-help\\fR. The commands:"]
    for name, summary in commands:
        page += [".TP 12", ".B " + name, escape(summary)]
    page += [".SH COMMANDS"]
    for name, _ in commands:
        page += [".SS lmatch " + name] + verbatim(run(lmatch, "help", name))
    page += [".SH EXIT STATUS", escape(exit_codes or "0 ok, 1 bad input, 2 bad command line."),
             ".SH SEE ALSO",
             "The C library's header \\fIlibmatch/libmatch.h\\fR documents every call;",
             "the libmatch source's \\fIdocs/\\fR folder explains the score of a group",
             "(objective.md) and the file formats (formats.md)."]
    return "\n".join(page) + "\n"


def main():
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("lmatch", help="the lmatch binary to document")
    parser.add_argument("-o", "--output", required=True)
    args = parser.parse_args()
    text = man_page(args.lmatch)
    with open(args.output, "w", encoding="utf-8") as f:
        f.write(text)


if __name__ == "__main__":
    main()
