"""`papertui completions bash|zsh|fish`: a script that completes papertui's subcommands, their
options, the values of options with choices (formats, sort orders, fetch sources), paths, and
the names of saved searches.

Everything static is read from the subcommands' own argparse parsers when the script is made,
so that it says what `--help` says; the saved searches change as the app saves them, so the
script asks `papertui completions --saved-searches` for them as it completes. Names from the
settings file are never expanded by the shell: the scripts compare and quote them as text.
"""

from __future__ import annotations

import argparse
from dataclasses import dataclass
from importlib import import_module
from pathlib import Path
from typing import Callable, Sequence, TextIO

from papertui.command_line import CommandParser
from papertui.corpus.text import printable
from papertui.terminal_progress import PROG

SHELLS = ("bash", "zsh", "fish")
# The function that builds each subcommand's parser ("" is the browser's, `papertui [PATH …]`).
# A command missing here is looked for as `NAME_parser` in its module (tests/test_completions.py
# checks that every command in papertui.cli.COMMANDS is found).
PARSERS = {
    "": ("papertui.cli.browse", "browse_parser"),
    "list": ("papertui.cli.list_papers", "list_parser"),
    "stats": ("papertui.cli.stats", "stats_parser"),
    "resolve": ("papertui.cli.resolve_ids", "resolve_parser"),
    "doctor": ("papertui.cli.doctor", "doctor_parser"),
    "fetch": ("papertui.sources.commands", "fetch_parser"),
    "add": ("papertui.sources.commands", "add_parser"),
    "download": ("papertui.pdfs.commands", "download_parser"),
    "mark": ("papertui.cli.mark", "mark_parser"),
    "cache": ("papertui.cache.command", "cache_parser"),
    "enrich": ("papertui.cli.enrich", "enrich_parser"),
    "completions": ("papertui.cli.completions", "completions_parser"),
    "digest": ("papertui.cli.digest", "digest_parser"),
}
SAVED = "saved"  # an option whose value is a saved search's name (`list --saved NAME`)
SAVED_FLAG = "--saved-searches"


@dataclass(frozen=True)
class Option:
    names: tuple[str, ...]  # `-f`, `--format`
    takes_value: bool
    choices: tuple[str, ...] = ()
    saved_search: bool = False
    help: str = ""


@dataclass(frozen=True)
class Command:
    name: str  # "" for the browser
    help: str
    options: tuple[Option, ...]
    choices: tuple[str, ...] = ()  # of its first positional argument (fetch's sources)
    paths: bool = False  # it takes files or directories


def completions_parser() -> argparse.ArgumentParser:
    parser = CommandParser(
        prog=f"{PROG} completions",
        description="Print a shell script that completes papertui's commands, options, formats, sort "
        "orders, fetch sources and saved searches.",
        epilog="bash: save it as ~/.local/share/bash-completion/completions/papertui\n"
        "zsh:  save it as _papertui in a directory of your $fpath (before compinit runs)\n"
        "fish: save it as ~/.config/fish/completions/papertui.fish",
        formatter_class=argparse.RawDescriptionHelpFormatter,
    )
    parser.add_argument("shell", nargs="?", choices=SHELLS, help="the shell to complete in")
    parser.add_argument(SAVED_FLAG, action="store_true", help="print the names of the saved searches, one a line (the scripts ask it)")
    return parser


def main(arguments: Sequence[str], stdout: TextIO, stderr: TextIO) -> int:
    parser = completions_parser()
    args = parser.parse_args(arguments)
    if args.saved_searches:
        for name in saved_search_names():
            print(name, file=stdout)
        return 0
    if args.shell is None:
        parser.error("name a shell: bash, zsh or fish")
    stdout.write(SCRIPTS[args.shell](commands()))
    return 0


def saved_search_names() -> list[str]:
    """The saved searches' names that a shell can offer: one line each, no control characters."""
    from papertui.settings import Remembered

    return [name for name in Remembered().saved_searches if name.strip() and printable(name) == name and "\n" not in name]


# --- what is completed, read from the parsers ----------------------------------------------


def parser_of(name: str) -> Callable[[], argparse.ArgumentParser] | None:
    from papertui.cli import COMMANDS

    module, function = PARSERS.get(name) or (COMMANDS[name][0], f"{name}_parser")
    return getattr(import_module(module), function, None)


