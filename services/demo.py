"""The demo data set, loaded through the gRPC APIs: Chinese enterprise customers, agents,
contract templates, contracts in every state with documents, and a day of calls.

Every write is idempotent (request ids, or a look at the current state before a lifecycle
step), so loading twice changes nothing; calls are keyed by the day they are for.
"""

from __future__ import annotations

import hashlib
import io
import random
from collections.abc import Callable, Iterator, Mapping
from dataclasses import asdict, dataclass, field
from datetime import UTC, date, datetime, time, timedelta
from decimal import ROUND_HALF_UP, Decimal
from typing import Any
from zoneinfo import ZoneInfo

import grpc
from docx import Document as DocxDocument
from google.protobuf import timestamp_pb2
from google.type import date_pb2, money_pb2

from callops.callcenter.v1 import callcenter_pb2 as cc
from callops.callcenter.v1 import callcenter_pb2_grpc
from callops.contract.v1 import contract_pb2 as ct
from callops.contract.v1 import contract_pb2_grpc
from callops.customer.v1 import customer_pb2 as cu
from callops.customer.v1 import customer_pb2_grpc
from services.common.auth import issue_token
from services.common.config import ServiceSettings
from services.customer.domain.credit_code import check_character

SHANGHAI = ZoneInfo("Asia/Shanghai")
DOCX = "application/vnd.openxmlformats-officedocument.wordprocessingml.document"
FEN = Decimal("0.01")

# (sales user, department): who owns and drafts; customers are dealt to them in turn.
SALES = (("zhang.san", "华东销售部"), ("li.na", "华北销售部"), ("wang.qiang", "华南销售部"))

# 客户名称, 简称, 省, 市, 行业, 行政区划码, 联系人, 职务
# fmt: off
CUSTOMERS = (
    ("杭州西湖软件有限公司", "西湖软件", "浙江省", "杭州市", "I6510", "330106", "王芳", "采购经理"),
    ("上海浦江数据科技有限公司", "浦江数据", "上海市", "上海市", "I6450", "310115", "陈伟", "技术负责人"),  # noqa: E501
    ("南京紫金智能制造有限公司", "紫金智造", "江苏省", "南京市", "C3490", "320102", "刘洋", "设备部经理"),  # noqa: E501
    ("苏州工业园区恒信电子有限公司", "恒信电子", "江苏省", "苏州市", "C3970", "320571", "赵静", "采购主管"),  # noqa: E501
    ("宁波港城物流有限公司", "港城物流", "浙江省", "宁波市", "G5810", "330206", "孙磊", "信息部主任"),  # noqa: E501
    ("北京中关村云计算有限公司", "中关村云", "北京市", "北京市", "I6450", "110108", "周敏", "CTO"),
    ("天津滨海新材料股份有限公司", "滨海新材", "天津市", "天津市", "C2650", "120116", "吴刚", "总经理助理"),  # noqa: E501
    ("石家庄太行医药有限公司", "太行医药", "河北省", "石家庄市", "F5150", "130102", "郑丽", "采购经理"),  # noqa: E501
    ("济南泉城能源集团有限公司", "泉城能源", "山东省", "济南市", "D4430", "370102", "冯军", "信息中心主任"),  # noqa: E501
    ("青岛海风家电有限公司", "海风家电", "山东省", "青岛市", "C3850", "370212", "何倩", "采购总监"),
    ("深圳南山创新科技有限公司", "南山创新", "广东省", "深圳市", "I6510", "440305", "林峰", "研发总监"),  # noqa: E501
    ("广州珠江商贸有限公司", "珠江商贸", "广东省", "广州市", "F5190", "440106", "黄小燕", "行政经理"),  # noqa: E501
    ("东莞松湖精密制造有限公司", "松湖精密", "广东省", "东莞市", "C3480", "441900", "许涛", "生产部经理"),  # noqa: E501
    ("厦门鹭岛旅游服务有限公司", "鹭岛旅游", "福建省", "厦门市", "L7271", "350203", "曾雪", "运营总监"),  # noqa: E501
    ("福州闽江水务有限公司", "闽江水务", "福建省", "福州市", "D4610", "350102", "邓超", "办公室主任"),  # noqa: E501
    ("成都天府软件园发展有限公司", "天府软件", "四川省", "成都市", "I6510", "510107", "杨帆", "IT经理"),  # noqa: E501
    ("武汉光谷通信设备有限公司", "光谷通信", "湖北省", "武汉市", "C3920", "420111", "朱红", "采购经理"),  # noqa: E501
    ("西安古城文化传媒有限公司", "古城文化", "陕西省", "西安市", "R8710", "610103", "马骏", "财务总监"),  # noqa: E501
    ("长沙湘江机械有限公司", "湘江机械", "湖南省", "长沙市", "C3510", "430104", "谢婷", "设备主管"),
    ("合肥科学岛仪器有限公司", "科学岛仪器", "安徽省", "合肥市", "C4010", "340104", "罗斌", "技术负责人"),  # noqa: E501
)
# fmt: on


