// Chinese number formatting: thousands separators, two decimals for money, the tick's decimals for
// prices (3 for funds and convertible bonds), and the Chinese colour convention (red up, green down).

const moneyFmt = new Intl.NumberFormat("zh-CN", { minimumFractionDigits: 2, maximumFractionDigits: 2 });
const intFmt = new Intl.NumberFormat("zh-CN", { maximumFractionDigits: 0 });
const priceFmts = new Map();

function isNumber(x) {
  return typeof x === "number" && Number.isFinite(x);
}

export function money(x) {
  return isNumber(x) ? moneyFmt.format(x) : "–";
}

export function price(x, decimals = 2) {
  if (!isNumber(x)) return "–";
  if (!priceFmts.has(decimals)) {
    priceFmts.set(
      decimals,
      new Intl.NumberFormat("zh-CN", { minimumFractionDigits: decimals, maximumFractionDigits: decimals }),
    );
  }
  return priceFmts.get(decimals).format(x);
}

export function int(x) {
  return isNumber(x) ? intFmt.format(x) : "–";
}

export function signedMoney(x) {
  return isNumber(x) ? (x > 0 ? "+" : "") + moneyFmt.format(x) : "–";
}

export function percent(x) {
  return isNumber(x) ? (x > 0 ? "+" : "") + moneyFmt.format(x * 100) + "%" : "–";
}

// "up" (red), "down" (green) or "" for a change; compared with a reference when one is given.
export function trend(x, reference = 0) {
  if (!isNumber(x) || !isNumber(reference)) return "";
  if (x > reference) return "up";
  if (x < reference) return "down";
  return "";
}

// Price decimals from a code alone, for rows seen before the instrument rules arrive: funds (50x/51/56/58/
// 15/16, 501/502/506) and convertible bonds (11x, 12x) tick at 0.001.
export function guessDecimals(code) {
  return /^(5[01568]|1[1-6])/.test(String(code || "")) ? 3 : 2;
}
