"""国债逆回购 through the 同花顺 sell page: the repo code with the annualised rate as the price.

The real adapter types the order into the fake client's sell page like any other (the fake looks the
code up: name GC001, the current rate filled in as the price, overwritten by the adapter's rate); the
paper exchange behind it books the loan, and its refusal of a repo buy comes back as the client's text.
"""

from __future__ import annotations

from decimal import Decimal

import pytest

from ashare_gateway.domain.errors import OrderRejected
from ashare_gateway.domain.models import OrderRequest, Side


def test_a_repo_is_a_sell_of_the_code_at_the_rate(make, sim, flavour) -> None:
    broker = make(flavour)
    rate = sim.quote("204001").bids[0].price
    before = sim.balance().available
    ack = broker.place_order(OrderRequest(code="204001", side=Side.SELL, amount=100, price=rate))
    loan = next(x for x in sim.repo_loans() if x.contract_no == ack.contract_no)
    assert (loan.code, loan.rate, loan.amount, loan.principal) == ("204001", rate, 100, Decimal(10000))
    assert sim.balance().available == before - Decimal(10000) - loan.commission


def test_the_clients_refusal_of_a_repo_buy_comes_back(make, sim) -> None:
    broker = make("ht")
    with pytest.raises(OrderRejected, match="须以卖出方式申报"):
        broker.place_order(OrderRequest(code="204001", side=Side.BUY, amount=10, price=Decimal("1.5")))
    assert sim.repo_loans() == []