def _blank(key: str, display_name: str, type_: Any, **more: Any) -> ct.TemplateBlank:
    """A blank every contract drafted from the template must fill in."""
    return ct.TemplateBlank(key=key, display_name=display_name, type=type_, required=True, **more)


COURTS = ("上海仲裁委员会", "北京仲裁委员会", "深圳国际仲裁院")
# Both templates end with the arbitration clause, so both ask for the court.
COURT_BLANK = _blank("court", "仲裁机构", ct.TemplateBlank.TYPE_CHOICE, choices=COURTS)

TEMPLATES = (
    ct.ContractTemplate(
        display_name="产品销售合同（示范文本）",
        kind=ct.Contract.KIND_PRODUCT_SALE,
        clauses=[
            "第一条 标的：乙方按本合同附件所列型号、规格和数量向甲方供货。",
            "第二条 交货：乙方应于{{delivery_date}}前将货物送至{{delivery_place}}，"
            "并负责安装调试。",
            "第三条 验收：甲方应在货物到达后十个工作日内完成验收，"
            "逾期未提出书面异议的视为验收合格。",
            "第四条 违约责任：乙方逾期交货的，每逾期一日按合同总额的万分之五向甲方支付违约金；"
            "甲方逾期付款的，按同样标准承担违约责任。",
            "第五条 不可抗力：因不可抗力不能履行合同的，受影响一方应在三日内书面通知对方。",
            "第六条 争议解决：因本合同发生的争议，双方协商不成的，提交{{court}}仲裁。",
        ],
        blanks=[
            _blank("delivery_date", "交货日期", ct.TemplateBlank.TYPE_DATE),
            _blank("delivery_place", "交货地点", ct.TemplateBlank.TYPE_TEXT),
            COURT_BLANK,
        ],
    ),
    ct.ContractTemplate(
        display_name="技术服务外包合同（示范文本）",
        kind=ct.Contract.KIND_SERVICE_OUTSOURCING,
        clauses=[
            "第一条 服务内容：乙方为甲方提供{{service_scope}}。",
            "第二条 服务标准：乙方应在接到故障报告后{{response_hours}}小时内响应并到场处理。",
            "第三条 保密：双方对在合作中知悉的对方商业秘密负有保密义务，合同终止后仍然有效。",
            "第四条 违约责任：乙方未达到服务标准的，甲方有权按月服务费的百分之十扣减服务费。",
            "第五条 争议解决：因本合同发生的争议，双方协商不成的，提交{{court}}仲裁。",
        ],
        blanks=[
            _blank("service_scope", "服务内容", ct.TemplateBlank.TYPE_TEXT),
            _blank("response_hours", "响应时限（小时）", ct.TemplateBlank.TYPE_NUMBER),
            COURT_BLANK,
        ],
    ),
)

