// The order ticket and its quote box. The quote follows the code being typed; the price starts at the
// live price (until the user types one); the amount buttons size by lots from 可买 / 可卖; nothing is
// sent before the confirmation ("买入 浦发银行 100股 @8.75？"), and each order carries its own
// Idempotency-Key, so a double click or a retried request cannot place it twice.
import { idempotencyKey, trader } from "./api.js";
import { $, confirmAction, debounce, el } from "./dom.js";
import * as fmt from "./format.js";
import { instrument } from "./instruments.js";

const CODE_RE = /^(?:(?:sh|sz|bj)\.?)?\d{6}(?:\.(?:sh|sz|bj|ss))?$/i;
const QUOTE_REFRESH_MS = 3000;
// Fees are not known here: keep a margin so 可买 does not promise more than the cash pays for.
const FEE_MARGIN = 1.003;
const SIDE_LABELS = { buy: "买入", sell: "卖出" };

const state = {
  side: "buy",
  code: null,
  info: null,
  quote: null,
  priceTouched: false,
  account: { available: 0, sellable: new Map() },
  onPlaced: () => {},
};

function say(text, ok) {
  const m = $("message");
  m.textContent = text;
  m.className = "message " + (ok ? "ok" : "error");
}

function decimals() {
  return state.info ? state.info.price_decimals : 2;
}

function isMarket() {
  return $("order-type").value !== "limit";
}

function numberOf(input) {
  const text = input.value.trim().replace(/,/g, "");
  if (!/^\d+(\.\d+)?$/.test(text)) return null;
  return Number(text);
}

// The largest amount <= n that the board's lot rule allows for a buy (0 if below the minimum).
function lotDownBuy(n, info, market) {
  const cap = market ? info.max_market : info.max_limit;
  n = Math.min(Math.floor(n), cap);
  if (n < info.buy_min) return 0;
  return info.buy_min + Math.floor((n - info.buy_min) / info.buy_step) * info.buy_step;
}

// A sell: whole lots, or all of the holding (an odd remainder must go in one order).
function lotDownSell(n, available, info, market) {
  const cap = market ? info.max_market : info.max_limit;
  if (n >= available) return Math.min(available, cap);
  n = Math.min(Math.floor(n), cap);
  if (info.buy_step > 1) return Math.floor(n / info.buy_step) * info.buy_step;
  return n >= info.odd_below ? n : 0;
}

function referencePrice() {
  const q = state.quote;
  if (isMarket()) return q ? q["涨停价"] || q["最新价"] : null; // a market buy reserves up to the limit-up
  const p = numberOf($("price"));
  return p || (q ? q["最新价"] || q["昨收"] : null);
}

function maxBuy() {
  const p = referencePrice();
  if (!state.info || !p) return 0;
  return lotDownBuy(state.account.available / (p * FEE_MARGIN), state.info, isMarket());
}

function maxSell() {
  return state.code ? state.account.sellable.get(state.code) || 0 : 0;
}

function showCapacity() {
  const buy = maxBuy();
  const sell = maxSell();
  $("capacity").textContent = state.info
    ? `可买 ${fmt.int(buy)} 股 · 可卖 ${fmt.int(sell)} 股 · 最小 ${fmt.int(state.info.buy_min)} 股`
    : "";
}

function setSide(side) {
  state.side = side;
  for (const s of ["buy", "sell"]) {
    const b = $(`side-${s}`);
    b.classList.toggle("active", s === side);
    b.setAttribute("aria-pressed", String(s === side));
  }
  const submit = $("submit");
  submit.textContent = (isMarket() ? "市价" : "") + SIDE_LABELS[side];
  submit.className = `submit ${side}`;
  showCapacity();
}

function setOrderTypes(info) {
  const select = $("order-type");
  const current = select.value;
  const options = [el("option", { value: "limit" }, "限价委托")];
  for (const t of info ? info.market_types : []) options.push(el("option", { value: t }, `市价：${t}`));
  select.replaceChildren(...options);
  select.value = [...select.options].some((o) => o.value === current) ? current : "limit";
  onOrderType();
}

