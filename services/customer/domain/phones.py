"""Phone number normalization to E.164 and Chinese-language location lookup."""

from __future__ import annotations

import re
import unicodedata

import phonenumbers
from phonenumbers import geocoder

__all__ = ["InvalidPhoneNumber", "region_of", "to_e164"]


class InvalidPhoneNumber(ValueError):
    """The text is not a phone number we can store or dial."""


def _build_cn_mobile_fast_path() -> re.Pattern[str]:
    # Built from phonenumbers' own CN metadata so a library upgrade that adds or retires
    # mobile ranges moves the fast path with it. The negative look-ahead drops anything that
    # starts like a carrier-selection prefix or an IDD, which phonenumbers would strip first.
    meta = phonenumbers.PhoneMetadata.metadata_for_region("CN")
    if meta is None or meta.mobile is None or meta.mobile.national_number_pattern is None:
        return re.compile(r"(?!)")  # never matches: everything takes the full parser
    mobile = meta.mobile.national_number_pattern
    guards = [p for p in (meta.national_prefix_for_parsing, meta.international_prefix) if p]
    guard = "|".join(f"(?:{p})" for p in guards)
    lookahead = f"(?!{guard})" if guard else ""
    # ASCII: `\d` must not accept full-width or other-script digits here; those take the
    # full parser, which normalizes them.
    return re.compile(rf"{lookahead}(?:{mobile})", re.ASCII)


_CN_MOBILE = _build_cn_mobile_fast_path()

# Separators people type between digit groups; anything else (letters above all, which
# phonenumbers would read as vanity keypad letters) is refused.
_ALLOWED_PUNCTUATION = frozenset("+-()./")

_PARSE_ERRORS = {
    phonenumbers.NumberParseException.INVALID_COUNTRY_CODE: "has an unknown country code",
    phonenumbers.NumberParseException.NOT_A_NUMBER: "does not look like a phone number",
    phonenumbers.NumberParseException.TOO_SHORT_AFTER_IDD: "is too short after the 00 prefix",
    phonenumbers.NumberParseException.TOO_SHORT_NSN: "is too short",
    phonenumbers.NumberParseException.TOO_LONG: "is too long",
}

_LENGTH_ERRORS = {
    phonenumbers.ValidationResult.TOO_SHORT: "is too short",
    phonenumbers.ValidationResult.TOO_LONG: "is too long",
    phonenumbers.ValidationResult.INVALID_LENGTH: "has an invalid length",
    phonenumbers.ValidationResult.INVALID_COUNTRY_CODE: "has an unknown country code",
}


def _fast_cn_mobile(raw: str) -> str | None:
    """E.164 for a plain 11-digit mainland mobile number, or None to use the full parser."""
    compact = raw.strip().replace(" ", "").replace("-", "")
    if len(compact) == 11 and _CN_MOBILE.fullmatch(compact):
        return "+86" + compact
    return None


def _parse_to_e164(raw: str, region: str) -> str:
    """The general path: validate the characters, then let phonenumbers decide."""
    text = unicodedata.normalize("NFKC", raw).strip()  # full-width digits, + and brackets
    if not text:
        raise InvalidPhoneNumber("phone number is empty")
    for char in text:
        if not (char.isdigit() or char.isspace() or char in _ALLOWED_PUNCTUATION):
            raise InvalidPhoneNumber(
                f"phone number {raw!r} contains an unexpected character {char!r}"
            )
    try:
        number = phonenumbers.parse(text, region)
    except phonenumbers.NumberParseException as exc:
        problem = _PARSE_ERRORS.get(exc.error_type, "cannot be parsed")
        raise InvalidPhoneNumber(f"phone number {raw!r} {problem}") from exc
    if not phonenumbers.is_valid_number(number):
        reason = phonenumbers.is_possible_number_with_reason(number)
        problem = _LENGTH_ERRORS.get(
            reason, "is not a valid number (no assigned range has these digits and length)"
        )
        raise InvalidPhoneNumber(f"phone number {raw!r} {problem}")
    return phonenumbers.format_number(number, phonenumbers.PhoneNumberFormat.E164)


def to_e164(raw: str, region: str = "CN") -> str:
    """Normalize a phone number typed in any common format to E.164 (`+8613800138000`).

    `region` is the country assumed for numbers written without a country code.
    Raises InvalidPhoneNumber with the reason when the text is not a valid number.
    """
    # Screen-pop lookups are almost always a bare mainland mobile; skip the full parser.
    if region == "CN":
        fast = _fast_cn_mobile(raw)
        if fast is not None:
            return fast
    return _parse_to_e164(raw, region)


def region_of(e164: str) -> str:
    """Chinese description of where a number is registered (`北京市`, `广东省深圳市`).

    Falls back to the country name when phonenumbers knows nothing finer; "" when the
    number cannot be parsed or is not valid.
    """
    try:
        number = phonenumbers.parse(e164, None)
    except phonenumbers.NumberParseException:
        return ""
    return geocoder.description_for_number(number, "zh")
