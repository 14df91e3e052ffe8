"""What every jaga command shares: user errors become one clear message and exit code 2.

The handling sits in the Click group so that it applies identically to ``jaga`` on the command line and
to ``CliRunner`` in tests; unexpected bugs still raise so they are not hidden.
"""

from __future__ import annotations

from typing import Any

import typer
from rich.console import Console
from typer.core import TyperGroup

from jaga.errors import JagaError

console = Console()
err_console = Console(stderr=True)


_HOSTILE_INPUT: tuple[tuple[type[BaseException], str], ...] = (
    (RecursionError, "the input is nested too deeply to read"),
    (UnicodeDecodeError, "an input file is not text in the expected encoding (UTF-8)"),
)
"""Failures only a hostile or broken input file causes, should a reader not name them itself: still one
message and exit 2 (usage), never a traceback with exit 1 (which means "findings")."""


class JagaGroup(TyperGroup):
    def invoke(self, ctx: Any) -> Any:  # typer vendors click; its Context type is private
        try:
            return super().invoke(ctx)
        except JagaError as exc:
            err_console.print(f"[bold red]error:[/] {escape(str(exc))}", soft_wrap=True)
            raise SystemExit(2) from None
        except (RecursionError, UnicodeDecodeError) as exc:
            message = next(text for cls, text in _HOSTILE_INPUT if isinstance(exc, cls))
            err_console.print(f"[bold red]error:[/] {message}", soft_wrap=True)
            err_console.print("  hint: check the files given to this command (save them as UTF-8, flatten the nesting)")
            raise SystemExit(2) from None


def escape(text: str) -> str:
    """Text safe to print through Rich markup (file paths and YAML often contain brackets)."""
    from rich.markup import escape as _escape

    return _escape(text)


def new_app(help_text: str) -> typer.Typer:
    """A sub-command group that shares jaga's error handling."""
    return typer.Typer(
        help=help_text, cls=JagaGroup, no_args_is_help=True, pretty_exceptions_enable=False, rich_markup_mode="rich"
    )
