"""Validation of the unified social credit code (统一社会信用代码, GB 32100-2015)."""

from __future__ import annotations

import unicodedata

__all__ = ["CHARSET", "InvalidCreditCode", "check_character", "validate_credit_code"]

# GB 32100-2015 table: digits then capitals without I, O, Z, S, V; the index is the value.
CHARSET = "0123456789ABCDEFGHJKLMNPQRTUWXY"
_VALUE = {char: value for value, char in enumerate(CHARSET)}
_MODULUS = len(CHARSET)  # 31
_WEIGHTS = tuple(pow(3, i, _MODULUS) for i in range(17))  # 1, 3, 9, 27, 19, 26, ...
_LENGTH = 18


class InvalidCreditCode(ValueError):
    """The text is not a well-formed unified social credit code."""


def _require_charset(code: str) -> None:
    for position, char in enumerate(code, start=1):
        if char not in _VALUE:
            raise InvalidCreditCode(
                f"bad character {char!r} at position {position}: allowed are 0-9 and "
                "A-Z except I, O, S, V, Z"
            )


def check_character(body: str) -> str:
    """The 18th (check) character for the first 17 characters of a code (upper case)."""
    if len(body) != _LENGTH - 1:
        raise InvalidCreditCode(f"a code body has {_LENGTH - 1} characters, got {len(body)}")
    _require_charset(body)
    total = sum(_VALUE[char] * weight for char, weight in zip(body, _WEIGHTS, strict=True))
    return CHARSET[(_MODULUS - total % _MODULUS) % _MODULUS]


def validate_credit_code(raw: str) -> str:
    """Return the code stripped of whitespace and upper-cased, or raise InvalidCreditCode."""
    # NFKC folds full-width characters typed in a Chinese input method (９１３５…) to ASCII;
    # split/join drops spaces pasted inside the code as well as around it.
    code = "".join(unicodedata.normalize("NFKC", raw).split()).upper()
    if len(code) != _LENGTH:
        raise InvalidCreditCode(
            f"a unified social credit code has {_LENGTH} characters, got {len(code)}"
        )
    _require_charset(code)
    expected = check_character(code[:17])
    if code[17] != expected:
        raise InvalidCreditCode(
            f"check character mismatch: got {code[17]!r}, expected {expected!r}"
        )
    return code
