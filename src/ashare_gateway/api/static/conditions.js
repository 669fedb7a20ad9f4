// The conditional orders panel: the gateway's 条件单 (stop-loss, take-profit, trailing stop, breakout,
// time) with a small form to create one and a 撤销 button per armed row. The rules and the messages are
// the gateway's (POST /api/trader/conditions answers why a condition is refused); this page only asks.
import { trader } from "./api.js";
import { $, confirmAction, el, renderTable } from "./dom.js";

// Which inputs each kind and price type needs (the others are hidden and not sent).
const KIND_FIELDS = {
  stop_loss: ["trigger_price"],
  take_profit: ["trigger_price"],
  breakout_above: ["trigger_price"],
  breakout_below: ["trigger_price"],
  trailing_stop: ["trail_percent"],
  time: ["at"],
};
const PRICE_FIELDS = { limit: ["price"], trigger_offset: ["ticks"], market: [] };
const OPTIONAL = ["trigger_price", "trail_percent", "at", "price", "ticks"];

const COLUMNS = [
  { label: "编号", value: (c) => String(c.id) },
  { label: "类型", text: true, value: (c) => c.kind_label + (c.oco_group ? "（二选一）" : "") },
  { label: "代码", text: true, value: (c) => c.code },
  { label: "方向", text: true, value: (c) => (c.side === "buy" ? "买入" : "卖出"), cls: (c) => (c.side === "buy" ? "up" : "down") },
  { label: "数量", value: (c) => (c.amount === "all" ? "全部" : String(c.amount)) },
  { label: "触发", text: true, value: trigger },
  { label: "委托", text: true, value: orderPrice },
  { label: "有效至", text: true, value: (c) => c.valid_until },
  { label: "状态", text: true, value: (c) => el("span", { class: `tag ${c.state}`, title: c.state }, c.state_label) },
  { label: "合同编号", text: true, value: (c) => c["合同编号"] || "" },
  { label: "说明", text: true, value: (c) => c.message || "" },
  { label: "", value: (c) => (c.state === "armed" ? el("button", { type: "button", class: "small neutral", dataset: { cancel: c.id } }, "撤销") : "") },
];

function trigger(c) {
  if (c.kind === "trailing_stop") return c.trail_percent ? `回撤 ${c.trail_percent}%` : `回撤 ${c.trail_amount}`;
  if (c.kind === "time") return `定时 ${c.at}`;
  const op = c.kind === "stop_loss" || c.kind === "breakout_below" ? "≤" : "≥";
  return `${op} ${c.trigger_price}`;
}

function orderPrice(c) {
  if (c.price_type === "market") return "市价";
  if (c.price_type === "trigger_offset") return `触发价${c.side === "buy" ? "+" : "-"}${c.ticks}档`;
  return `限价 ${c.limit_price}`;
}

let say = () => {};

export async function refreshConditions() {
  const r = await trader("GET", "/conditions");
  if (r.code !== 200) {
    $("conditions-card").dataset.loaded = "error";
    return;
  }
  renderTable($("conditions"), COLUMNS, r.data || [], { empty: "无条件单" });
  $("conditions-card").dataset.loaded = "yes";
}

function showFields() {
  const wanted = new Set([...KIND_FIELDS[$("cond-type").value], ...PRICE_FIELDS[$("cond-price-type").value]]);
  for (const name of OPTIONAL) $(`cond-${name.replace("_", "-")}-row`).hidden = !wanted.has(name);
}

function body() {
  const out = {
    type: $("cond-type").value,
    security: $("cond-security").value.trim(),
    side: $("cond-side").value,
    amount: $("cond-amount").value.trim(),
    price_type: $("cond-price-type").value,
    valid: $("cond-valid").value.trim() || "today",
  };
  for (const name of OPTIONAL) {
    const row = $(`cond-${name.replace("_", "-")}-row`);
    const value = $(`cond-${name.replace("_", "-")}`).value.trim();
    if (!row.hidden && value !== "") out[name] = value;
  }
  return out;
}

async function submit(event) {
  event.preventDefault();
  const b = body();
  const what = `${b.side === "buy" ? "买入" : "卖出"} ${b.security} ${b.amount === "all" ? "全部" : b.amount}`;
  if (!(await confirmAction(`创建条件单：${what}`, "触发后网关按条件下单，不再询问", b.side === "buy" ? "buy" : "sell"))) return;
  const r = await trader("POST", "/conditions", b);
  say(r.code === 200 ? `条件单已创建：编号 ${r.data.map((c) => c.id).join("、")}` : r.message, r.code === 200);
  $("cond-result").textContent = r.code === 200 ? "" : r.message;
  refreshConditions();
}

async function cancel(event) {
  const id = event.target.dataset && event.target.dataset.cancel;
  if (!id) return;
  const r = await trader("POST", `/conditions/${id}/cancel`);
  say(r.code === 200 ? `条件单 ${id} 已撤销` : r.message, r.code === 200);
  refreshConditions();
}

export function initConditions({ say: tell }) {
  say = tell;
  $("cond-type").addEventListener("change", showFields);
  $("cond-price-type").addEventListener("change", showFields);
  $("cond-form").addEventListener("submit", submit);
  $("conditions").addEventListener("click", cancel);
  $("cond-refresh").addEventListener("click", refreshConditions);
  showFields();
  return refreshConditions();
}
