"""Several accounts in one gateway (issue 18): two paper accounts and two fake xiadan clients, each its own
client, lane and journal rows, chosen per call with ``account=``, ``X-Account`` or ``/accounts/NAME/``.

Everything over real HTTP against a served app with its real SQLite files; "never mixed" is checked by
reading each account's own 当日委托 and 资金 back after orders placed on the others.
"""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import httpx
import pytest

from ashare_gateway.config import Settings
from ashare_gateway.domain.clock import ManualClock
from tests.accounts_ini import account, config_ini, write_config
from tests.conftest import TRADING_MORNING, Served, serve

CONFIG = config_ini(
    account("p1", user=880001, password="pw-p1", comm_password="cp-p1"),
    account("p2", user=880002, password="pw-p2", comm_password="cp-p2", opening_cash=500000),
    account(
        "x1",
        "xiadan-fake",
        exe_path=r"C:\htzqzyb2_A\xiadan.exe",
        user=880003,
        password="pw-x1",
        comm_password="cp-x1",
        max_order_amount=300,
    ),
    account(
        "x2",
        "xiadan-fake",
        exe_path=r"C:\htzqzyb2_B\xiadan.exe",
        user=880004,
        password="pw-x2",
        comm_password="cp-x2",
    ),
)
NAMES = ["p1", "p2", "x1", "x2"]
ORDER = {"security": "600000", "price": 8.75, "amount": 100}


@pytest.fixture(scope="module")
def four(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Served]:
    tmp = tmp_path_factory.mktemp("accounts")
    settings = Settings(
        data_dir=tmp, demo_market=False, config_path=write_config(tmp, CONFIG), quotes="offline"
    )
    with serve(settings, ManualClock(TRADING_MORNING)) as s:
        yield s


def data(resp: httpx.Response) -> object:
    body = resp.json()
    assert resp.status_code == 200 and body["code"] == 200, body
    return body["data"]


def contracts(c: httpx.Client, **how: object) -> set[str]:
    return {row["合同编号"] for row in data(c.get("/api/trader/today-entrusts", **how))}


def test_health_shows_each_account_logged_in(four: Served) -> None:
    health = httpx.get(f"{four.url}/health").json()
    assert [a["name"] for a in health["accounts"]] == NAMES
    assert [a["broker"] for a in health["accounts"]] == ["sim", "sim", "xiadan-fake", "xiadan-fake"]
    assert all(a["auto_login"] and a["auto_login_error"] is None for a in health["accounts"]), health
    assert health["auto_login"] is True and health["auto_login_error"] is None
    keys = [k for a in health["accounts"] for k in a["clients"]]
    assert len(keys) == 4 and len({lane["name"] for lane in health["lanes"]}) == 4, health["lanes"]


def test_orders_are_routed_to_the_account_named_and_never_mixed(four: Served) -> None:
    with httpx.Client(base_url=four.url, timeout=60) as c:
        before = {n: contracts(c, params={"account": n}) for n in NAMES}
        placed = {
            "p1": data(c.post("/api/trader/buy", params={"account": "p1"}, json=ORDER)),
            "p2": data(c.post("/api/trader/buy", headers={"X-Account": "p2"}, json=ORDER)),
            "x1": data(c.post("/accounts/x1/api/trader/buy", json=ORDER)),
            "x2": data(c.post("/accounts/x2/api/trader/buy", json={**ORDER, "amount": 200})),
        }
        for name in NAMES:
            new = contracts(c, params={"account": name}) - before[name]
            assert new == {placed[name]["合同编号"]}, (name, new, placed)
        # The two fake xiadan clients: one desktop, the same title, two processes, each its own account.
        handles = {h.name: h for h in four.gateway.service.clients.all()}
        x1, x2 = handles["x1"].broker.driver, handles["x2"].broker.driver
        assert x1.table is x2.table and x1.pid != x2.pid
        assert handles["x1"].info.main_window_title == handles["x2"].info.main_window_title != ""
        assert x1.process.exe_path.endswith("_A\\xiadan.exe") and x2.process.exe_path.endswith(
            "_B\\xiadan.exe"
        )
        assert handles["x1"].account == "880003" and handles["x2"].account == "880004"
        total = {n: data(c.get(f"/accounts/{n}/api/trader/balance"))["总资产"] for n in NAMES}
        assert total["p2"] == pytest.approx(500000.0, abs=50)  # its own opening_cash, from its section
        assert total["p1"] == pytest.approx(1000000.0, abs=50)


