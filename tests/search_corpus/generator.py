"""Generates realistic Chinese contracts: parties, amounts, dates and the usual clauses."""

from __future__ import annotations

import random
from datetime import date, timedelta
from decimal import Decimal

from services.search.domain.documents import Clause, ContractDocument

CITIES = ["上海", "北京", "深圳", "杭州", "广州", "成都", "南京", "苏州", "武汉", "西安"]
NAME_PARTS = [
    "启明",
    "华信",
    "远航",
    "恒通",
    "博瑞",
    "嘉禾",
    "天行",
    "中科",
    "新元",
    "锐思",
    "星河",
]
TRADES = ["科技", "信息技术", "软件", "贸易", "咨询", "电子", "物流", "医疗器械"]
LATIN_CUSTOMERS = [
    "Huawei Technologies",
    "Siemens China",
    "Bosch Rexroth",
    "Schneider Electric",
    "Lenovo Group",
]
DEPARTMENTS = ["法务部", "销售一部", "销售二部", "采购部"]
STATES = ["DRAFT", "PENDING_APPROVAL", "APPROVED", "SIGNED", "ACTIVE", "TERMINATED"]
KINDS = {
    "PRODUCT_SALE": "产品销售合同",
    "SERVICE_OUTSOURCING": "服务外包合同",
    "FRAMEWORK": "框架协议",
}
OWNERS = ["users/zhangwei", "users/lina", "users/wangfang", "users/liuyang", "users/chenjie"]
GOODS = ["服务器", "交换机", "工业传感器", "办公软件授权", "数据中心运维服务", "呼叫中心坐席系统"]

BREACH = [
    "任何一方违反本合同约定的，应向守约方支付合同总金额百分之{p}的违约金。",
    "违约方应当赔偿守约方因此遭受的全部损失，包括诉讼费及律师费。",
    "乙方逾期交付的，每逾期一日按合同金额的千分之{p}向甲方支付违约金；"
    "逾期超过三十日的，甲方有权解除合同。",
]
DISPUTE = [
    "因本合同引起的争议，双方应友好协商解决；协商不成的，提交{city}仲裁委员会仲裁。",
    "双方因履行本合同发生争议的，任何一方均可向甲方所在地人民法院提起诉讼。",
    "争议发生后，双方可先申请调解；调解不成的，依法向{city}市人民法院起诉。",
]
CONFIDENTIALITY = [
    "双方对在履行本合同过程中知悉的对方商业秘密负有保密义务，保密期限为合同终止后{p}年。",
    "未经对方书面同意，任何一方不得向第三方披露本合同内容及相关技术资料。",
]
FORCE_MAJEURE = [
    "因地震、台风、疫情等不可抗力导致不能履行合同的，受影响一方应在{p}日内书面通知对方。",
    "不可抗力事件持续超过六十日的，任何一方有权书面通知对方解除本合同。",
]
PAYMENT = [
    "甲方应于合同签订后{p}个工作日内支付合同总金额的百分之三十作为预付款，余款于验收合格后支付。",
    "合同价款按季度结算，甲方收到乙方开具的增值税专用发票后{p}日内以银行转账方式支付。",
    "按照双方合同约定的付款节点分期支付，每期付款前乙方应提供对应的交付证明。",
]
# No 违约 anywhere in these: contracts without a breach clause must not match 违约.
NOTICE = [
    "本合同项下的通知应以书面形式送达对方在本合同首页载明的地址。",
    "本合同一式两份，双方各执一份，自双方签字盖章之日起生效。",
]
# Planted near-misses: 违约 and 责任 apart, the 违约 NEAR 赔偿 distances both ways.
NEAR_MISS = "乙方承担违约的责任以本合同金额为限。"
FAR_APART = (
    "一方违约的，守约方有权书面催告；催告期满仍未改正的，守约方可以暂停履行本合同项下的"
    "全部义务并保留追究相应法律后果的权利，双方另行协商确定具体的处理方式与期限，"
    "如协商一致，由责任方赔偿。"
)


def company(rng: random.Random) -> str:
    return f"{rng.choice(CITIES)}{rng.choice(NAME_PARTS)}{rng.choice(TRADES)}有限公司"


def generate_corpus(
    count: int = 320, seed: int = 20261123, body_repeat: int = 1
) -> list[ContractDocument]:
    """`count` contracts, the same for the same seed; body_repeat > 1 makes longer texts."""
    rng = random.Random(seed)
    docs = []
    for n in range(count):
        kind = rng.choice(sorted(KINDS))
        seller = company(rng)
        latin = n % 17 == 0
        customer_name = (
            f"{LATIN_CUSTOMERS[n % len(LATIN_CUSTOMERS)]} Co., Ltd." if latin else company(rng)
        )
        goods = rng.choice(GOODS)
        clauses = [Clause("付款方式", rng.choice(PAYMENT).format(p=rng.randint(3, 30)))]
        if n % 10 < 7:
            text = rng.choice(BREACH).format(p=rng.randint(1, 20))
            clauses.append(Clause("违约责任", text))
        elif n % 10 == 7:
            clauses.append(Clause("责任限制", NEAR_MISS))
        elif n % 10 == 8 and n % 20 == 8:
            clauses.append(Clause("催告", FAR_APART))
        if rng.random() < 0.8:
            city = rng.choice(CITIES)
            clauses.append(Clause("争议解决", rng.choice(DISPUTE).format(city=city)))
        if rng.random() < 0.5:
            text = rng.choice(CONFIDENTIALITY).format(p=rng.randint(1, 5))
            clauses.append(Clause("保密条款", text))
        if rng.random() < 0.5:
            text = rng.choice(FORCE_MAJEURE).format(p=rng.randint(3, 15))
            clauses.append(Clause("不可抗力", text))
        clauses.append(Clause("通知", rng.choice(NOTICE)))
        signed = None
        if rng.random() > 0.05:
            signed = date(2021, 1, 1) + timedelta(days=rng.randint(0, 5 * 365 - 1))
        start = (signed or date(2023, 6, 1)) + timedelta(days=rng.randint(0, 30))
        end = start + timedelta(days=365 * rng.randint(1, 3))
        amount = Decimal(rng.randint(1_000_000, 500_000_000)) / 100
        title = f"{goods}{KINDS[kind]}"
        preamble = (
            f"甲方：{customer_name}\n乙方：{seller}\n"
            f"鉴于甲方拟采购{goods}，双方经友好协商，就{goods}事宜订立本合同，"
            f"合同金额人民币{amount}元。\n"
        )
        body = preamble + "\n".join(f"{c.heading}：{c.text}" for c in clauses) * body_repeat
        docs.append(
            ContractDocument(
                id=f"contracts/c{n:06d}",
                number=f"HT-{(signed or start).year}-{n:06d}",
                title=title,
                kind=kind,
                state=rng.choice(STATES),
                customer=f"customers/k{n % 40:03d}",
                customer_name=customer_name,
                parties=f"甲方：{customer_name}；乙方：{seller}",
                department=DEPARTMENTS[n % len(DEPARTMENTS)],
                owner=rng.choice(OWNERS),
                amount=amount,
                signed_date=signed,
                start_date=start,
                end_date=end,
                clauses=tuple(clauses),
                text=body,
                version=1 + n % 3,
            )
        )
    return docs
