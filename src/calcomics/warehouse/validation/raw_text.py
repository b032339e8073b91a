"""Read a raw file as the warehouse's CSV reader (DuckDB ``read_csv``) will, or say why not.

Before any column rule can be judged, a raw file must be a text table the dbt sources can
read: not binary, UTF-8, gzip only when named ``.gz``, fields separated by the expected
delimiter, a header without duplicated or empty column names and the same number of fields
on every row. Each of these is checked here, on the bytes, so that the message names the
file, the line and (when it can) the column, instead of a pandas or DuckDB error deep in the
build. The rules follow what DuckDB 2.x ``read_csv`` does with the options of
``_raw__sources.yml``: a UTF-8 byte-order mark and CRLF line ends are accepted, empty lines
are skipped, and in a file read with ``comment = '#'`` (the MAF) every line starting with
``#`` is skipped wherever it sits, while a ``#`` inside a data line would end that line.
"""

from __future__ import annotations

import csv
import gzip
import re
import zlib
from collections import Counter
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path

import numpy as np

from calcomics.warehouse.validation.failures import MAX_EXAMPLES, Failure

SNIFF_BYTES = 8192  # a binary file is rejected after reading at most this much
GZIP_MAGIC = b"\x1f\x8b"
UTF8_BOM = b"\xef\xbb\xbf"
UTF16_BOMS = (b"\xff\xfe", b"\xfe\xff")
DELIMITER_NAMES: dict[str, str] = {",": "comma", "\t": "tab", ";": "semicolon", "|": "pipe"}
# Control bytes a text table may hold: tab, line feed, form feed, carriage return.
TEXT_CONTROL_BYTES = (9, 10, 12, 13)
BINARY_CONTROL_SHARE = 0.05
BINARY_RULE = "file is not a text table (binary content / NUL bytes)"
UNDECODABLE = re.compile("[\udc80-\udcff]")


