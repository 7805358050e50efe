"""Errors a user can cause that stop a run. Their text is the Vietnamese sentence."""

from __future__ import annotations

from collections.abc import Iterator


def error_chain(error: BaseException) -> Iterator[BaseException]:
    """``error``, then each exception it was raised from or while handling (its
    cause, else its context), each once."""
    seen: set[int] = set()
    current: BaseException | None = error
    while current is not None and id(current) not in seen:
        seen.add(id(current))
        yield current
        current = current.__cause__ or current.__context__


class ParindexError(Exception):
    """A problem that stops the run; ``str(error)`` is the message for the user."""

    exit_code = 2


class UnusableCriteria(ParindexError):
    """The criteria set workbook cannot be used (structure or content is wrong)."""


class NoCriteriaSet(ParindexError):
    """No criteria set applies to the requested year."""


class NoYearFolder(ParindexError):
    """The drop folder of the requested year does not exist."""


class UnitsFolderMissing(ParindexError):
    """A province folder (its register of units there) without its ``units/``
    folder, or one that cannot be listed."""


class OutputsNotWritable(ParindexError):
    """The outputs folder cannot be written (read-only, full, or locked)."""


class OutputInTheWay(OutputsNotWritable):
    """Something stands where an output goes (a folder, a dangling link, a file
    where a folder is needed): the rest of the outputs folder may be writable."""


class UnknownDepartment(ParindexError):
    """A department code given on the command line is not in the criteria set."""


class YearAndAll(ParindexError):
    """``--year`` and ``--all`` were given together."""


class InputsFolderMissing(ParindexError):
    """The inputs folder itself does not exist (a share not mounted)."""
