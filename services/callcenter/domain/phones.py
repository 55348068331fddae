"""Phone numbers from softphones (SIP URIs, national or E.164 numbers) as E.164."""

from __future__ import annotations

import re

import phonenumbers

_SIP = re.compile(r"^(?:sips?|tel):([^@;>]+)")


def peer_number(uri: str, region: str = "CN") -> str:
    """`sip:13800138000@pbx` or `138 0013 8000` -> `+8613800138000`; a URI whose user part
    is not a phone number (`sip:alice@host`) is kept as given, since it is still who called."""
    text = uri.strip().strip("<>")
    match = _SIP.match(text)
    candidate = match.group(1) if match else text
    try:
        number = phonenumbers.parse(candidate, region)
    except phonenumbers.NumberParseException:
        return text
    if not phonenumbers.is_possible_number(number):
        return text
    return str(phonenumbers.format_number(number, phonenumbers.PhoneNumberFormat.E164))


def is_e164(value: str) -> bool:
    return bool(re.fullmatch(r"\+[1-9]\d{6,14}", value))
