"""Import entries read one at a time from a JSON array or an NDJSON file.

Auth0's import file is one JSON array; its exports are NDJSON. Both are read here without
holding the file in memory: the array is decoded element by element from a sliding buffer.
"""

from __future__ import annotations

import json
from collections.abc import Callable, Iterator
from typing import IO, Any

CHUNK = 1 << 20
_DECODER = json.JSONDecoder()
_WHITESPACE = " \t\r\n"


class ImportFileError(ValueError):
    """The file as a whole cannot be read (not JSON, an array cut short)."""


class BadLine:
    """An NDJSON line that is not JSON: a per-entry error, the rest of the file still reads."""

    def __init__(self, reason: str) -> None:
        self.reason = reason


def entries(stream: IO[str], progress: Callable[[int], None] | None = None) -> Iterator[Any]:
    """Each entry of the file; ``progress`` gets the number of characters consumed so far."""
    head = stream.read(CHUNK)
    stripped = head.lstrip(_WHITESPACE)
    if stripped.startswith("["):
        yield from _array(stream, stripped[1:], progress, len(head) - len(stripped) + 1)
    else:
        yield from _lines(stream, head, progress)


def _lines(stream: IO[str], head: str, progress: Callable[[int], None] | None) -> Iterator[Any]:
    consumed = 0
    # Lines are cut from the buffer at a moving position: slicing the rest of the buffer off
    # after each line would copy a megabyte per line.
    buffer, position = head, 0
    while True:
        newline = buffer.find("\n", position)
        if newline < 0:
            more = stream.read(CHUNK)
            if more:
                buffer, position = buffer[position:] + more, 0
                continue
            line, position = buffer[position:], len(buffer)
        else:
            line, position = buffer[position:newline], newline + 1
        consumed += len(line) + 1
        if line.strip():
            try:
                yield json.loads(line)
            except ValueError as exc:
                yield BadLine(f"not JSON: {exc}")
            if progress:
                progress(consumed)
        if newline < 0:
            return


def _array(
    stream: IO[str], buffer: str, progress: Callable[[int], None] | None, consumed: int
) -> Iterator[Any]:
    position = 0
    expect_value = True
    while True:
        # Skip whitespace and one comma between elements, reading more as needed.
        while True:
            while position < len(buffer) and buffer[position] in _WHITESPACE:
                position += 1
            if position < len(buffer):
                break
            more = stream.read(CHUNK)
            if not more:
                raise ImportFileError("the JSON array is not closed")
            consumed += len(buffer)
            buffer, position = more, 0
        char = buffer[position]
        if char == "]":
            return
        if char == ",":
            if expect_value:
                raise ImportFileError("a comma where an entry was expected")
            position += 1
            expect_value = True
            continue
        if not expect_value:
            raise ImportFileError("entries must be separated by commas")
        while True:
            try:
                value, end = _DECODER.raw_decode(buffer, position)
                break
            except ValueError as exc:
                more = stream.read(CHUNK)
                if not more:
                    raise ImportFileError(f"the JSON array is malformed: {exc}") from None
                consumed += position
                buffer, position = buffer[position:] + more, 0
        # A number can stop at a chunk's end; objects (all the schema allows) cannot.
        yield value
        expect_value = False
        position = end
        if progress:
            progress(consumed + position)
        if position > CHUNK:
            consumed += position
            buffer, position = buffer[position:], 0
