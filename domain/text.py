"""Free-text fields of commands: required, trimmed, and not longer than a form allows."""

from __future__ import annotations

from domain.errors import FieldTooLongError, RequiredFieldError


def required_text(value: str, *, field: str, label: str, max_length: int) -> str:
    """``value`` without surrounding blanks; refused when empty or longer than ``max_length``."""
    text = value.strip()
    if not text:
        raise RequiredFieldError(f"{label}不能为空；请填写{label}", field=field)
    if len(text) > max_length:
        raise FieldTooLongError(
            f"{label}不能超过 {max_length} 个字符（现为 {len(text)} 个）", field=field
        )
    return text