S = ct.Contract.State
# fmt: off
# (customer index, template index, title, [(item, model, quantity, unit, unit price)],
#  the state to reach, days from today to the start, months of term)
CONTRACTS: tuple[tuple[int, int, str, list[tuple[str, str, int, str, int]], int, int, int], ...] = (
    (0, 0, "服务器及存储设备采购合同", [("机架式服务器", "R750", 4, "台", 86000), ("存储阵列", "ME5024", 1, "套", 128000)], S.STATE_ACTIVE, -120, 12),  # noqa: E501
    (1, 1, "数据中心运维外包服务合同", [("7x24运维服务", "标准版", 12, "月", 35000)], S.STATE_ACTIVE, -200, 24),  # noqa: E501
    (2, 0, "智能产线控制系统采购合同", [("PLC控制柜", "S7-1500", 6, "套", 98000), ("工业交换机", "SCALANCE", 12, "台", 8600)], S.STATE_ACTIVE, -60, 12),  # noqa: E501
    (5, 1, "云平台技术支持服务合同", [("云平台驻场支持", "高级版", 240, "人天", 2800)], S.STATE_ACTIVE, -335, 12),  # noqa: E501
    (10, 0, "研发测试设备采购合同", [("示波器", "MSO58", 3, "台", 156000)], S.STATE_ACTIVE, -30, 12),  # noqa: E501
    (11, 1, "呼叫中心系统维保合同", [("系统维保服务", "年度", 1, "年", 96000)], S.STATE_ACTIVE, -90, 12),  # noqa: E501
    (6, 0, "新材料检测仪器采购合同", [("光谱分析仪", "ICP-OES", 1, "台", 420000)], S.STATE_SIGNING, 10, 12),  # noqa: E501
    (12, 0, "精密加工中心采购合同", [("五轴加工中心", "DMU50", 1, "台", 780000)], S.STATE_APPROVED, 20, 18),  # noqa: E501
    (15, 1, "软件园网络运维服务合同", [("网络运维服务", "标准版", 12, "月", 18000)], S.STATE_APPROVED, 15, 12),  # noqa: E501
    (3, 0, "电子元器件年度采购合同", [("贴片电容", "0603", 200000, "只", 1)], S.STATE_PENDING_APPROVAL, 30, 12),  # noqa: E501
    (8, 1, "能源管理平台实施服务合同", [("平台实施服务", "一期", 150, "人天", 3200)], S.STATE_PENDING_APPROVAL, 30, 6),  # noqa: E501
    (16, 0, "通信测试设备采购合同", [("网络测试仪", "NT-800", 2, "台", 66000)], S.STATE_PENDING_APPROVAL, 25, 12),  # noqa: E501
    (9, 0, "家电门店收银终端采购合同", [("收银一体机", "POS-X9", 40, "台", 4200)], S.STATE_DRAFT, 45, 12),  # noqa: E501
    (17, 1, "融媒体平台运维服务合同", [("平台运维服务", "标准版", 12, "月", 12000)], S.STATE_DRAFT, 40, 12),  # noqa: E501
    (4, 0, "仓储自动化设备采购合同", [("AGV小车", "AGV-300", 8, "台", 52000)], S.STATE_REJECTED, 30, 12),  # noqa: E501
)
# fmt: on

# (user, 姓名, extension, team, skills, status after loading)
AGENTS = (
    ("agent.liu", "刘晓燕", "8001", "售后一组", ["billing", "contract"], cc.Agent.STATUS_AVAILABLE),
    ("agent.chen", "陈思远", "8002", "售后一组", ["billing"], cc.Agent.STATUS_AVAILABLE),
    ("agent.zhou", "周佳怡", "8003", "售前二组", ["sales"], cc.Agent.STATUS_AVAILABLE),
    ("agent.huang", "黄志强", "8004", "售前二组", ["sales", "vip"], cc.Agent.STATUS_ON_BREAK),
    ("agent.xu", "徐静", "8005", "技术支持组", ["technical"], cc.Agent.STATUS_LOGGED_OUT),
)
CALLS_PER_DAY = 30