def test_an_account_must_be_named_when_there_are_several(four: Served) -> None:
    for path in ("/api/trader/balance", "/ths/balance", "/easytrader/balance"):
        resp = httpx.get(f"{four.url}{path}")
        assert resp.status_code in (200, 400), (path, resp.text)  # ths answers 200 with status -1
        assert "网关配置了多个账户（p1、p2、x1、x2）" in resp.text, (path, resp.text)
        assert "Traceback" not in resp.text


def test_an_unknown_or_contradictory_account_is_refused_clearly(four: Served) -> None:
    unknown = httpx.get(f"{four.url}/accounts/nobody/api/trader/balance")
    assert unknown.status_code == 404
    assert unknown.json()["message"] == "未知的账户：nobody（网关配置的账户：p1、p2、x1、x2）"
    bad = httpx.get(f"{four.url}/api/trader/balance", params={"account": "../p1"})
    assert bad.status_code == 400 and "账户名无效" in bad.json()["message"]
    both = httpx.get(f"{four.url}/accounts/p1/api/trader/balance", headers={"X-Account": "p2"})
    assert both.status_code == 400 and both.json()["message"] == "账户指定不一致：p1 与 p2"
    ths = httpx.get(f"{four.url}/ths/balance", params={"account": "nobody"})
    assert ths.json() == {"status": -1, "message": "未知的账户：nobody（网关配置的账户：p1、p2、x1、x2）"}


def test_a_login_session_is_bound_to_its_account(four: Served) -> None:
    creds = {"user": "880002", "password": "pw-p2", "comm_password": "cp-p2"}
    with httpx.Client(base_url=four.url, timeout=60) as c:
        sid = data(c.post("/accounts/p2/api/trader/login", json=creds))["session_id"]
        own = data(c.get("/api/trader/balance", params={"session_id": sid}))
        assert own == data(c.get("/api/trader/balance", params={"account": "p2"}))
        other = c.get("/api/trader/balance", params={"session_id": sid, "account": "p1"})
        assert other.status_code == 409
        assert other.json()["message"] == "该会话属于账户 p2，不能用于账户 p1"
        # p1's passwords on p2's provider: the paper broker refuses them (no session on the wrong books).
        wrong = c.post("/accounts/p2/api/trader/login", json={**creds, "password": "pw-p1"})
        assert wrong.status_code == 401
        # A broker account already served by p1 cannot be logged in again through p2.
        p1 = {"user": "880001", "password": "pw-p1", "comm_password": "cp-p1"}
        clash = c.post("/accounts/p2/api/trader/login", json=p1)
        assert clash.status_code == 409 and "已由网关账户 p1 使用" in clash.json()["message"]


def test_idempotency_keys_are_per_account(four: Served) -> None:
    key = {"Idempotency-Key": "same-key-for-two-accounts"}
    with httpx.Client(base_url=four.url, timeout=60) as c:
        first = data(c.post("/api/trader/buy", params={"account": "p1"}, headers=key, json=ORDER))
        second = data(c.post("/api/trader/buy", params={"account": "p2"}, headers=key, json=ORDER))
        assert first["合同编号"] != second["合同编号"]  # two orders, one per account: not a replay
        again = data(c.post("/api/trader/buy", params={"account": "p1"}, headers=key, json=ORDER))
        assert again["合同编号"] == first["合同编号"]  # p1's retry replays p1's first answer
        assert first["合同编号"] in contracts(c, params={"account": "p1"})
        assert first["合同编号"] not in contracts(c, params={"account": "p2"})