@dataclass(frozen=True)
class RawText:
    """A raw table as text: its header and the data rows with their file line numbers."""

    header: tuple[str, ...]
    header_line: str
    lines: list[str]  # data lines (comments and empty lines dropped), in frame order
    row_lines: np.ndarray  # file line number of data row i (0-based, in frame order)

    def line_of(self, index) -> int:
        """File line of the frame's row ``index``."""
        return int(self.row_lines[int(index)])

    @property
    def body(self) -> str:
        """Header line and data lines, for pandas."""
        return "\n".join([self.header_line, *self.lines]) + "\n"

    def row_blocks(self, max_cells: int) -> Iterator[tuple[int, str]]:
        """(first row, text with the header line) of consecutive blocks of data rows of at
        most ``max_cells`` cells (at least one row each), so a large matrix is parsed a block
        at a time instead of as one text and one frame (memory bounded by the block)."""
        rows = max(1, max_cells // max(len(self.header), 1))
        for start in range(0, max(len(self.lines), 1), rows):
            block = self.lines[start:start + rows]
            yield start, "\n".join([self.header_line, *block]) + "\n"


def _binary_line(head: bytes) -> int | None:
    """Line of the first NUL byte, or of the first stray control byte when they are many."""
    if not head:
        return None
    data = np.frombuffer(head, dtype=np.uint8)
    control = (data < 32) & ~np.isin(data, TEXT_CONTROL_BYTES)
    nul = np.flatnonzero(data == 0)
    if nul.size:
        first = int(nul[0])
    elif control.mean() > BINARY_CONTROL_SHARE:
        first = int(np.flatnonzero(control)[0])
    else:
        return None
    return head.count(b"\n", 0, first) + 1


def read_bytes(path: Path) -> tuple[bytes | None, Failure | None]:
    """The file's bytes (decompressed when named ``.gz``), or the Failure that stops it.

    A binary file (NUL bytes, or many control bytes, in its first :data:`SNIFF_BYTES`) is
    rejected before the rest is read, however large it is.
    """
    compressed = path.name.endswith(".gz")
    opener = gzip.open if compressed else open
    try:
        with opener(path, "rb") as handle:
            head = handle.read(SNIFF_BYTES)
            if not compressed and head.startswith(GZIP_MAGIC):
                return None, Failure(path.name, None,
                                     f"file is gzip-compressed but not named .gz (rename it "
                                     f"{path.name}.gz, or decompress it)", (1,), (), 1)
            if head.startswith(UTF16_BOMS):
                return None, Failure(path.name, None,
                                     "text must be UTF-8 encoded (the file is UTF-16; save it "
                                     "as UTF-8)", (1,), (), 1)
            line = _binary_line(head)
            if line is not None:
                return None, Failure(path.name, None, BINARY_RULE, (line,), (), 1)
            data = head + handle.read()
    except (OSError, EOFError, zlib.error) as error:
        what = "a readable gzip file" if compressed else "readable"
        return None, Failure(path.name, None, f"file is not {what} ({error})")
    nul = data.find(b"\0")
    if nul >= 0:
        return None, Failure(path.name, None, BINARY_RULE,
                             (data.count(b"\n", 0, nul) + 1,), (), 1)
    return data, None


def _split_fields(line: str, sep: str) -> list[str]:
    return next(csv.reader([line], delimiter=sep)) if '"' in line else line.split(sep)


def _undecodable(file: str, text: str, sep: str, comments: bool) -> Failure | None:
    """Bytes that are not UTF-8, by line and column (``text`` decoded with surrogateescape)."""
    positions = np.array([m.start() for m in UNDECODABLE.finditer(text)])
    if positions.size == 0:
        return None
    newlines = np.array([m.start() for m in re.finditer("\n", text)], dtype=int)
    line_index = np.searchsorted(newlines, positions)
    starts = np.where(line_index > 0, newlines[np.maximum(line_index - 1, 0)] + 1, 0)
    header_text = next((line for line in text.split("\n", 1000)[:1000]
                        if line.strip() and not (comments and line.startswith("#"))), "")
    header = _split_fields(header_text.rstrip("\r"), sep)
    columns = []
    for start, position in zip(starts[:MAX_EXAMPLES * 4], positions[:MAX_EXAMPLES * 4],
                               strict=True):
        field = text.count(sep, int(start), int(position))
        columns.append(header[field] if field < len(header) else f"field {field + 1}")
    examples = tuple(dict.fromkeys(
        f"byte 0x{ord(text[p]) - 0xDC00:02x}" for p in positions[:MAX_EXAMPLES * 4]))
    lines = tuple(sorted(set((line_index + 1).tolist())))
    return Failure(file, ", ".join(dict.fromkeys(columns)),
                   "text must be UTF-8 encoded (undecodable byte)", lines, examples, len(lines))


def _delimiter_failure(file: str, header_line: str, sep: str, line: int) -> Failure | None:
    """The header holds no expected delimiter but another one: the file uses the wrong one."""
    found = [d for d in DELIMITER_NAMES if d != sep and d in header_line]
    if sep in header_line or not found:
        return None
    return Failure(file, None,
                   f"fields must be {DELIMITER_NAMES[sep]}-separated (the header line is "
                   f"{DELIMITER_NAMES[found[0]]}-separated)", (line,), (), 1)


def _header_failures(file: str, header: list[str], line: int) -> list[Failure]:
    counts = Counter(header)
    duplicated = [name for name, n in counts.items() if n > 1 and name.strip()]
    failures = []
    if duplicated:
        failures.append(Failure(file, ", ".join(duplicated[:MAX_EXAMPLES]),
                                "column name appears more than once in the header "
                                "(duplicate column)", (line,), (), 1))
    empty = [i + 1 for i, name in enumerate(header) if not name.strip()]
    if empty:
        failures.append(Failure(file, None,
                                f"header has an empty column name (field "
                                f"{', '.join(map(str, empty[:MAX_EXAMPLES]))}; a stray "
                                "delimiter?)", (line,), (), 1))
    return failures


def _field_counts(lines: list[str], sep: str) -> np.ndarray:
    naive = np.fromiter((line.count(sep) + 1 for line in lines), dtype=int, count=len(lines))
    if not any('"' in line for line in lines):
        return naive
    records = [len(record) for record in csv.reader(lines, delimiter=sep)]
    # A quoted field spanning lines joins records: keep the per-line count then.
    return np.array(records) if len(records) == len(lines) else naive


def _comment_inside_lines(
    file: str, header: list[str], lines: list[str], numbers: np.ndarray, sep: str
) -> Failure | None:
    """Data lines holding '#': the reader (comment = '#') would drop the rest of the line."""
    hits = [i for i, line in enumerate(lines) if "#" in line]
    if not hits:
        return None
    columns, examples = [], []
    for i in hits[:MAX_EXAMPLES]:
        fields = _split_fields(lines[i], sep)
        field = next(k for k, value in enumerate(fields) if "#" in value)
        columns.append(header[field] if field < len(header) else f"field {field + 1}")
        examples.append(fields[field])
    return Failure(file, ", ".join(dict.fromkeys(columns)),
                   "'#' inside a data line starts a comment (the warehouse reader would drop "
                   "the rest of the line)", tuple(numbers[hits].tolist()),
                   tuple(dict.fromkeys(examples)), len(hits))


def read_raw_text(
    path: Path, sep: str, comments: bool = False
) -> tuple[RawText | None, list[Failure]]:
    """Read ``path`` as a ``sep``-separated text table with a header line.

    Parameters
    ----------
    path : Path
        The raw file (``.gz`` is decompressed).
    sep : str
        The delimiter the dbt source reads the file with.
    comments : bool
        The source reads the file with ``comment = '#'``: lines starting with ``#`` are
        skipped anywhere in the file.

    Returns
    -------
    (RawText or None, list of Failure)
        The table when it can be read (no failures), else ``None`` and what stops it.
    """
    file = path.name
    data, failure = read_bytes(path)
    if failure is not None:
        return None, [failure]
    if data.startswith(UTF8_BOM):
        data = data[len(UTF8_BOM):]
    text = data.decode("utf-8", errors="surrogateescape")
    del data  # a large matrix: keep one copy of its text at a time
    undecodable = _undecodable(file, text, sep, comments)
    if undecodable is not None:
        return None, [undecodable]
    all_lines = text.split("\n")
    del text
    all_lines = [line[:-1] if line.endswith("\r") else line for line in all_lines]
    numbers = np.arange(1, len(all_lines) + 1)
    keep = np.array([line != "" and not (comments and line.startswith("#"))
                     for line in all_lines], dtype=bool)
    kept_numbers = numbers[keep]
    kept = [line for line, k in zip(all_lines, keep, strict=True) if k]
    if not kept:
        return None, [Failure(file, None, "file is empty (no header line)")]
    header_line, data_lines, row_lines = int(kept_numbers[0]), kept[1:], kept_numbers[1:]
    delimiter = _delimiter_failure(file, kept[0], sep, header_line)
    if delimiter is not None:
        return None, [delimiter]
    header = _split_fields(kept[0], sep)
    failures = _header_failures(file, header, header_line)
    if comments:
        inside = _comment_inside_lines(file, header, data_lines, row_lines, sep)
        failures += [inside] if inside is not None else []
    counts = _field_counts(data_lines, sep)
    ragged = np.flatnonzero(counts != len(header))
    if ragged.size:
        failures.append(Failure(
            file, None,
            f"every row must have the header's {len(header)} fields (ragged or truncated row)",
            tuple(row_lines[ragged].tolist()),
            tuple(dict.fromkeys(f"{n} field(s)" for n in counts[ragged][:MAX_EXAMPLES])),
            int(ragged.size),
        ))
    if failures:
        return None, failures
    return RawText(tuple(header), kept[0], data_lines, row_lines), []
