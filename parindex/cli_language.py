"""The command line's own words (help, usage errors) in Vietnamese.

typer (with the click it carries, ``typer._click``) writes its fixed sentences in
English: some through ``gettext`` with no Vietnamese catalogue (``_`` is rebound to
a lookup in ``CLICK_VI``), some as constants evaluated at import (typer's panel
titles: set again), and the usage errors as English f-strings (``No such option:
--yeer``, pydantic's ``Input should be a valid integer``): those are translated by
the patterns of ``ERROR_PATTERNS`` just before typer prints them. The usage line's
``Usage:`` and the help option's help are set where they are made. Nothing else
changes; parindex's own texts live in ``parindex.messages``.
"""

from __future__ import annotations

import functools
import importlib
import re
from collections.abc import Callable
from typing import Any

CLICK_VI: dict[str, str] = {
    "Usage:": "Cách dùng:",
    "Options": "Tùy chọn",
    "Arguments": "Đối số",
    "Commands": "Lệnh",
    "Positional arguments": "Đối số vị trí",
    "Show this message and exit.": "Hiện hướng dẫn này rồi thoát.",
    "Show the version and exit.": "Hiện phiên bản rồi thoát.",
    "Error": "Lỗi",
    "Error: {message}": "Lỗi: {message}",
    "Aborted!": "Đã dừng!",
    "Aborted.": "Đã dừng.",
    "Try '{command} {option}' for help.": "Xem hướng dẫn: '{command} {option}'.",
    "Try [blue]'{command_path} {help_option}'[/] for help.": (
        "Xem hướng dẫn: [blue]'{command_path} {help_option}'[/]."
    ),
    "[default: {}]": "[mặc định: {}]",
    "default: {default}": "mặc định: {default}",
    "[required]": "[bắt buộc]",
    "required": "bắt buộc",
    "[env var: {}]": "[biến môi trường: {}]",
    "env var: {var}": "biến môi trường: {var}",
    "(deprecated) ": "(không còn dùng) ",
    "(dynamic)": "(tính khi chạy)",
    "Missing command.": "Thiếu lệnh.",
    "No such command {name!r}.": "Không có lệnh {name!r}.",
    "No such option {name!r}.": "Không có tùy chọn {name!r}.",
    "No such option: {name}": "Không có tùy chọn: {name}",
    "Did you mean {possibility}?": "Có phải ý bạn là {possibility}?",
    "(Possible options: {possibilities})": "(Các tùy chọn gần giống: {possibilities})",
    "(Did you mean one of: {possibilities}?)": (
        "(Có phải ý bạn là một trong: {possibilities}?)"
    ),
    "Option {name!r} requires an argument.": "Tùy chọn {name!r} cần một giá trị.",
    "Option {name!r} requires {nargs} arguments.": (
        "Tùy chọn {name!r} cần {nargs} giá trị."
    ),
    "Option {name!r} does not take a value.": "Tùy chọn {name!r} không nhận giá trị.",
    "Got unexpected extra argument ({args})": "Thừa đối số ({args})",
    "Got unexpected extra arguments ({args})": "Thừa các đối số ({args})",
    "Missing argument": "Thiếu đối số",
    "Missing option": "Thiếu tùy chọn",
    "Missing parameter": "Thiếu tham số",
    "Missing parameter: {param_name}": "Thiếu tham số: {param_name}",
    "Missing {param_type}": "Thiếu {param_type}",
    "argument": "đối số",
    "option": "tùy chọn",
    "parameter": "tham số",
    "Invalid value: {message}": "Giá trị không hợp lệ: {message}",
    "Invalid value for {param_hint}: {message}": (
        "Giá trị không hợp lệ cho {param_hint}: {message}"
    ),
    "{value!r} is not a valid {number_type}.": (
        "{value!r} không phải là {number_type} hợp lệ."
    ),
    "integer": "số nguyên",
    "float": "số thực",
    "{value!r} is not a valid boolean. Recognized values: {states}": (
        "{value!r} không phải giá trị đúng/sai. Các giá trị nhận: {states}"
    ),
    "{value!r} is not {choice}.": "{value!r} không phải {choice}.",
    "{value!r} is not one of {choices}.": "{value!r} không thuộc {choices}.",
    "{value} is not in the range {range}.": "{value} nằm ngoài khoảng {range}.",
    "{name} {filename!r} does not exist.": "{name} {filename!r} không tồn tại.",
    "{name} {filename!r} is a file.": "{name} {filename!r} là một tệp.",
    "{name} {filename!r} is a directory.": "{name} {filename!r} là một thư mục.",
    "{name} {filename!r} is not readable.": "{name} {filename!r} không đọc được.",
    "{name} {filename!r} is not writable.": "{name} {filename!r} không ghi được.",
    "file": "tệp",
    "directory": "thư mục",
    "path": "đường dẫn",
}
"""click's and typer's English sentences → Vietnamese (placeholders kept)."""

