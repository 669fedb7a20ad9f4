// The account and order panels: balance with today's P&L, positions with 浮动盈亏, orders (cancel per
// row), trades, and the order journal. Column layouts are data (COLUMNS); rows are newest first.
import { call, trader } from "./api.js";
import { $, confirmAction, el, renderPairs, renderTable } from "./dom.js";
import * as fmt from "./format.js";
import { decimalsOf, instruments } from "./instruments.js";

// The journal's states (service/journal.py), as the operator reads them.
const JOURNAL_STATES = {
  received: "已接收",
  sent: "已发送",
  accepted: "已受理",
  rejected: "已拒绝",
  unknown: "结果未知",
  failed: "失败",
  dry_run: "演练",
};
const stateTag = (state) => el("span", { class: `tag ${state}`, title: state }, JOURNAL_STATES[state] || state);
const OPEN_STATES = new Set(["未报", "待报", "已报", "部成", "已报待撤", "部成待撤", "正报"]);
const prevCloses = new Map(); // code -> 昨收: fixed for the day, asked for once

const dec = (code) => decimalsOf(code) ?? fmt.guessDecimals(code);
const px = (key) => (r) => fmt.price(r[key], dec(r["证券代码"]));
const sideClass = (r) => (String(r["操作"] || r["买卖方向"] || "").includes("买") ? "up" : "down");

// 浮动盈亏 as the broker reports it (盈亏) when it does, else from 成本价; 盈亏比 against the cost.
export function positionPnl(p) {
  const qty = p["持仓数量"] || 0;
  const cost = p["成本价"] || 0;
  const pnl = typeof p["盈亏"] === "number" ? p["盈亏"] : (p["最新价"] - cost) * qty;
  const basis = cost * qty;
  return { pnl, ratio: basis > 0 ? pnl / basis : null };
}

// Today's P&L per code: what is held now at the last price, less what was held at yesterday's close,
// plus the cash today's trades moved (发生金额, fees included), so buys, sells and sold-out codes count.
export function todayPnl(positions, trades, prev) {
  const codes = new Set([...positions.map((p) => p["证券代码"]), ...trades.map((t) => t["证券代码"])]);
  let total = 0;
  for (const code of codes) {
    const pos = positions.find((p) => p["证券代码"] === code);
    const held = pos ? pos["持仓数量"] || 0 : 0;
    const last = pos ? pos["最新价"] || 0 : 0;
    let bought = 0;
    let sold = 0;
    let cash = 0;
    for (const t of trades.filter((t) => t["证券代码"] === code)) {
      const buy = String(t["买卖方向"] || t["操作"]).includes("买");
      if (buy) bought += t["成交数量"];
      else sold += t["成交数量"];
      cash += typeof t["发生金额"] === "number" ? t["发生金额"] : (buy ? -1 : 1) * t["成交金额"];
    }
    const heldYesterday = held - bought + sold;
    const close = prev.get(code);
    if (heldYesterday > 0 && close === undefined) return null; // not known yet
    total += held * last - heldYesterday * (close || 0) + cash;
  }
  return total;
}

async function loadPrevCloses(codes) {
  const missing = codes.filter((c) => !prevCloses.has(c)).slice(0, 30);
  await Promise.all(
    missing.map(async (code) => {
      const q = await trader("GET", `/quote?security=${code}`);
      if (q.code === 200) prevCloses.set(code, q.data["昨收"]);
    }),
  );
}

