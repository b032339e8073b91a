"""One broken rule in one raw file, and how it reads in the validation summary."""

from __future__ import annotations

from dataclasses import dataclass

MAX_EXAMPLES = 5


@dataclass(frozen=True)
class Failure:
    """One broken rule in one raw file."""

    file: str
    column: str | None
    rule: str
    lines: tuple[int, ...] = ()
    examples: tuple[str, ...] = ()
    count: int = 0

    def message(self) -> str:
        where = self.file if self.column is None else f"{self.file}, column '{self.column}'"
        text = f"{where}: {self.rule}"
        if self.count:
            shown = ", ".join(str(line) for line in self.lines[:MAX_EXAMPLES])
            more = " …" if self.count > len(self.lines[:MAX_EXAMPLES]) else ""
            text += f" — {self.count} row(s) fail, line(s) {shown}{more}"
        if self.examples:
            text += "; offending value(s): " + ", ".join(
                repr(v) for v in self.examples[:MAX_EXAMPLES]
            )
        return text
