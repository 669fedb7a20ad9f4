// The dashboard: wires the panels to the API and to the live event stream. Panels load in parallel.
import { showAccounts } from "./accounts.js";
import { call } from "./api.js";
import { takeTokenFromUrl } from "./auth.js";
import { initConditions, refreshConditions } from "./conditions.js";
import { $, debounce, el, renderPairs } from "./dom.js";
import { startLive } from "./live.js";
import { initPanels, refreshAccount, refreshEntrusts, refreshJournal } from "./panels.js";
import { initTicket, setAccount, setTicketCode } from "./ticket.js";

const LIVE_LABELS = { stream: "实时：事件流", polling: "实时：轮询（网关无事件流）", offline: "事件流断开，重连中（轮询）" };
const HEALTH_MS = 15000;

function say(text, ok) {
  const m = $("message");
  m.textContent = text;
  m.className = "message " + (ok ? "ok" : "error");
}

function banner(text, error) {
  const b = $("banner");
  b.hidden = !text;
  b.textContent = text || "";
  b.className = "banner" + (error ? " error" : "");
}

async function refreshHealth(initial = false) {
  const r = await call("GET", "/health");
  if (r.status !== 200 || !r.data) {
    renderPairs($("health"), [["状态", r.message || "查询失败", "up"]]);
    return;
  }
  const h = r.data;
  if (showAccounts($("account-switch"), h.accounts, refreshAll) && !initial) refreshAll();
  $("mode").textContent = `券商 ${h.broker}` + (h.demo_market ? " · 演示模式（市场始终开放）" : "");
  renderPairs($("health"), [
    ["状态", h.status === "ok" ? "正常" : String(h.status), h.status === "ok" ? "" : "up"],
    ["版本", h.version],
    ["券商", h.broker],
    ["接口方言", h.dialect],
    ["自动登录", h.auto_login ? "已登录" : "未登录"],
    ["自动登录错误", h.auto_login_error || "无", h.auto_login_error ? "up" : ""],
    ["紧急停止", h.kill_switch ? "已开启（拒绝新委托）" : "未开启", h.kill_switch ? "up" : ""],
  ]);
  banner(h.kill_switch ? "紧急停止已开启：网关拒绝一切新委托" : h.auto_login_error ? `自动登录失败：${h.auto_login_error}` : "", true);
  const lanes = (h.lanes || []).map((lane) => {
    const known = new Set(["name", "queue_depth", "in_flight", "last_error", "completed", "reads", "shared_reads"]);
    const extra = Object.entries(lane).filter(([k]) => !known.has(k));
    const dl = el("dl", { class: "kv" });
    renderPairs(dl, [
      ["客户端", lane.name],
      ["排队", String(lane.queue_depth ?? 0)],
      ["执行中", lane.in_flight ? "是" : "否"],
      ["已完成", String(lane.completed ?? 0)],
      ["共享读取", `${lane.shared_reads ?? 0} / ${lane.reads ?? 0}`],
      ["最近错误", lane.last_error || "无", lane.last_error ? "up" : ""],
      ...extra.map(([k, v]) => [k, typeof v === "object" ? JSON.stringify(v) : String(v)]),
    ]);
    return el("div", { class: "lane" }, dl);
  });
  $("lanes").replaceChildren(...lanes);
}

async function refreshClock() {
  const r = await call("GET", "/api/admin/clock");
  const on = r.code === 200 && r.data && r.data.enabled;
  $("clock-card").hidden = !on;
  $("clock-card").dataset.checked = on ? "on" : "off"; // the clock has answered (or is absent)
  if (!on) return false;
  const c = r.data;
  renderPairs($("clock"), [
    ["模拟时间", c.now],
    ["交易阶段", c.phase],
    ["交易日", c.trading_day ? "是" : "否"],
    ["速度", `${c.speed}×`],
  ]);
  return true;
}

async function advanceClock(step) {
  const r = await call("POST", "/api/admin/clock", { advance: step });
  say(r.code === 200 ? `模拟时钟：${r.data.now} ${r.data.phase}` : r.message, r.code === 200);
  await refreshClock();
  refreshAll();
}

function refreshAll() {
  return Promise.all([refreshAccount(setAccount), refreshEntrusts(), refreshJournal()]);
}

const refreshOrders = debounce(() => {
  refreshEntrusts();
  refreshAccount(setAccount);
  refreshJournal();
}, 120);

function onEvent(event) {
  const type = (event.data && event.data.type) || event.event || "";
  if (type.startsWith("order.")) refreshOrders();
  if (type.startsWith("client.") || type === "killswitch") refreshHealth();
  if (type === "killswitch") refreshOrders();
  if (type.startsWith("condition.") || type.startsWith("order.")) refreshConditions();
}

function setLive(mode) {
  const live = $("live");
  live.textContent = LIVE_LABELS[mode] || mode;
  live.className = `live ${mode}`;
  live.dataset.mode = mode;
}

function main() {
  takeTokenFromUrl();
  initTicket({ onPlaced: refreshOrders });
  initPanels({ say, refresh: refreshOrders, sell: (code) => setTicketCode(code, "sell") });
  initConditions({ say });
  $("clock-phase").addEventListener("click", () => advanceClock("phase"));
  $("clock-day").addEventListener("click", () => advanceClock("day"));
  // Health first (it names the accounts, so the panels ask for the one shown), then the rest at once:
  // the first 401 asks for the token once and every panel then retries with it.
  refreshHealth(true).then(() => Promise.all([refreshAll(), refreshClock()])).then(() => {
    startLive({
      onEvent,
      onMode: setLive,
      poll: () => {
        refreshEntrusts();
        refreshAccount(setAccount);
        refreshJournal();
        refreshConditions();
      },
    });
  });
  setInterval(() => document.visibilityState === "visible" && refreshHealth(), HEALTH_MS);
}

main();