USAGE = "Cách dùng: "
HELP_OPTION = "Hiện hướng dẫn này rồi thoát."
USAGE_WORDS = {
    "[OPTIONS]": "[TÙY CHỌN]",
    "COMMAND [ARGS]...": "LỆNH [ĐỐI SỐ]...",
}
ERROR_PATTERNS: tuple[tuple[str, str], ...] = (
    (r"No such option: (\S+)", r"Không có tùy chọn \1"),
    (r"\(Possible options: ([^)]*)\)", r"(có phải ý bạn là: \1?)"),
    (r"Did you mean (.+)\?", r"Có phải ý bạn là \1?"),
    (r"Invalid value for (.+?): ", r"Giá trị không hợp lệ cho \1: "),
    (r"Invalid value: ", "Giá trị không hợp lệ: "),
    (
        r"Input should be a valid integer, unable to parse string as an integer",
        "cần một số nguyên",
    ),
    (
        r"Input should be a valid number, unable to parse string as a number",
        "cần một số",
    ),
    (r"Input should be a valid integer", "cần một số nguyên"),
    (r"Input should be a valid number", "cần một số"),
    (r"Input should be a valid boolean", "cần giá trị đúng/sai"),
    (r"Value error, (.+) is not one of (.+)\.", r"\1 không thuộc các giá trị \2."),
    (r"Value (.+) is not a valid (.+)\.", r"Giá trị \1 không hợp lệ (\2)."),
    (r"Missing argument '([^']+)'\.", r"Thiếu đối số '\1'."),
    (r"Missing option '([^']+)'\.", r"Thiếu tùy chọn '\1'."),
    (r"Missing parameter: (\S+)", r"Thiếu tham số: \1"),
    (r"Option '([^']+)' requires an argument\.", r"Tùy chọn '\1' cần một giá trị."),
    (
        r"Option '([^']+)' requires (\d+) arguments\.",
        r"Tùy chọn '\1' cần \2 giá trị.",
    ),
    (
        r"Option '([^']+)' does not take a value\.",
        r"Tùy chọn '\1' không nhận giá trị.",
    ),
    (r"Got unexpected extra arguments? \(([^)]*)\)", r"Thừa đối số (\1)"),
)
"""English usage errors (regular expression) → Vietnamese (replacement)."""

_MODULES = ("typer.core", "typer.main", "typer.rich_utils")
_TYPER_TITLES = {
    "ARGUMENTS_PANEL_TITLE": "Arguments",
    "OPTIONS_PANEL_TITLE": "Options",
    "COMMANDS_PANEL_TITLE": "Commands",
    "ERRORS_PANEL_TITLE": "Error",
    "ABORTED_TEXT": "Aborted.",
    "RICH_HELP": "Try [blue]'{command_path} {help_option}'[/] for help.",
    "DEFAULT_STRING": "[default: {}]",
    "REQUIRED_LONG_STRING": "[required]",
    "ENVVAR_STRING": "[env var: {}]",
    "DEPRECATED_STRING": "(deprecated) ",
}


def vietnamese(message: str) -> str:
    """The Vietnamese of one of click's or typer's sentences (else as given)."""
    return CLICK_VI.get(message, message)


def vietnamese_plural(singular: str, plural: str, count: int) -> str:
    """``ngettext`` in Vietnamese (which does not inflect: the sentences differ)."""
    return vietnamese(singular if count == 1 else plural)


def translate_error(message: str) -> str:
    """A usage error's message in Vietnamese (the parts no pattern knows stay)."""
    for pattern, replacement in ERROR_PATTERNS:
        message = re.sub(pattern, replacement, message)
    return message


_INSTALLED: list[bool] = []


def install() -> None:
    """Make typer speak Vietnamese in this process (once)."""
    if _INSTALLED:
        return
    _INSTALLED.append(True)
    for name in _MODULES:
        try:
            module = importlib.import_module(name)
        except ImportError:
            continue
        replacements: dict[str, Callable[..., str]] = {
            "_": vietnamese,
            "gettext": vietnamese,
            "ngettext": vietnamese_plural,
        }
        for attribute, function in replacements.items():
            if callable(getattr(module, attribute, None)):
                setattr(module, attribute, function)
    rich_utils = importlib.import_module("typer.rich_utils")
    for attribute, english in _TYPER_TITLES.items():
        if hasattr(rich_utils, attribute):
            setattr(rich_utils, attribute, vietnamese(english))
    _translate_errors(rich_utils)
    _translate_usage_and_help()


def _translate_errors(rich_utils: Any) -> None:
    original = rich_utils.rich_format_error

    @functools.wraps(original)
    def rich_format_error(error: Any) -> None:
        english = error.format_message
        error.format_message = lambda: translate_error(english())
        original(error)

    rich_utils.rich_format_error = rich_format_error


def _translate_usage_and_help() -> None:
    try:
        formatting = importlib.import_module("typer._click.formatting")
        core = importlib.import_module("typer._click.core")
    except ImportError:
        return
    write_usage = formatting.HelpFormatter.write_usage

    @functools.wraps(write_usage)
    def vietnamese_usage(
        self: Any, prog: str, args: str = "", prefix: str | None = None
    ) -> None:
        for english, vietnamese_words in USAGE_WORDS.items():
            args = args.replace(english, vietnamese_words)
        write_usage(self, prog, args, USAGE if prefix is None else prefix)

    formatting.HelpFormatter.write_usage = vietnamese_usage
    get_help_option = core.Command.get_help_option

    @functools.wraps(get_help_option)
    def vietnamese_help_option(self: Any, ctx: Any) -> Any:
        option = get_help_option(self, ctx)
        if option is not None:
            option.help = HELP_OPTION
        return option

    core.Command.get_help_option = vietnamese_help_option