def commands() -> list[Command]:
    """The browser's command line, then each subcommand's, in `papertui.cli.COMMANDS` order."""
    from papertui.cli import COMMANDS

    found = []
    for name in ["", *COMMANDS, *(n for n in PARSERS if n and n not in COMMANDS)]:
        build = parser_of(name)
        found.append(describe(name, build()) if build else Command(name, "", (Option(("-h", "--help"), False),)))
    return found


def describe(name: str, parser: argparse.ArgumentParser) -> Command:
    options, choices, paths = [], (), False
    for action in parser._actions:  # argparse keeps no public list of them
        if action.option_strings:
            options.append(
                Option(
                    tuple(action.option_strings),
                    takes_value=action.nargs != 0,
                    choices=tuple(str(choice) for choice in action.choices or ()),
                    saved_search=action.dest == SAVED,
                    help=_one_line(action.help),
                )
            )
        elif action.type is Path:
            paths = True
        elif action.choices and not choices:
            choices = tuple(str(choice) for choice in action.choices)
    return Command(name, _one_line(parser.description), tuple(options), choices, paths)


def _one_line(text: str | None) -> str:
    if not text or text == argparse.SUPPRESS:
        return ""
    first = " ".join(text.replace("%%", "%").split()).split(". ")[0].rstrip(".")
    return first if len(first) <= 80 else first[:79] + "…"


# --- bash ------------------------------------------------------------------------------------


def bash_script(found: list[Command]) -> str:
    names = " ".join(command.name for command in found if command.name)
    options, values, positionals = [], [], []
    for command in found:
        key = command.name or "''"
        options.append(f"        {key}) options={_quoted(' '.join(n for o in command.options for n in o.names))} ;;")
        for option in command.options:
            if not option.takes_value:
                continue
            pattern = "|".join(f"{command.name}:{n}" for n in option.names)
            if option.saved_search:
                values.append(f"        {pattern}) _papertui_saved \"$cur\"; return ;;")
            elif option.choices:
                values.append(f"        {pattern}) COMPREPLY=($(compgen -W {_quoted(' '.join(option.choices))} -- \"$cur\")); return ;;")
            else:
                values.append(f"        {pattern}) return ;;  # a value to type")
        if command.choices:
            positionals.append(f"        {key}) words={_quoted(' '.join(command.choices))} ;;")
    path_commands = "|".join(c.name or "''" for c in found if c.paths)
    return f"""# bash completion for {PROG}, made by `{PROG} completions bash`.
# Save it as ~/.local/share/bash-completion/completions/{PROG} (or source it from ~/.bashrc).

_papertui_saved() {{
    # Saved search names, compared and quoted as text: never expanded by the shell.
    local name
    while IFS= read -r name; do
        [[ "$name" == "$1"* ]] && COMPREPLY+=("$(printf '%q' "$name")")
    done < <({PROG} completions {SAVED_FLAG} 2>/dev/null)
}}

_papertui() {{
    local cur="${{COMP_WORDS[COMP_CWORD]}}" prev="" command="" options="" words=""
    (( COMP_CWORD > 0 )) && prev="${{COMP_WORDS[COMP_CWORD-1]}}"
    COMPREPLY=()
    case " {names} " in
        *" ${{COMP_WORDS[1]}} "*) (( COMP_CWORD > 1 )) && command="${{COMP_WORDS[1]}}" ;;
    esac
    case "$command" in
{chr(10).join(options)}
    esac
    case "$command:$prev" in
{chr(10).join(values)}
    esac
    if [[ "$cur" == -* ]]; then
        COMPREPLY=($(compgen -W "$options" -- "$cur"))
        return
    fi
    if [[ -z "$command" && COMP_CWORD -eq 1 ]]; then
        COMPREPLY=($(compgen -W {_quoted(names)} -- "$cur"))
    fi
    case "$command" in
{chr(10).join(positionals)}
    esac
    if [[ -n "$words" ]] && (( COMP_CWORD == 2 )); then
        COMPREPLY+=($(compgen -W "$words" -- "$cur"))
    fi
    case "$command" in
        {path_commands or "''"})
            compopt -o filenames 2>/dev/null
            local IFS=$'\\n'
            COMPREPLY+=($(compgen -f -- "$cur"))
            ;;
    esac
}}

complete -F _papertui {PROG}
"""


def _quoted(words: str) -> str:
    """A word list in single quotes (our own names and choices: no quote inside)."""
    return "'" + words.replace("'", "'\\''") + "'"


# --- zsh -------------------------------------------------------------------------------------