const COLUMNS = {
  positions: [
    { label: "证券", text: true, value: (r) => el("span", {}, r["证券名称"], el("br"), el("span", { class: "sub" }, r["证券代码"])) },
    { label: "持仓", value: (r) => fmt.int(r["持仓数量"]) },
    { label: "可用", value: (r) => fmt.int(r["可用数量"]) },
    { label: "成本", value: px("成本价") },
    { label: "最新", value: px("最新价"), cls: (r) => fmt.trend(r["最新价"], r["成本价"]) },
    { label: "市值", value: (r) => fmt.money(r["市值"]) },
    { label: "浮动盈亏", value: (r) => fmt.signedMoney(positionPnl(r).pnl), cls: (r) => fmt.trend(positionPnl(r).pnl) },
    { label: "盈亏比", value: (r) => fmt.percent(positionPnl(r).ratio), cls: (r) => fmt.trend(positionPnl(r).ratio) },
    { label: "", value: (r) => el("button", { type: "button", class: "small sell", dataset: { sellCode: r["证券代码"] } }, "卖出") },
  ],
  entrusts: [
    { label: "时间", text: true, value: (r) => r["委托时间"] || "" },
    { label: "证券", text: true, value: (r) => `${r["证券名称"] || ""} ${r["证券代码"]}` },
    { label: "操作", text: true, value: (r) => r["操作"] || "", cls: sideClass },
    { label: "价格", value: (r) => (r["委托类别"] && !r["委托价格"] ? "市价" : px("委托价格")(r)) },
    { label: "数量", value: (r) => fmt.int(r["委托数量"]) },
    { label: "成交", value: (r) => fmt.int(r["成交数量"]) },
    { label: "均价", value: (r) => (r["成交数量"] ? px("成交均价")(r) : "–") },
    { label: "状态", text: true, value: (r) => r["委托状态"] || "" },
    { label: "合同编号", text: true, value: (r) => r["合同编号"] || "" },
    { label: "备注", text: true, value: (r) => r["备注"] || "" },
    {
      label: "",
      value: (r) =>
        OPEN_STATES.has(r["委托状态"])
          ? el("button", { type: "button", class: "small neutral", dataset: { cancel: r["合同编号"] } }, "撤单")
          : "",
    },
  ],
  trades: [
    { label: "时间", text: true, value: (r) => r["成交时间"] || "" },
    { label: "证券", text: true, value: (r) => `${r["证券名称"] || ""} ${r["证券代码"]}` },
    { label: "方向", text: true, value: (r) => r["买卖方向"] || r["操作"] || "", cls: sideClass },
    { label: "价格", value: px("成交价格") },
    { label: "数量", value: (r) => fmt.int(r["成交数量"]) },
    { label: "金额", value: (r) => fmt.money(r["成交金额"]) },
    { label: "费用", value: (r) => fmt.money((r["佣金"] || 0) + (r["印花税"] || 0) + (r["过户费"] || 0)) },
    { label: "合同编号", text: true, value: (r) => r["合同编号"] || "" },
  ],
  journal: [
    { label: "时间", text: true, value: (r) => (r.created_at || "").slice(11, 19) },
    { label: "委托", text: true, value: (r) => journalOrder(r.request || {}) },
    { label: "状态", text: true, value: (r) => stateTag(r.state) },
    { label: "合同编号", text: true, value: (r) => r["合同编号"] || "" },
    { label: "来源", text: true, value: (r) => r.origin || (r.request && r.request.origin) || "–" },
    { label: "幂等键", text: true, value: (r) => (r.idempotency_key ? String(r.idempotency_key).slice(0, 16) : "–") },
    { label: "说明", text: true, value: (r) => r.message || "" },
  ],
};

function journalOrder(req) {
  const side = req.side === "buy" ? "买" : req.side === "sell" ? "卖" : req.side || "";
  const how = req.price ? `@${req.price}` : req.market_type ? `市价 ${req.market_type}` : "";
  return `${side} ${req.code || ""} ${req.amount || ""}股 ${how}`.trim();
}

// Newest first: by time text (HH:MM:SS sorts as text), then by the broker's number.
function newestFirst(rows, timeKey, noKey) {
  return [...rows].sort(
    (a, b) =>
      String(b[timeKey] || "").localeCompare(String(a[timeKey] || "")) ||
      String(b[noKey] || "").localeCompare(String(a[noKey] || ""), undefined, { numeric: true }),
  );
}

function unauthorisedOr(table, r) {
  renderTable(table, [{ label: "", text: true, value: (x) => x }], [], { empty: r.message || "查询失败" });
}

export async function refreshAccount(onAccount) {
  const [b, p, t] = await Promise.all([
    trader("GET", "/balance"),
    trader("GET", "/position"),
    trader("GET", "/today-trades"),
  ]);
  const positions = p.code === 200 ? p.data : [];
  const trades = t.code === 200 ? t.data : [];
  await instruments([...positions, ...trades].map((r) => r["证券代码"]));
  if (p.code === 200) renderTable($("positions"), COLUMNS.positions, positions, { empty: "无持仓" });
  else unauthorisedOr($("positions"), p);
  if (t.code === 200) renderTable($("trades"), COLUMNS.trades, newestFirst(trades, "成交时间", "成交编号"), { empty: "今日无成交" });
  else unauthorisedOr($("trades"), t);
  if (b.code !== 200) {
    renderPairs($("balance"), [["", b.message || "查询失败", "error"]]);
    return;
  }
  const d = b.data;
  const floating = positions.reduce((sum, r) => sum + positionPnl(r).pnl, 0);
  renderBalance(d, floating, null);
  onAccount(d["可用金额"], positions);
  await loadPrevCloses([...new Set([...positions, ...trades].map((r) => r["证券代码"]))]);
  renderBalance(d, floating, todayPnl(positions, trades, prevCloses));
}