def test_each_account_keeps_its_own_risk_limits(four: Served) -> None:
    big = {**ORDER, "amount": 400}
    with httpx.Client(base_url=four.url, timeout=60) as c:
        refused = c.post("/accounts/x1/api/trader/buy", json=big)
        assert refused.status_code == 400 and refused.json()["message"] == "风控：单笔委托数量400超过上限300"
        assert data(c.post("/accounts/x2/api/trader/buy", json=big))["合同编号"]


def test_session_less_dialects_choose_the_account(four: Served) -> None:
    with httpx.Client(base_url=four.url, timeout=60) as c:
        p2 = c.get("/accounts/p2/ths/balance").json()
        assert (
            p2["status"] == 1
            and p2["message"] == c.get("/ths/balance", params={"account": "p2"}).json()["message"]
        )
        p1 = c.get("/ths/balance", headers={"X-Account": "p1"}).json()
        assert p1["message"]["资金余额"] != p2["message"]["资金余额"]
        et = c.get("/accounts/x2/easytrader/balance").json()
        assert et == c.get("/easytrader/balance", headers={"X-Account": "x2"}).json()
        sell = c.post("/accounts/p1/ths/sell", json={"stock_code": "600000", "price": 9, "amount": 100})
        assert sell.json()["status"] == -1  # p1 holds no 600000 (its buys are not filled): its own book


def test_one_account_answers_as_before(tmp_path: Path) -> None:
    """A config.ini with a single [Account:NAME]: calls without an account go to it, as in the seed."""
    text = account("only", user=880009, password="pw", comm_password="cp")
    settings = Settings(data_dir=tmp_path, config_path=write_config(tmp_path, text))
    with serve(settings, ManualClock(TRADING_MORNING)) as s, httpx.Client(base_url=s.url, timeout=30) as c:
        assert c.get("/health").json()["demo_market"] is False  # a login in config.ini: real hours
        plain = data(c.get("/api/trader/balance"))
        assert plain == data(c.get("/accounts/only/api/trader/balance"))
        assert c.get("/ths/balance").json()["status"] == 1
        assert data(c.get("/api/trader/session-status"))["is_auto_login"] is True


def test_one_account_down_leaves_the_other_trading(tmp_path: Path) -> None:
    """A real xiadan.exe cannot be reached here (no Windows desktop): its account says so, the paper one
    trades on."""
    text = config_ini(
        account("paper", user=880010, password="pw", comm_password="cp"),
        account("real", "xiadan", exe_path=r"C:\\htwt\\xiadan.exe"),
    )
    settings = Settings(data_dir=tmp_path, demo_market=False, config_path=write_config(tmp_path, text))
    with serve(settings, ManualClock(TRADING_MORNING)) as s, httpx.Client(base_url=s.url, timeout=30) as c:
        health = c.get("/health").json()
        state = {a["name"]: a for a in health["accounts"]}
        assert state["paper"]["auto_login"] and not state["real"]["auto_login"]
        assert health["auto_login"] is False
        assert health["auto_login_error"] == f"账户 real：{state['real']['auto_login_error']}"
        down = c.get("/accounts/real/ths/balance").json()
        assert down["status"] == -1 and down["message"].startswith("未连接到客户端")
        assert data(c.post("/accounts/paper/api/trader/buy", json=ORDER))["合同编号"]


BAD_CONFIGS = [
    (
        "[Account:a]\nbroker = sim\nuser = 1\npassword = secret-pw\nmax_order_vaule = 5\n",
        "未知的键：max_order_vaule",
    ),
    (
        "[Account]\nuser = 1\npassword = secret-pw\n[Account:b]\nbroker = sim\n",
        "不能同时有[Account]和[Account:名称]",
    ),
    ("[Account:a]\nbroker = xiadan-fake\nflavour = gtja\n", "配置[Account:a] flavour 的值无效：gtja"),
    ("[Account:a]\nbroker = nosuch\n", "未知的 broker：nosuch"),
    ("[Account:a b]\nbroker = sim\n", "账户名无效：a b"),
    ("[Account:a]\nbroker = sim\nmax_order_amount = 100\n", "设置了风控限额，但没有 user"),
    ("[Account:a]\nbroker = sim\nuser = 1\n", "配置文件[Account:a]缺少 user 或 password"),
]


