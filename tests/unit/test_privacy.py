"""Tests for masking of phone numbers, names and e-mail addresses."""

from __future__ import annotations

import pytest

from services.common.privacy import mask_email, mask_name, mask_phone


@pytest.mark.parametrize(
    ("e164", "masked"),
    [
        ("+8613800138000", "138****8000"),
        ("+8613912345678", "139****5678"),
        ("+861012345678", "010****5678"),  # Beijing landline keeps its trunk 0
        ("+862161234567", "021****4567"),
        ("+8675512345678", "075*****5678"),  # 4-digit area code, 8-digit subscriber
        ("+864001234567", "400***4567"),  # national service number: no trunk 0
        ("+16502530000", "+1******0000"),
        ("+447911123456", "+44******3456"),
        ("+85291234567", "+852****4567"),
        ("13800138000", "*******8000"),  # not E.164: unparsable
        ("garbage-1234", "********1234"),
        ("123", "***"),
        ("", ""),
    ],
)
def test_mask_phone(e164: str, masked: str) -> None:
    assert mask_phone(e164) == masked


@pytest.mark.parametrize(
    ("name", "masked"),
    [
        ("", ""),
        ("张", "*"),
        ("张三", "张*"),
        ("张三丰", "张*丰"),
        ("欧阳娜娜", "欧**娜"),
        ("迪丽热巴·迪力木拉提", "迪********提"),
        (" 张三 ", "张*"),
        ("John Smith", "J*** S****"),
        ("Mary Jane Watson", "M*** J*** W*****"),
        ("José García", "J*** G*****"),
        ("Иван Петров", "И*** П*****"),
    ],
)
def test_mask_name(name: str, masked: str) -> None:
    assert mask_name(name) == masked


@pytest.mark.parametrize(
    ("email", "masked"),
    [
        ("zhangsan@example.com", "z*******@example.com"),
        ("ab@example.com", "a*@example.com"),
        ("a@example.com", "*@example.com"),
        ("first.last+tag@mail.example.cn", "f*************@mail.example.cn"),
        ("not-an-address", "**************"),
        ("@example.com", "************"),
        ("", ""),
    ],
)
def test_mask_email(email: str, masked: str) -> None:
    assert mask_email(email) == masked
