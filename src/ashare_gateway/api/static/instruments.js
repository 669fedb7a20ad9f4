// Instrument rules (tick, lot, market-order types) from /api/dashboard/instruments, cached per code:
// they depend on the code alone, so each is asked for once per page.
import { call } from "./api.js";

const cache = new Map();
const BATCH = 50;

export async function instruments(codes) {
  const missing = [...new Set(codes)].filter((c) => /^\d{6}$/.test(c) && !cache.has(c));
  for (let i = 0; i < missing.length; i += BATCH) {
    const chunk = missing.slice(i, i + BATCH);
    const r = await call("GET", `/api/dashboard/instruments?codes=${chunk.join(",")}`);
    if (r.code === 200) for (const info of r.data) cache.set(info["证券代码"], info);
    else for (const c of chunk) cache.set(c, null); // not a tradable code: do not ask again
  }
  return codes.map((c) => cache.get(c) || null);
}

export async function instrument(code) {
  return (await instruments([code]))[0];
}

// Price decimals for a code already looked up (2 until then).
export function decimalsOf(code) {
  const info = cache.get(code);
  return info ? info.price_decimals : null;
}