def _credit_code(region: str, index: int) -> str:
    body = f"91{region}MA{index:07d}"
    return body + check_character(body)


def demo_phone(index: int) -> str:
    prefix = ("138", "139", "186", "135", "150", "188", "177", "133")[index % 8]
    return f"{prefix}{random.Random(index * 7919).randrange(10**7, 10**8)}"


def _money(amount: Decimal) -> money_pb2.Money:
    units = int(amount)
    return money_pb2.Money(
        currency_code="CNY", units=units, nanos=int((amount - units) * 1_000_000_000)
    )


def _from_money(value: money_pb2.Money) -> Decimal:
    return Decimal(value.units) + Decimal(value.nanos) / Decimal(1_000_000_000)


def _date(value: date) -> date_pb2.Date:
    return date_pb2.Date(year=value.year, month=value.month, day=value.day)


def _timestamp(value: datetime) -> timestamp_pb2.Timestamp:
    ts = timestamp_pb2.Timestamp()
    ts.FromDatetime(value.astimezone(UTC))
    return ts


def _add_months(day: date, months: int) -> date:
    month = day.month - 1 + months
    year, month = day.year + month // 12, month % 12 + 1
    return date(year, month, min(day.day, 28))


def contract_docx(contract: ct.Contract, customer_name: str) -> bytes:
    """A small DOCX of the contract's text, as the signed original would read."""
    doc = DocxDocument()
    doc.add_heading(contract.title, level=1)
    doc.add_paragraph(f"合同编号：{contract.number}")
    doc.add_paragraph(f"甲方：{customer_name}")
    doc.add_paragraph("乙方：本公司")
    for line in contract.rendered_text.split("\n"):
        if line.strip():
            doc.add_paragraph(line)
    for item in contract.line_items:
        doc.add_paragraph(f"{item.display_name} {item.model} {item.quantity}{item.unit}")
    doc.add_paragraph("（以下无正文）")
    out = io.BytesIO()
    doc.save(out)
    return out.getvalue()


@dataclass
class DemoSummary:
    """What the data set holds after loading, by resource name."""

    customers: list[str] = field(default_factory=list)
    templates: list[str] = field(default_factory=list)
    contracts: list[dict[str, str]] = field(default_factory=list)
    documents: list[str] = field(default_factory=list)
    agents: list[str] = field(default_factory=list)
    calls: int = 0
    missed_calls: int = 0

    def as_dict(self) -> dict[str, Any]:
        return asdict(self)


