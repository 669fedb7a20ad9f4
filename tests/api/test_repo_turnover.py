"""The daily turnover limit counts a 国债逆回购 by its principal (张 × ¥100), not by rate × 张.

Over HTTP against a served paper gateway with the simulated clock at a Thursday's repo hours, with
``[Risk] max_daily_turnover`` in its config.ini: the limit must see the ¥100,000 a 1,000-张 repo lends.
"""

from __future__ import annotations

from pathlib import Path

import httpx

from ashare_gateway.config import Settings
from tests.conftest import serve


def test_the_daily_turnover_limit_counts_a_repo_by_its_principal(tmp_path: Path) -> None:
    config = tmp_path / "config.ini"
    config.write_text("[Risk]\nmax_daily_turnover = 150000\n", encoding="utf-8")
    settings = Settings(
        data_dir=tmp_path, start_at="2026-12-03 14:50", speed=0, read_freshness=0, config_path=config
    )
    with serve(settings, None) as served, httpx.Client(base_url=served.url, timeout=30) as c:  # type: ignore[arg-type]
        bid = c.get("/api/trader/quote", params={"security": "204001"}).json()["data"]["买盘"][0]["价格"]
        lend = {"security": "204001", "price": str(bid), "amount": 1000}  # ¥100,000 at ~1.4 %
        first = c.post("/api/trader/sell", json=lend)
        assert first.status_code == 200, first.text
        # Counted at rate × 张 the first repo would be ~¥1,400 of turnover and this one would pass.
        second = c.post("/api/trader/sell", json=lend)
        assert second.status_code == 400, second.text
        assert "当日委托金额将达200000.00，超过上限150000.00" in second.json()["message"]
        # What is left under the limit still goes: 400 张 = ¥40,000 → ¥140,000 in all.
        small = c.post("/api/trader/sell", json={**lend, "amount": 400})
        assert small.status_code == 200, small.text
