"""Normalized company-name keys for duplicate-customer (撞单) detection."""

from __future__ import annotations

import re
import unicodedata

__all__ = ["name_key"]

# Trailing legal forms, longest first so 股份有限公司 wins over 有限公司 and 公司. 集团 is
# deliberately absent: a group and its same-named operating company are different customers.
_CJK_LEGAL_FORMS = (
    "股份有限公司",
    "有限责任公司",
    "股份公司",
    "有限公司",
    "有限合伙",
    "公司",
)
_LATIN_LEGAL_FORMS = (
    "corporation",
    "incorporated",
    "company",
    "limited",
    "corp",
    "gmbh",
    "llc",
    "ltd",
    "inc",
    "plc",
    "co",
)


def _cjk_alternative(form: str) -> str:
    spaced = r"\s*".join(map(re.escape, form))  # "有限 公司" typed with a stray space
    # 分公司 is a branch, a customer of its own: never strip 公司 off it.
    return rf"(?<!分){spaced}" if form == "公司" else spaced


_TRAILING_LEGAL_FORM = re.compile(
    "(?:"
    + "|".join(_cjk_alternative(form) for form in _CJK_LEGAL_FORMS)
    # Latin forms only as whole words, or "Zinc" would lose its "inc".
    + "|(?<![0-9a-z])(?:"
    + "|".join(_LATIN_LEGAL_FORMS)
    + "))\\s*$"
)


def _is_separator(char: str) -> bool:
    # Punctuation (P*), symbols (S*), separators (Z*) and controls/format chars (C*), so
    # that ASCII, full-width and CJK brackets and marks all count the same.
    return unicodedata.category(char)[0] in "PSZC"


def name_key(full_name: str) -> str:
    """A key equal for names that differ only in width, case, spacing, punctuation or a
    trailing legal form (有限公司, Co., Ltd. ...); "" only for a name with no letters or digits.
    """
    text = unicodedata.normalize("NFKC", full_name).casefold()
    # Punctuation becomes a space, not nothing, so "Co.,Ltd" still splits into words.
    spaced = "".join(" " if _is_separator(char) else char for char in text)
    bare = "".join(spaced.split())
    stripped = spaced
    while True:
        shorter = _TRAILING_LEGAL_FORM.sub("", stripped.rstrip(), count=1)
        if shorter == stripped.rstrip():
            break
        stripped = shorter
    key = "".join(stripped.split())
    # A name that is nothing but a legal form ("有限公司") still needs a usable key.
    return key or bare