class DemoLoader:
    """Loads the data set into running services, acting as the users who would do each
    step (sales drafts, the department supervisor and legal approve, finance records
    payments, a supervisor runs the call center)."""

    def __init__(
        self,
        addresses: Mapping[str, str],
        settings: ServiceSettings,
        report: Callable[[str], None] = lambda line: None,
        today: date | None = None,
        timeout: float = 30.0,
    ) -> None:
        self._settings = settings
        self._report = report
        self._today = today or datetime.now(SHANGHAI).date()
        self._timeout = timeout
        self._channels = {
            name: grpc.insecure_channel(addresses[name])
            for name in ("customer", "contract", "callcenter")
        }
        self.customers = customer_pb2_grpc.CustomerServiceStub(self._channels["customer"])
        self.contracts = contract_pb2_grpc.ContractServiceStub(self._channels["contract"])
        self.callcenter = callcenter_pb2_grpc.CallCenterServiceStub(self._channels["callcenter"])
        self.summary = DemoSummary()

    def close(self) -> None:
        for channel in self._channels.values():
            channel.close()

    def _as(self, role: str, user: str, department: str = "") -> tuple[tuple[str, str], ...]:
        token = issue_token(self._settings, user, [role], department, 3600)
        return (("authorization", f"Bearer {token}"),)

    def load(self) -> DemoSummary:
        customers = self._load_customers()
        templates = self._load_templates(customers)
        self._load_contracts(customers, templates)
        agents = self._load_agents()
        self._load_calls(agents, customers)
        return self.summary

    # -- customers ---------------------------------------------------------------------

    def _load_customers(self) -> list[cu.Customer]:
        made = []
        for i, (full, short, province, city, industry, region, contact, title) in enumerate(
            CUSTOMERS
        ):
            user, department = SALES[i % len(SALES)]
            request = cu.CreateCustomerRequest(
                customer=cu.Customer(
                    full_name=full,
                    short_name=short,
                    kind=cu.Customer.KIND_ENTERPRISE,
                    industry=industry,
                    province=province,
                    city=city,
                    address=f"{province}{city}示范路{i + 1}号",
                    source="展会" if i % 3 == 0 else "老客户推荐",
                    credit_code=_credit_code(region, i + 1),
                    owner=f"users/{user}",
                    department=department,
                    tags=["高潜力客户"] if i % 4 == 0 else ["年度合作客户"],
                ),
                contacts=[
                    cu.Contact(
                        display_name=contact,
                        title=title,
                        phone_numbers=[demo_phone(i)],
                        email=f"contact{i + 1}@example.cn",
                    )
                ],
                request_id=f"demo-customer-{i + 1:02d}",
            )
            customer = self.customers.CreateCustomer(
                request, metadata=self._as("sales", user, department), timeout=self._timeout
            )
            made.append(customer)
            self.summary.customers.append(customer.name)
        self._report(f"customers: {len(made)}")
        return made

    # -- templates ---------------------------------------------------------------------

    def _load_templates(self, customers: list[cu.Customer]) -> list[str]:
        """Templates have no request id: the ones the demo contracts already use are reused."""
        legal = self._as("legal", "fa.wu", "法务部")
        known: dict[str, str] = {}
        for spec in CONTRACTS:
            customer = customers[spec[0]].name
            page = self.contracts.ListContracts(
                ct.ListContractsRequest(filter=f'customer = "{customer}"', page_size=50),
                metadata=self._as("admin", "demo.loader"),
                timeout=self._timeout,
            )
            for contract in page.contracts:
                if contract.template and contract.template not in known.values():
                    found = self.contracts.GetContractTemplate(
                        ct.GetContractTemplateRequest(name=contract.template),
                        metadata=legal,
                        timeout=self._timeout,
                    )
                    known[found.display_name] = found.name
        names = []
        for template in TEMPLATES:
            if template.display_name not in known:
                made = self.contracts.CreateContractTemplate(
                    ct.CreateContractTemplateRequest(contract_template=template),
                    metadata=legal,
                    timeout=self._timeout,
                )
                known[template.display_name] = made.name
            names.append(known[template.display_name])
        self.summary.templates = names
        self._report(f"templates: {len(names)}")
        return names

    # -- contracts ---------------------------------------------------------------------

    def _draft(self, index: int, customers: list[cu.Customer], templates: list[str]) -> ct.Contract:
        customer_i, template_i, title, items, _, start_in, months = CONTRACTS[index]
        customer = customers[customer_i]
        start = self._today + timedelta(days=start_in)
        end = _add_months(start, months) - timedelta(days=1)
        line_items = [
            ct.LineItem(
                display_name=name,
                model=model,
                quantity=str(quantity),
                unit=unit,
                unit_price=_money(Decimal(price)),
                tax_rate="0.13" if template_i == 0 else "0.06",
            )
            for name, model, quantity, unit, price in items
        ]
        total = sum((Decimal(q) * Decimal(p) for _, _, q, _, p in items), Decimal(0))
        first = (total * Decimal("0.3")).quantize(FEN, ROUND_HALF_UP)
        # One contract has its final payment due in five days, one its advance overdue.
        first_due = start + timedelta(days=10)
        second_due = end - timedelta(days=30)
        if index == 0:
            second_due = self._today + timedelta(days=5)
        contract = ct.Contract(
            title=title,
            customer=customer.name,
            owner=customer.owner,
            department=customer.department,
            template=templates[template_i],
            start_date=_date(start),
            end_date=_date(end),
            line_items=line_items,
            payment_terms="合同签订后十日内支付30%预付款，验收合格后支付70%尾款",
            breach_liability="逾期每日按合同总额万分之五支付违约金",
            dispute_resolution=ct.Contract.DISPUTE_RESOLUTION_ARBITRATION,
            payment_milestones=[
                ct.PaymentMilestone(
                    display_name="预付款", due_date=_date(first_due), amount=_money(first)
                ),
                ct.PaymentMilestone(
                    display_name="尾款", due_date=_date(second_due), amount=_money(total - first)
                ),
            ],
        )
        court = COURTS[index % len(COURTS)]
        if template_i == 0:
            contract.blanks["delivery_date"].date.CopyFrom(_date(start + timedelta(days=20)))
            contract.blanks["delivery_place"].text = customer.address or customer.city
        else:
            contract.blanks["service_scope"].text = items[0][0]
            contract.blanks["response_hours"].number = "4" if index % 2 else "8"
        contract.blanks["court"].choice = court
        return contract

    def _load_contracts(self, customers: list[cu.Customer], templates: list[str]) -> None:
        for index, spec in enumerate(CONTRACTS):
            target = spec[4]
            customer = customers[spec[0]]
            sales = self._as("sales", customer.owner.removeprefix("users/"), customer.department)
            contract = self.contracts.CreateContract(
                ct.CreateContractRequest(
                    contract=self._draft(index, customers, templates),
                    request_id=f"demo-contract-{index + 1:02d}",
                ),
                metadata=sales,
                timeout=self._timeout,
            )
            contract = self._advance(contract, target, sales)
            if contract.state in (S.STATE_SIGNING, S.STATE_ACTIVE, S.STATE_EXPIRING):
                self._upload_original(contract, customer, sales, index)
            if contract.state in (S.STATE_ACTIVE, S.STATE_EXPIRING) and index != 2:
                self._record_advance_payment(contract)
            self.summary.contracts.append(
                {"name": contract.name, "number": contract.number, "state": S.Name(contract.state)}
            )
        self._report(f"contracts: {len(CONTRACTS)}, documents: {len(self.summary.documents)}")

    def _advance(
        self, contract: ct.Contract, target: int, sales: tuple[tuple[str, str], ...]
    ) -> ct.Contract:
        """Takes the contract through its lifecycle up to `target`, from wherever it is."""
        stub, t = self.contracts, self._timeout
        if target == S.STATE_DRAFT:
            return contract
        if contract.state == S.STATE_DRAFT:
            contract = stub.SubmitContract(
                ct.SubmitContractRequest(name=contract.name), metadata=sales, timeout=t
            )
        while contract.state == S.STATE_PENDING_APPROVAL:
            step = contract.approval_steps[contract.current_approval_step]
            approver = self._approver(step, contract.department)
            if target == S.STATE_PENDING_APPROVAL:
                return contract
            if target == S.STATE_REJECTED:
                return stub.RejectContract(
                    ct.RejectContractRequest(
                        name=contract.name, opinion="单价高于市场价，请重新询价后再提交"
                    ),
                    metadata=approver,
                    timeout=t,
                )
            contract = stub.ApproveContract(
                ct.ApproveContractRequest(name=contract.name, opinion="同意"),
                metadata=approver,
                timeout=t,
            )
        if target in (S.STATE_SIGNING, S.STATE_ACTIVE) and contract.state == S.STATE_APPROVED:
            contract = stub.SignContract(
                ct.SignContractRequest(
                    name=contract.name, party=ct.Signature.PARTY_OURS, signatory="赵总"
                ),
                metadata=sales,
                timeout=t,
            )
        if target == S.STATE_ACTIVE and contract.state == S.STATE_SIGNING:
            contract = stub.SignContract(
                ct.SignContractRequest(
                    name=contract.name,
                    party=ct.Signature.PARTY_CUSTOMER,
                    signatory="客户法定代表人",
                ),
                metadata=sales,
                timeout=t,
            )
        return contract

    def _approver(self, step: ct.ApprovalStep, department: str) -> tuple[tuple[str, str], ...]:
        if step.approver:
            return self._as("admin", step.approver.removeprefix("users/"), department)
        users = {"supervisor": "zhu.guan", "legal": "fa.wu", "admin": "zong.jingli"}
        role = step.approver_role or "admin"
        return self._as(
            role, users.get(role, "demo.loader"), step.approver_department or department
        )

    def _upload_original(
        self,
        contract: ct.Contract,
        customer: cu.Customer,
        sales: tuple[tuple[str, str], ...],
        index: int,
    ) -> None:
        content = contract_docx(contract, customer.full_name)
        # python-docx stamps the save time into the file: the request id, not the bytes,
        # is what makes a second load return the first document.
        meta = ct.DocumentUpload(
            parent=contract.name,
            kind=ct.Document.KIND_ORIGINAL,
            filename=f"{contract.number}-{contract.title}.docx",
            content_type=DOCX,
            sha256=hashlib.sha256(content).hexdigest(),
            request_id=f"demo-document-{index + 1:02d}",
        )

        def messages() -> Iterator[ct.UploadDocumentRequest]:
            yield ct.UploadDocumentRequest(upload=meta)
            yield ct.UploadDocumentRequest(chunk=content)

        document = self.contracts.UploadDocument(messages(), metadata=sales, timeout=self._timeout)
        self.summary.documents.append(document.name)

    def _record_advance_payment(self, contract: ct.Contract) -> None:
        finance = self._as("finance", "cai.wu", "财务部")
        advance = contract.payment_milestones[0]
        due = date(advance.due_date.year, advance.due_date.month, advance.due_date.day)
        if due > self._today or _from_money(advance.received_amount) > 0:
            return
        self.contracts.RecordPayment(
            ct.RecordPaymentRequest(
                milestone=advance.name,
                amount=advance.amount,
                received_date=_date(due),
                note="招商银行转账",
            ),
            metadata=finance,
            timeout=self._timeout,
        )

    # -- call center -------------------------------------------------------------------

    def _load_agents(self) -> list[cc.Agent]:
        supervisor = self._as("supervisor", "zhu.guan", "客服部")
        made = []
        for i, (user, display, extension, team, skills, _) in enumerate(AGENTS):
            agent = self.callcenter.CreateAgent(
                cc.CreateAgentRequest(
                    agent=cc.Agent(
                        user=f"users/{user}",
                        display_name=display,
                        extension=extension,
                        sip_uri=f"sip:{extension}@pbx.example.cn",
                        team=team,
                        skills=skills,
                    ),
                    request_id=f"demo-agent-{i + 1:02d}",
                ),
                metadata=supervisor,
                timeout=self._timeout,
            )
            made.append(agent)
            self.summary.agents.append(agent.name)
        self._report(f"agents: {len(made)}")
        return made

    def _set_status(self, agent: cc.Agent, status: int) -> None:
        supervisor = self._as("supervisor", "zhu.guan", "客服部")
        now = self.callcenter.GetAgent(
            cc.GetAgentRequest(name=agent.name), metadata=supervisor, timeout=self._timeout
        )
        if now.status == status:
            return
        if status != cc.Agent.STATUS_LOGGED_OUT and now.status == cc.Agent.STATUS_LOGGED_OUT:
            now = self.callcenter.LoginAgent(
                cc.LoginAgentRequest(name=agent.name), metadata=supervisor, timeout=self._timeout
            )
        if now.status != status:
            self.callcenter.SetAgentStatus(
                cc.SetAgentStatusRequest(
                    name=agent.name,
                    status=status,  # type: ignore[arg-type]
                    break_reason="lunch" if status == cc.Agent.STATUS_ON_BREAK else "",
                ),
                metadata=supervisor,
                timeout=self._timeout,
            )

    def _load_calls(self, agents: list[cc.Agent], customers: list[cu.Customer]) -> None:
        """A working day of calls, yesterday 09:00-18:00 Shanghai time: mostly customers
        (screen-pop finds them), some unknown numbers, about one in five missed."""
        supervisor = self._as("supervisor", "zhu.guan", "客服部")
        day = self._today - timedelta(days=1)
        rng = random.Random(day.toordinal())
        opening = datetime.combine(day, time(9, 0), SHANGHAI)
        # Answered calls leave an agent in after-call work until it is wrapped up; the
        # agents must be logged in to take calls at all.
        for agent in agents:
            self._set_status(agent, cc.Agent.STATUS_AVAILABLE)
        for n in range(CALLS_PER_DAY):
            agent = agents[n % 4]
            start = opening + timedelta(minutes=n * 17 + rng.randrange(0, 10))
            known = n % 5 != 4
            peer = (
                demo_phone(rng.randrange(len(CUSTOMERS)))
                if known
                else f"021{rng.randrange(5 * 10**7, 7 * 10**7)}"
            )
            call_id = f"demo-{day.isoformat()}-{n + 1:03d}"
            missed = n % 6 == 5
            outbound = n % 7 == 3 and not missed
            ring = timedelta(seconds=rng.randrange(4, 20))
            talk = timedelta(seconds=rng.randrange(60, 600))
            direction = cc.DIRECTION_OUTBOUND if outbound else cc.DIRECTION_INBOUND
            first = cc.CallEvent.TYPE_OUTBOUND_DIAL if outbound else cc.CallEvent.TYPE_RINGING
            events: list[tuple[int, datetime, int]] = [(first, start, 0)]
            if missed:
                events.append(
                    (cc.CallEvent.TYPE_ENDED, start + timedelta(seconds=30),
                     cc.CallEvent.END_CAUSE_CALLER_HANGUP)
                )  # fmt: skip
            else:
                events += [
                    (cc.CallEvent.TYPE_ANSWERED, start + ring, 0),
                    (cc.CallEvent.TYPE_ENDED, start + ring + talk, 0),
                ]
            answer = None
            for kind, when, cause in events:
                answer = self.callcenter.ReportCallEvent(
                    cc.ReportCallEventRequest(
                        agent=agent.name,
                        event=cc.CallEvent(
                            call_id=call_id,
                            type=kind,  # type: ignore[arg-type]
                            direction=direction,
                            peer_uri=peer,
                            local_uri=agent.sip_uri,
                            end_cause=cause,  # type: ignore[arg-type]
                            event_time=_timestamp(when),
                        ),
                    ),
                    metadata=supervisor,
                    timeout=self._timeout,
                )
            assert answer is not None
            if not missed and not answer.call.wrap_up_code:
                self.callcenter.WrapUpCall(
                    cc.WrapUpCallRequest(
                        name=answer.call.name,
                        wrap_up_code="consulted" if not outbound else "sales",
                        wrap_up_notes="客户咨询合同付款进度" if not outbound else "回访新品意向",
                        no_order=not outbound,
                        sales_result=cc.Call.SALES_RESULT_INTERESTED
                        if outbound
                        else cc.Call.SALES_RESULT_UNSPECIFIED,
                    ),
                    metadata=supervisor,
                    timeout=self._timeout,
                )
            self.summary.calls += 1
            self.summary.missed_calls += int(missed)
        for agent, spec in zip(agents, AGENTS, strict=True):
            self._set_status(agent, spec[5])
        self._report(f"calls: {self.summary.calls} ({self.summary.missed_calls} missed)")
