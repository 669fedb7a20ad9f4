"""The confirm and result parsers on the texts the real clients show, as quoted by the peers.

Sources (docs/clients.md): xiadan-gateway src/services/trading_service.py:223 (cancel-all confirm),
easyths easyths/operations/order_cancel.py:63-68 (撤单确认 statics 0x412/0x413/0x414/0x6E8),
easytrader pop_dialog_handler.py (提示 with 合同编号) and users' threads (#275, #348).
"""

from __future__ import annotations

import datetime as dt
from decimal import Decimal

import pytest

from ashare_gateway.brokers.ths.confirms import (
    CancelConfirmIds,
    cancel_confirm_mismatch,
    cancel_confirm_shown,
    cancel_many_count,
    order_confirm_mismatch,
)
from ashare_gateway.brokers.ths.dialogs import DialogKind, classify, parse_contract_no
from ashare_gateway.brokers.ths.session import button_label
from ashare_gateway.domain.instruments import Market
from ashare_gateway.domain.models import Entrust, OrderRequest, Side
from ashare_gateway.domain.statuses import OrderStatus

REAL_CANCEL_ALL = "您确认要撤销这( 2 )笔委托吗？\n\n( 总共 5 笔可撤委托 )"  # xiadan-gateway :223


@pytest.mark.parametrize(
    ("text", "contract"),
    [
        ("您的买入委托已成功提交，合同编号：1234567890。", "1234567890"),
        ("委托已提交，合同编号为：N8812", "N8812"),
        ("买入委托成功！合同编号: 77", "77"),
        ("合同编号为1002", "1002"),
        ("委托成功，无编号", None),
    ],
)
def test_every_wording_of_the_contract_number(text, contract) -> None:
    assert parse_contract_no(text) == contract


def test_the_cancel_all_confirm_counts_what_this_click_cancels() -> None:
    assert cancel_many_count(REAL_CANCEL_ALL) == 2  # not the 5 cancelable in total
    assert cancel_many_count("您确认要撤销这（3）笔委托吗？") == 3
    assert cancel_many_count("您确定要撤销全部4笔委托吗？\n共 4 笔") == 4
    assert cancel_many_count("您确定要撤销吗？") is None
    assert classify("提示", REAL_CANCEL_ALL).kind is DialogKind.CANCEL_CONFIRM


def _row(**kw) -> Entrust:
    base = dict(
        trade_date=dt.date(2026, 11, 20),
        time=dt.time(10, 0),
        entrust_no="N1",
        contract_no="N1",
        code="600000",
        name="浦发银行",
        market=Market.SH,
        side=Side.BUY,
        price=Decimal("8.51"),
        quantity=300,
        filled_quantity=100,
        filled_avg_price=Decimal("8.51"),
        cancelled_quantity=0,
        status=OrderStatus.PARTIALLY_FILLED,
    )
    return Entrust(**{**base, **kw})


IDS = CancelConfirmIds()


@pytest.mark.parametrize(
    ("statics", "wrong"),
    [
        (
            {0x412: "600000", 0x413: "8.510", 0x414: "200", 0x6E8: "您确定要撤销该笔委托吗？"},
            None,
        ),  # open amount
        ({0x412: "600000", 0x413: "8.51", 0x414: "300"}, None),  # whole amount
        ({0x412: "证券代码：600000", 0x413: "委托价格：8.51", 0x414: "委托数量：300"}, None),  # labelled
        ({0x412: "600000", 0x413: "8.50", 0x414: "200"}, "价格"),
        ({0x412: "000001", 0x413: "8.51", 0x414: "200"}, "证券代码"),
        ({0x412: "600000", 0x413: "8.51", 0x414: "100"}, "数量"),
        ({0x412: "", 0x413: "8.51", 0x414: "200"}, "找不到证券代码"),
    ],
)
def test_the_cancel_confirm_is_checked_against_the_selected_row(statics, wrong) -> None:
    shown = cancel_confirm_shown(statics, "\n".join(statics.values()), IDS)
    reason = cancel_confirm_mismatch(shown, _row())
    assert (reason is None) if wrong is None else (wrong in reason)


def test_a_cancel_confirm_that_names_another_contract_is_refused() -> None:
    shown = cancel_confirm_shown({}, "您确定要撤销该委托吗？\n证券代码：600000\n合同编号：N2", IDS)
    assert "合同编号（N2）" in cancel_confirm_mismatch(shown, _row())


CONFIRM = "\n".join(
    (
        "您是否确认以下买入委托？",
        "股东账号：A1",
        "证券代码：600000",
        "证券名称：浦发银行",
        "买入价格：8.41",
        "买入数量：200",
    )
)


@pytest.mark.parametrize(
    ("request_", "wrong"),
    [
        (OrderRequest("600000", Side.BUY, 200, price=Decimal("8.410")), None),
        (OrderRequest("600000", Side.BUY, 200, price=Decimal("8.40")), "价格"),
        (OrderRequest("600000", Side.BUY, 100, price=Decimal("8.41")), "数量"),
        (OrderRequest("600001", Side.BUY, 200, price=Decimal("8.41")), "证券代码"),
    ],
)
def test_the_order_confirm_must_show_our_code_price_and_amount(request_, wrong) -> None:
    reason = order_confirm_mismatch(CONFIRM, request_)
    assert (reason is None) if wrong is None else (wrong in reason)


def test_an_order_confirm_that_shows_no_price_is_refused_for_a_limit_order() -> None:
    text = "您是否确认以下买入委托？\n证券代码：600000\n买入数量：200"
    assert "找不到委托价格" in order_confirm_mismatch(
        text, OrderRequest("600000", Side.BUY, 200, price=Decimal("8"))
    )


@pytest.mark.parametrize(
    ("caption", "label"), [("确定(Y)", "确定"), ("登录(&Y)", "登录"), ("登 录", "登 录"), ("确定", "确定")]
)
def test_login_buttons_match_without_their_accelerator(caption, label) -> None:
    assert button_label(caption) == label


def test_the_ht_ipo_grid_names_its_quota_column_shenggou_shuliang() -> None:
    """easytrader config/client.py:81: 华泰's 批量新股申购 grid says 申购数量, not 可申购数量."""
    from ashare_gateway.brokers.ths import tables

    table = tables.parse_grid(
        "新股代码\t申购代码\t新股名称\t申购价格\t申购数量\t交易市场\n732001\t732001\t新股\t10.00\t5000\t上海A股\n"
    )
    assert table.kind == "ipo"
    assert [(o.code, o.amount) for o in tables.ipo_offers(table)] == [("732001", 5000)]