function renderBalance(d, floating, today) {
  renderPairs($("balance"), [
    ["总资产", fmt.money(d["总资产"])],
    ["资金余额", fmt.money(d["资金余额"])],
    ["可用", fmt.money(d["可用金额"])],
    ["可取", fmt.money(d["可取金额"])],
    ["冻结", fmt.money(d["冻结金额"])],
    ["股票市值", fmt.money(d["股票市值"])],
    ["当日盈亏", today === null ? "计算中…" : fmt.signedMoney(today), fmt.trend(today)],
    ["浮动盈亏", fmt.signedMoney(floating), fmt.trend(floating)],
  ]);
}

export async function refreshEntrusts() {
  const r = await trader("GET", "/today-entrusts");
  if (r.code !== 200) {
    unauthorisedOr($("entrusts"), r);
    return [];
  }
  await instruments(r.data.map((x) => x["证券代码"]));
  const rows = newestFirst(r.data, "委托时间", "合同编号");
  renderTable($("entrusts"), COLUMNS.entrusts, rows, { empty: "今日无委托" });
  $("entrusts").dataset.rows = JSON.stringify(rows.map((x) => [x["合同编号"], x["证券名称"], x["操作"], x["委托数量"], x["委托价格"]]));
  return rows;
}

export async function refreshJournal() {
  const r = await call("GET", "/api/journal/orders");
  if (r.code !== 200) {
    unauthorisedOr($("journal"), r);
    return;
  }
  const rows = [...r.data].sort((a, b) => b.id - a.id).slice(0, 100);
  renderTable($("journal"), COLUMNS.journal, rows, {
    empty: "无委托日志",
    rowAttrs: (x) => ({ class: "clickable", dataset: { journal: x.id } }),
  });
}

async function showJournalEntry(id) {
  const box = $("journal-detail");
  const r = await call("GET", `/api/journal/orders/${encodeURIComponent(id)}`);
  box.hidden = false;
  if (r.code !== 200) {
    box.replaceChildren(el("p", { class: "error" }, r.message || "查询失败"));
    return;
  }
  const e = r.data;
  const table = el("table");
  renderTable(
    table,
    [
      { label: "时间", text: true, value: (x) => x.at },
      { label: "状态", text: true, value: (x) => stateTag(x.state) },
      { label: "详情", text: true, value: (x) => (typeof x.detail === "string" ? x.detail : JSON.stringify(x.detail ?? "")) },
    ],
    e.events || [],
    { empty: "无事件" },
  );
  box.replaceChildren(
    el("h3", {}, `委托日志 #${e.id} · ${journalOrder(e.request || {})} · ${JOURNAL_STATES[e.state] || e.state}`),
    el("p", { class: "sub" }, `账户 ${e.account || "–"} · 券商 ${e.broker || "–"} · 幂等键 ${e.idempotency_key || "–"} · 合同编号 ${e["合同编号"] || "–"}`),
    el("div", { class: "scroll" }, table),
  );
}

async function cancelOne(no, say, refresh) {
  const rows = JSON.parse($("entrusts").dataset.rows || "[]");
  const row = rows.find((x) => x[0] === no) || [no, "", "", "", ""];
  const ok = await confirmAction(`撤单 ${row[1]} ${row[2]} ${row[3]}股 @${row[4]}？`, `合同编号 ${no}`, "neutral");
  if (!ok) return;
  const r = await trader("POST", "/cancel-entrust", { entrust_no: no });
  say(r.code === 200 ? `撤单成功，合同编号 ${no}` : r.message, r.code === 200);
  refresh();
}

async function cancelAll(say, refresh) {
  const open = await trader("GET", "/cancel-entrusts");
  const n = open.code === 200 ? open.data.length : 0;
  if (open.code === 200 && n === 0) {
    say("没有可撤的委托", false);
    return;
  }
  if (!(await confirmAction(`撤销全部 ${n} 笔可撤委托？`, "未成交的部分全部撤单", "neutral"))) return;
  const r = await trader("POST", "/cancel-all-entrusts");
  say(r.code === 200 ? `全部撤单已提交，撤销 ${r.data["撤销数量"]} 笔` : r.message, r.code === 200);
  refresh();
}

export function initPanels({ say, refresh, sell }) {
  $("entrusts").addEventListener("click", (event) => {
    const no = event.target.dataset && event.target.dataset.cancel;
    if (no) cancelOne(no, say, refresh);
  });
  $("cancel-all").addEventListener("click", () => cancelAll(say, refresh));
  $("positions").addEventListener("click", (event) => {
    const code = event.target.dataset && event.target.dataset.sellCode;
    if (code) sell(code);
  });
  $("journal").addEventListener("click", (event) => {
    const tr = event.target.closest("tr[data-journal]");
    if (!tr) return;
    for (const row of $("journal").querySelectorAll("tr.selected")) row.classList.remove("selected");
    tr.classList.add("selected");
    showJournalEntry(tr.dataset.journal);
  });
  $("journal-refresh").addEventListener("click", refreshJournal);
}