function onOrderType() {
  const market = isMarket();
  $("price-row").hidden = market;
  $("protect-row").hidden = !(market && state.info && state.info.protect_price);
  setSide(state.side);
}

function levelRow(label, level, prevClose, cls) {
  const price = level ? level["价格"] : null;
  const button = price
    ? el("button", { type: "button", class: `link ${fmt.trend(price, prevClose)}`, dataset: { price } }, fmt.price(price, decimals()))
    : "–";
  return el("tr", { class: cls }, el("td", { class: "level" }, label), el("td", {}, button), el("td", {}, level ? fmt.int(level["数量"]) : ""));
}

function renderQuote() {
  const box = $("quote");
  const q = state.quote;
  if (!q) return;
  const d = decimals();
  const prev = q["昨收"];
  const last = q["最新价"];
  const change = last && prev ? (last - prev) / prev : null;
  const asks = q["卖盘"] || [];
  const bids = q["买盘"] || [];
  const book = el("table", { class: "book" }, el("tbody", {},
    [4, 3, 2, 1, 0].map((i) => levelRow(`卖${i + 1}`, asks[i], prev, i === 0 ? "ask-1" : "")),
    [0, 1, 2, 3, 4].map((i) => levelRow(`买${i + 1}`, bids[i], prev, "")),
  ));
  const meta = (label, value, cls) => el("span", {}, el("b", {}, label), el("em", { class: cls || "" }, value));
  box.replaceChildren(
    el("div", { class: "quote-head" },
      el("span", { class: "quote-name" }, q["证券名称"] || q["证券代码"]),
      el("span", { class: "sub" }, `${q["证券代码"]} ${q["交易市场"] || ""}`),
      el("span", { class: `quote-last ${fmt.trend(last, prev)}` }, fmt.price(last, d)),
      el("span", { class: fmt.trend(change) }, fmt.percent(change)),
    ),
    el("div", { class: "quote-meta" },
      meta("涨停", fmt.price(q["涨停价"], d), "up"),
      meta("跌停", fmt.price(q["跌停价"], d), "down"),
      meta("昨收", fmt.price(prev, d)),
      meta("今开", fmt.price(q["今开"], d), fmt.trend(q["今开"], prev)),
      meta("最高", fmt.price(q["最高"], d), fmt.trend(q["最高"], prev)),
      meta("最低", fmt.price(q["最低"], d), fmt.trend(q["最低"], prev)),
      meta("阶段", `${q["交易阶段"] || ""}${q["停牌"] ? " 停牌" : ""}${q["ST"] ? " ST" : ""}`),
      meta("可交易", q["可交易"] ? "是" : "否", q["可交易"] ? "" : "up"),
    ),
    book,
  );
}

async function loadQuote({ follow }) {
  const code = state.code;
  if (!code) return;
  const [q, info] = await Promise.all([
    trader("GET", `/quote?security=${encodeURIComponent(code)}`),
    instrument(code),
  ]);
  if (code !== state.code) return; // the user typed another code meanwhile
  if (q.code !== 200) {
    state.quote = null;
    $("quote").replaceChildren(el("p", { class: "empty error" }, q.message || "查询行情失败"));
    return;
  }
  const firstInfo = state.info === null || state.info["证券代码"] !== info?.["证券代码"];
  state.info = info;
  state.quote = q.data;
  if (firstInfo) setOrderTypes(info);
  if (follow && !state.priceTouched) {
    const live = q.data["最新价"] || q.data["昨收"];
    if (live) $("price").value = live.toFixed(decimals());
  }
  renderQuote();
  showCapacity();
}

function onCode() {
  const text = $("security").value.trim();
  if (!CODE_RE.test(text)) {
    state.code = null;
    state.info = null;
    state.quote = null;
    showCapacity();
    return;
  }
  const code = text.replace(/\D/g, "").slice(-6);
  if (code === state.code) return;
  state.code = code;
  state.priceTouched = false;
  loadQuote({ follow: true });
}

