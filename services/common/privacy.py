"""Masking of personal data (phone numbers, names, e-mail) for viewers without the right."""

from __future__ import annotations

import re
import unicodedata

import phonenumbers

__all__ = ["mask_email", "mask_name", "mask_phone"]

_CN_COUNTRY_CODE = 86
# A Chinese mobile in E.164 has no trunk prefix to decide on: mask it without parsing, since
# this runs for every number of every response on the screen-pop path.
_CN_MOBILE = re.compile(r"\+861[3-9]\d{9}")


def _keep_last(text: str, keep: int = 4) -> str:
    # When there is nothing left to hide, hide everything rather than show it all.
    if len(text) <= keep:
        return "*" * len(text)
    return "*" * (len(text) - keep) + text[-keep:]


def _keep_ends(text: str, head: int = 3, tail: int = 4) -> str:
    if len(text) <= head + tail:
        return _keep_last(text, tail)
    return text[:head] + "*" * (len(text) - head - tail) + text[-tail:]


def mask_phone(e164: str) -> str:
    """`+8613800138000` -> `138****8000`, `+861012345678` -> `010****5678`,
    `+16502530000` -> `+1******0000`; anything unparsable keeps only its last 4 characters.
    """
    if _CN_MOBILE.fullmatch(e164):
        return _keep_ends(e164[3:])
    try:
        number = phonenumbers.parse(e164, None)
    except phonenumbers.NumberParseException:
        return _keep_last(e164)
    if number.country_code == _CN_COUNTRY_CODE:
        # The national format knows whether to prepend the trunk 0: landlines (010 ...) get
        # it, mobiles and 400/800 numbers do not; the digits of +8610... alone cannot tell.
        national = phonenumbers.format_number(number, phonenumbers.PhoneNumberFormat.NATIONAL)
        return _keep_ends("".join(char for char in national if char.isdigit()))
    significant = phonenumbers.national_significant_number(number)
    return f"+{number.country_code}{_keep_last(significant)}"


def _is_cjk(char: str) -> bool:
    name = unicodedata.name(char, "")
    return name.startswith(("CJK", "HIRAGANA", "KATAKANA", "HANGUL"))


def mask_name(name: str) -> str:
    """Chinese names keep the first and (from 3 characters) last character: `张*`, `张*丰`,
    `欧**娜`; space-separated names keep each word's first letter: `J*** S****`.
    """
    text = name.strip()
    if not text:
        return ""
    if not any(_is_cjk(char) for char in text):
        return " ".join(word[0] + "*" * (len(word) - 1) for word in text.split())
    if len(text) == 1:
        return "*"
    if len(text) == 2:
        return text[0] + "*"
    return text[0] + "*" * (len(text) - 2) + text[-1]


def mask_email(email: str) -> str:
    """`zhangsan@example.com` -> `z*******@example.com`; the domain stays readable."""
    local, at, domain = email.rpartition("@")
    if not at or not local:
        return "*" * len(email)  # not an address: no telling which part is safe to show
    if len(local) == 1:
        return f"*@{domain}"
    return f"{local[0]}{'*' * (len(local) - 1)}@{domain}"