def zsh_script(found: list[Command]) -> str:
    described = " ".join(_quoted(f"{c.name}:{c.help.replace(':', ' -')}") for c in found if c.name)
    options, values, positionals = [], [], []
    for command in found:
        key = command.name or "''"
        specs = " ".join(_quoted(f"{n}:{o.help.replace(':', ' -')}") for o in command.options for n in o.names)
        options.append(f"    {key}) opts=({specs}) ;;")
        for option in command.options:
            if not option.takes_value:
                continue
            pattern = "|".join(f"{command.name}:{n}" for n in option.names)
            if option.saved_search:
                values.append(f"    {pattern}) _papertui_saved; return ;;")
            elif option.choices:
                values.append(f"    {pattern}) compadd -- {' '.join(map(_quoted, option.choices))}; return ;;")
            else:
                values.append(f"    {pattern}) _message 'a value'; return ;;")
        if command.choices:
            positionals.append(f"    {key}) compadd -- {' '.join(map(_quoted, command.choices))} ;;")
    path_commands = "|".join(c.name or "''" for c in found if c.paths)
    return f"""#compdef {PROG}
# zsh completion for {PROG}, made by `{PROG} completions zsh`.
# Save it as _{PROG} in a directory of your $fpath, before compinit runs in ~/.zshrc.

_papertui_saved() {{
  # Saved search names as lines of text: compadd quotes them, nothing expands them.
  local -a names
  names=("${{(@f)$({PROG} completions {SAVED_FLAG} 2>/dev/null)}}")
  compadd -a names
}}

_papertui() {{
  local cur=${{words[CURRENT]}} prev=${{words[CURRENT-1]}} command=""
  local -a subcommands opts  # not `commands` and `options`: zsh's own
  subcommands=({described})
  if (( CURRENT > 2 )) && (( ${{subcommands[(I)${{(b)words[2]}}:*]}} )); then
    command=${{words[2]}}
  fi
  case $command in
{chr(10).join(options)}
  esac
  case "$command:$prev" in
{chr(10).join(values)}
  esac
  if [[ $cur == -* ]]; then
    _describe -t options option opts
    return
  fi
  if [[ -z $command ]] && (( CURRENT == 2 )); then
    _describe -t commands command subcommands
  fi
  (( CURRENT == 3 )) && case $command in
{chr(10).join(positionals)}
  esac
  case $command in
    {path_commands or "''"}) _files ;;
  esac
}}

if [[ $zsh_eval_context[-1] == loadautofunc ]]; then
  _papertui "$@"
else
  compdef _papertui {PROG}
fi
"""


# --- fish ------------------------------------------------------------------------------------


def fish_script(found: list[Command]) -> str:
    names = " ".join(command.name for command in found if command.name)
    lines = [
        f"# fish completion for {PROG}, made by `{PROG} completions fish`.",
        f"# Save it as ~/.config/fish/completions/{PROG}.fish",
        "",
        f"complete -c {PROG} -f",
    ]
    for command in found:
        if command.name:
            condition = f"__fish_seen_subcommand_from {command.name}"
            lines.append(f"complete -c {PROG} -n '__fish_use_subcommand' -a {command.name} -d {_fish(command.help)}")
        else:
            condition = f"not __fish_seen_subcommand_from {names}"
        for option in command.options:
            flags = " ".join(f"-s {n[1:]}" if len(n) == 2 else f"-l {n[2:]}" for n in option.names)
            line = f"complete -c {PROG} -n {_fish(condition)} {flags}"
            if option.saved_search:
                line += f" -x -a '({PROG} completions {SAVED_FLAG} 2>/dev/null)'"
            elif option.choices:
                line += f" -x -a {_fish(' '.join(option.choices))}"
            elif option.takes_value:
                line += " -x"
            lines.append(line + (f" -d {_fish(option.help)}" if option.help else ""))
        if command.choices:
            lines.append(f"complete -c {PROG} -n {_fish(condition)} -a {_fish(' '.join(command.choices))}")
        if command.paths:
            lines.append(f"complete -c {PROG} -n {_fish(condition)} -F")
    return "\n".join(lines) + "\n"


def _fish(text: str) -> str:
    return "'" + text.replace("\\", "\\\\").replace("'", "\\'") + "'"


SCRIPTS: dict[str, Callable[[list[Command]], str]] = {"bash": bash_script, "zsh": zsh_script, "fish": fish_script}