function onFraction(fraction) {
  if (!state.info) {
    say("请先输入证券代码", false);
    return;
  }
  const market = isMarket();
  const amount =
    state.side === "buy"
      ? lotDownBuy(maxBuy() * fraction, state.info, market)
      : lotDownSell(maxSell() * fraction, maxSell(), state.info, market);
  $("amount").value = amount ? String(amount) : "";
  if (!amount) say(state.side === "buy" ? "可用资金不足一手" : "没有可卖的股份", false);
}

function orderRequest() {
  if (!state.code) return { error: "请输入6位证券代码" };
  const amount = numberOf($("amount"));
  if (!amount || !Number.isInteger(amount)) return { error: "请输入委托数量（正整数股数）" };
  const name = state.quote ? state.quote["证券名称"] : state.code;
  const label = SIDE_LABELS[state.side];
  if (!isMarket()) {
    const price = numberOf($("price"));
    if (!price) return { error: "请输入委托价格" };
    return {
      path: `/${state.side}`,
      body: { security: state.code, price, amount },
      question: `${label} ${name} ${amount}股 @${fmt.price(price, decimals())}？`,
      detail: `${state.code} · 限价委托 · 金额约 ${fmt.money(price * amount)} 元`,
    };
  }
  const ttype = $("order-type").value;
  const body = { security: state.code, amount, ttype };
  if (state.info && state.info.protect_price) {
    const protect = numberOf($("protect-price"));
    if (protect) body.limit_price = protect;
  }
  return {
    path: `/market-${state.side}`,
    body,
    question: `市价${label} ${name} ${amount}股？`,
    detail: `${state.code} · ${ttype}${body.limit_price ? ` · 保护限价 ${body.limit_price}` : ""}`,
  };
}

async function onSubmit(event) {
  event.preventDefault();
  const order = orderRequest();
  if (order.error) {
    say(order.error, false);
    return;
  }
  if (!(await confirmAction(order.question, order.detail, state.side))) {
    say("已取消，未发送委托", false);
    return;
  }
  const submit = $("submit");
  submit.disabled = true;
  try {
    const r = await trader("POST", order.path, order.body, { "Idempotency-Key": idempotencyKey() });
    if (r.code === 200) say(`已提交，合同编号 ${r.data["合同编号"] || r.data["委托编号"] || "—"}`, true);
    else say(r.message || `委托失败（HTTP ${r.status}）`, false);
  } finally {
    submit.disabled = false;
    state.onPlaced();
  }
}

// The account figures the ticket sizes with; called by the dashboard after each balance refresh.
export function setAccount(available, positions) {
  state.account.available = available || 0;
  state.account.sellable = new Map(positions.map((p) => [p["证券代码"], p["可用数量"] || 0]));
  showCapacity();
}

export function setTicketCode(code, side) {
  $("security").value = code;
  if (side) setSide(side);
  onCode();
}

export function initTicket({ onPlaced }) {
  state.onPlaced = onPlaced;
  $("security").addEventListener("input", debounce(onCode, 250));
  $("security").addEventListener("change", onCode);
  $("price").addEventListener("input", () => {
    state.priceTouched = true;
    showCapacity();
  });
  $("order-type").addEventListener("change", onOrderType);
  $("side-buy").addEventListener("click", () => setSide("buy"));
  $("side-sell").addEventListener("click", () => setSide("sell"));
  for (const b of document.querySelectorAll("[data-fraction]")) {
    b.addEventListener("click", () => onFraction(Number(b.dataset.fraction)));
  }
  $("quote").addEventListener("click", (event) => {
    const price = event.target.dataset && event.target.dataset.price;
    if (!price) return;
    $("price").value = Number(price).toFixed(decimals());
    state.priceTouched = true;
    showCapacity();
  });
  $("ticket").addEventListener("submit", onSubmit);
  setInterval(() => state.code && document.visibilityState === "visible" && loadQuote({ follow: false }), QUOTE_REFRESH_MS);
}
