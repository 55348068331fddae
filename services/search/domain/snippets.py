"""Snippets of contract text as a reader without the `pii` right may see them."""

from __future__ import annotations

import re

import phonenumbers

from services.common.privacy import mask_phone

_MARK = re.compile(r"</?em>")


def mask_phone_numbers(fragment: str) -> str:
    """Each phone number the snippet quotes (`联系电话：138 0013 8000`) as mask_phone shows
    it (`138****8000`); the text around it and the `<em>` marks stay as they are.

    Contract text quotes contacts' numbers; the index keeps the text whole, so the masking
    happens here, per reader. STRICT_GROUPING leaves number-like parts of other things
    alone (the `2026-000001` of a contract number HT-2026-000001)."""
    # A match may be split by marks (`<em>138</em>00138000`): find numbers in the text
    # without them, then replace the number's characters in place, marks kept.
    plain: list[str] = []
    positions: list[int] = []
    index = 0
    while index < len(fragment):
        mark = _MARK.match(fragment, index)
        if mark:
            index = mark.end()
            continue
        plain.append(fragment[index])
        positions.append(index)
        index += 1
    text = "".join(plain)
    shown = list(fragment)
    for match in phonenumbers.PhoneNumberMatcher(
        text, "CN", leniency=phonenumbers.Leniency.STRICT_GROUPING
    ):
        e164 = phonenumbers.format_number(match.number, phonenumbers.PhoneNumberFormat.E164)
        first, *rest = positions[match.start : match.end]
        shown[first] = mask_phone(e164)
        for position in rest:
            shown[position] = ""
    return "".join(shown)
