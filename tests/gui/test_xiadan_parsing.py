"""Pure pieces of the xiadan adapter: the pop-up classifier and the grid parser, on real client texts."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal

import pytest

from ashare_gateway.brokers.ths import tables
from ashare_gateway.brokers.ths.dialogs import DialogKind, classify, parse_contract_no
from ashare_gateway.brokers.ths.layouts import HT, UNIVERSAL, layout_for
from ashare_gateway.domain.instruments import Market
from ashare_gateway.domain.models import Side
from ashare_gateway.domain.statuses import OrderStatus


@pytest.mark.parametrize(
    ("title", "text", "kind"),
    [
        ("委托确认", "您是否确认以下买入委托？\n证券代码：600000", DialogKind.CONFIRM),
        ("提示", "您的买入委托已成功提交，合同编号：1234567890。", DialogKind.SUCCESS),
        ("提示信息", "委托已成功提交。合同编号：A1B2C3", DialogKind.SUCCESS),
        ("提示", "提交失败：[600000:99.000]超过涨跌限制。9.52-7.79。", DialogKind.REJECTED),
        ("提示", "可用资金不足", DialogKind.REJECTED),
        ("", "委托失败，可交易股数为0", DialogKind.REJECTED),
        ("风险提示", "您委托的证券为风险警示证券，是否继续？", DialogKind.RISK),
        ("撤单确认", "您确定要撤销该委托吗？合同编号：1", DialogKind.CANCEL_CONFIRM),
        ("网上交易用户协议", "请仔细阅读", DialogKind.AGREEMENT),
        ("提示", "您的请求已超时，可能网络忙", DialogKind.IDLE_TIMEOUT),
        ("", "系统已锁定，请输入您的交易密码", DialogKind.LOCK),
        ("提示", "检测到您正在拷贝数据，为保护您的账号数据安全，请先输入验证码", DialogKind.CAPTCHA),
        ("另存为", "文件名", DialogKind.SAVE_AS),
        ("成交回报", "您的委托已成交", DialogKind.TOAST),
        ("提示", "您确定要退出交易系统吗？", DialogKind.EXIT_CONFIRM),
        ("重要通知", "请升级客户端", DialogKind.UNKNOWN),
    ],
)
def test_classify(title, text, kind) -> None:
    assert classify(title, text).kind is kind


def test_the_contract_number_is_the_text_after_its_label() -> None:
    # easytrader took "the first alphanumeric run": here that would be 600000 or 2024.
    text = "2024年 600000 买入委托已成功提交，合同编号：98765。"
    assert parse_contract_no(text) == "98765"
    assert classify("提示", text).contract_no == "98765"
    assert parse_contract_no("委托已提交") is None


def test_layouts_by_name() -> None:
    assert layout_for("ht") is HT and layout_for("universal") is UNIVERSAL
    assert HT.requires_comm_password and not UNIVERSAL.requires_comm_password
    with pytest.raises(ValueError, match="未知的客户端类型"):
        layout_for("qmt")


POSITIONS = (
    "证券代码\t证券名称\t股票余额\t可用余额\t冻结数量\t参考成本价\t市价\t市值\t交易市场\t\r\n"
    "600000\t浦发银行\t1,000\t1000\t0\t8.500\t8.670\t8670.00\t上海Ａ股\t\r\n"
    "\r\n"
)


def test_positions_with_trailing_tabs_thousands_and_blank_lines() -> None:
    table = tables.parse_grid(POSITIONS)
    assert table.kind == "positions"
    (p,) = tables.positions(table)
    assert (p.code, p.quantity, p.cost_price, p.market) == ("600000", 1000, Decimal("8.500"), Market.SH)


def test_gbk_read_as_latin1_is_repaired() -> None:
    garbled = POSITIONS.encode("gbk").decode("latin-1")
    (p,) = tables.positions(tables.parse_grid(garbled))
    assert p.name == "浦发银行"


def test_save_as_export_with_quoted_codes() -> None:
    data = (
        "证券代码\t证券名称\t股票余额\t可用余额\t成本价\t市价\t交易市场\r\n"
        '="000001"\t平安银行\t100\t100\t10.8\t11.2\t深圳Ａ股\r\n'
    ).encode("gbk")
    (p,) = tables.positions(tables.parse_grid(tables.decode_bytes(data)))
    assert p.code == "000001" and p.market is Market.SZ and p.market_value == Decimal("1120.0")


def test_entrust_statuses_from_the_remark_or_the_quantities() -> None:
    text = (
        "委托时间\t证券代码\t证券名称\t操作\t备注\t委托数量\t成交数量\t委托价格\t成交均价\t"
        "撤消数量\t合同编号\n"
        "09:31:00\t600000\t浦发银行\t买入\t未成交\t100\t0\t8.60\t0\t0\t1\n"
        "09:32:00\t600000\t浦发银行\t卖出\t部分成交\t200\t100\t8.70\t8.70\t0\t2\n"
        "09:33:00\t600000\t浦发银行\t买入\t全部撤单\t100\t0\t8.50\t0\t100\t3\n"
        "09:34:00\t600000\t浦发银行\t买入\t废单：可用资金不足\t100\t0\t8.50\t0\t0\t4\n"
        "09:35:00\t600000\t浦发银行\t买入\t场内自定义\t100\t100\t8.50\t8.50\t0\t5\n"
    )
    rows = tables.entrusts(tables.parse_grid(text), dt.date(2026, 1, 5))
    assert [e.status for e in rows] == [
        OrderStatus.REPORTED,
        OrderStatus.PARTIALLY_FILLED,
        OrderStatus.CANCELLED,
        OrderStatus.REJECTED,
        OrderStatus.FILLED,
    ]
    assert rows[1].side is Side.SELL and rows[3].reason.endswith("可用资金不足")
    assert rows[0].trade_date == dt.date(2026, 1, 5) and rows[0].time == dt.time(9, 31)


def test_the_header_tells_the_table() -> None:
    assert tables.parse_grid("成交时间\t证券代码\t成交编号\n").kind == "trades"
    assert tables.parse_grid("申购代码\t证券名称\t可申购数量\n").kind == "ipo"
    with pytest.raises(tables.TableError):
        tables.expect(tables.parse_grid("成交时间\t证券代码\t成交编号\n"), "positions")
    with pytest.raises(tables.TableError):
        tables.parse_grid("\r\n")


def test_balance_fields_a_build_lacks_are_derived() -> None:
    b = tables.balance_from_statics({"cash": "1,000.00", "available": "800.00", "total_assets": "1500.00"})
    assert (b.frozen, b.market_value, b.withdrawable) == (
        Decimal("200.00"),
        Decimal("500.00"),
        Decimal("800.00"),
    )
