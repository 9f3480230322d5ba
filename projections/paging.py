"""Opaque keyset-pagination cursors (DESIGN.md §5a): base64url of the last key seen."""

from __future__ import annotations

import base64
import binascii

from domain.errors import InvalidCommandError


class InvalidCursorError(InvalidCommandError):
    """The ``cursor`` is not one this service handed out."""


def encode_cursor(key: str) -> str:
    return base64.urlsafe_b64encode(key.encode()).rstrip(b"=").decode("ascii")


def decode_cursor(cursor: str) -> str:
    try:
        padded = cursor + "=" * (-len(cursor) % 4)
        key = base64.urlsafe_b64decode(padded.encode("ascii")).decode()
    except (binascii.Error, UnicodeError, ValueError):
        key = ""
    if not key:
        raise invalid_cursor(cursor)
    return key


def invalid_cursor(cursor: str) -> InvalidCursorError:
    return InvalidCursorError(
        f"分页游标 {cursor!r} 无效；请使用上一页返回的 next_cursor，或不带游标从第一页开始",
        field="cursor",
    )