@pytest.mark.parametrize(("text", "message"), BAD_CONFIGS)
def test_a_bad_account_section_stops_serve_with_its_reason(tmp_path: Path, text: str, message: str) -> None:
    import subprocess
    import sys

    config = write_config(tmp_path, text)
    args = ["serve", "--config", str(config), "--data-dir", str(tmp_path / "d"), "--port", "1"]
    proc = subprocess.run(
        [sys.executable, "-m", "ashare_gateway.cli", *args], capture_output=True, text=True, timeout=120
    )
    assert proc.returncode == 2, proc.stderr
    assert message in proc.stderr.replace("\n", ""), proc.stderr
    assert "secret-pw" not in proc.stderr and "Traceback" not in proc.stderr


def test_settings_read_the_environment_and_hide_secrets(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("ASHARE_GATEWAY_BROKER", "xiadan-fake")
    monkeypatch.setenv("ASHARE_GATEWAY_TOKEN", "a-token-of-sixteen-chars")
    settings = Settings(port=5001)
    assert (settings.broker, settings.port, settings.token) == (
        "xiadan-fake",
        5001,
        "a-token-of-sixteen-chars",
    )
    assert "a-token-of-sixteen-chars" not in repr(settings)
    assert Settings(broker="sim").broker == "sim"  # a flag (keyword) wins over the environment


def test_the_cli_trades_on_the_account_given(four: Served) -> None:
    import json
    import os
    import subprocess
    import sys

    def run(*args: str) -> subprocess.CompletedProcess:
        env = {k: v for k, v in os.environ.items() if k != "ASHARE_GATEWAY_TOKEN"}
        cmd = [sys.executable, "-m", "ashare_gateway.cli", *args, "--url", four.url]
        return subprocess.run(cmd, capture_output=True, text=True, timeout=120, env=env)

    with httpx.Client(base_url=four.url, timeout=60) as c:
        before = {n: contracts(c, params={"account": n}) for n in ("p2", "x2")}
        placed = run("buy", "600000", "8.75", "100", "--account", "x2", "--yes", "--json")
        assert placed.returncode == 0, placed.stderr
        contract = json.loads(placed.stdout)["合同编号"]
        assert contracts(c, params={"account": "x2"}) - before["x2"] == {contract}
        assert contracts(c, params={"account": "p2"}) == before["p2"]
    balance = run("balance", "--account", "p2", "--json")
    assert json.loads(balance.stdout)["总资产"] == pytest.approx(500000.0, abs=50)
    unnamed = run("balance", "--json")
    assert unnamed.returncode != 0 and "网关配置了多个账户" in unnamed.stderr


def test_conditions_are_refused_when_a_desktop_account_would_fire_on_made_up_quotes(four: Served) -> None:
    """Two paper and two fake-xiadan accounts on the offline walk: a stop-loss for a desktop account would
    sell a real holding on synthetic prices, so the gateway refuses conditions (not only with broker=xiadan).
    """
    stop = {"type": "stop_loss", "security": "600000", "side": "sell", "amount": 100, "trigger_price": 8.45}
    refused = httpx.post(f"{four.url}/api/trader/conditions", json=stop, headers={"X-Account": "x1"})
    assert refused.status_code == 400 and "模拟或回放" in refused.json()["message"], refused.text


def test_repo_listing_follows_the_account_named(four: Served) -> None:
    for name in ("p1", "p2"):
        assert data(httpx.get(f"{four.url}/accounts/{name}/api/trader/repo")) == []
    unnamed = httpx.get(f"{four.url}/api/trader/repo")
    assert unnamed.status_code == 400 and "多个账户" in unnamed.json()["message"]
