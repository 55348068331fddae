"""Tests for company-name keys used in duplicate-customer (撞单) detection."""

from __future__ import annotations

import pytest

from services.customer.domain.names import name_key


@pytest.mark.parametrize(
    "variant",
    [
        "上海华为技术有限公司",
        "上海华为技术有限公司 ",
        " 上海华为技术有限公司\n",
        "上海华为技术（有限公司）",
        "上海华为技术(有限公司)",
        "上海华为技术股份有限公司",
        "上海华为技术有限责任公司",
        "上海华为技术公司",
        "上海华为技术",
        "上海 华为技术 有限 公司",
        "上海华为技术有限公司。",
        "【上海】华为技术有限公司",
        "上海·华为技术，有限公司",
    ],
)
def test_chinese_legal_forms_and_punctuation_do_not_matter(variant: str) -> None:
    assert name_key(variant) == "上海华为技术"


@pytest.mark.parametrize(
    "variant",
    [
        "Huawei Technologies Co., Ltd.",
        "HUAWEI TECHNOLOGIES CO LTD",
        "Huawei Technologies Co.,Ltd",
        "Huawei Technologies Limited",
        "Huawei Technologies Inc.",
        "Huawei Technologies Corp.",
        "Huawei Technologies Corporation",
        "huawei technologies",
        "Ｈｕａｗｅｉ　Ｔｅｃｈｎｏｌｏｇｉｅｓ　Ｃｏ．，Ｌｔｄ．",
    ],
)
def test_latin_legal_forms_case_and_width_do_not_matter(variant: str) -> None:
    assert name_key(variant) == "huaweitechnologies"


def test_full_width_and_half_width_brackets_match() -> None:
    assert name_key("华为技术（深圳）有限公司") == name_key("华为技术(深圳)有限公司")


@pytest.mark.parametrize(
    ("left", "right"),
    [
        ("上海华为技术有限公司", "北京华为技术有限公司"),
        ("北京字节跳动科技有限公司", "北京字节跳动网络技术有限公司"),
        ("华为技术有限公司", "华为技术（深圳）有限公司"),
        ("华为技术有限公司", "华为技术有限公司北京分公司"),
        ("阿里巴巴集团有限公司", "阿里巴巴有限公司"),
        ("Acme Zinc Ltd", "Acme Z Inc."),
        ("Apple Inc.", "Apple Computer Inc."),
    ],
)
def test_different_companies_stay_distinct(left: str, right: str) -> None:
    assert name_key(left) != name_key(right)


def test_branch_keeps_its_branch_suffix() -> None:
    assert name_key("华为技术有限公司北京分公司") == "华为技术有限公司北京分公司"


def test_group_is_part_of_the_name() -> None:
    assert name_key("阿里巴巴集团有限公司") == name_key("阿里巴巴集团") == "阿里巴巴集团"


@pytest.mark.parametrize(
    ("name", "key"),
    [("有限公司", "有限公司"), ("公司", "公司"), ("Limited Inc.", "limitedinc"), ("Co.", "co")],
)
def test_name_that_is_only_a_legal_form_keeps_a_key(name: str, key: str) -> None:
    assert name_key(name) == key


@pytest.mark.parametrize("blank", ["", "   ", "（）", "。，！"])
def test_blank_names_have_an_empty_key(blank: str) -> None:
    assert name_key(blank) == ""
