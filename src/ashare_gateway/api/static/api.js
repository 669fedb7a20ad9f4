// The gateway's JSON API, as the page calls it: the envelope {code, message, data} with the token sent.
import { accountHeaders } from "./accounts.js";
import { authFetch } from "./auth.js";

export const TRADER = "/api/trader";

// A random key per order, so a retried request can never place a second order (crypto.randomUUID needs
// a secure context; the LAN address of the box is plain http, so build one from getRandomValues).
export function idempotencyKey() {
  const bytes = crypto.getRandomValues(new Uint8Array(16));
  return "web-" + Array.from(bytes, (b) => b.toString(16).padStart(2, "0")).join("");
}

export async function call(method, path, body, headers = {}) {
  const options = { method, headers: { Accept: "application/json", ...accountHeaders(), ...headers } };
  // State-changing routes take JSON only (the perimeter refuses anything else), so a POST always has a body.
  if (body === undefined && method !== "GET") body = {};
  if (body !== undefined) {
    options.headers["Content-Type"] = "application/json";
    options.body = JSON.stringify(body);
  }
  let res;
  try {
    res = await authFetch(path, options);
  } catch (err) {
    return { status: 0, code: 0, message: `无法连接网关：${err.message || err}`, data: null };
  }
  let payload = null;
  try {
    payload = await res.json();
  } catch {
    payload = null;
  }
  if (payload && typeof payload === "object" && "code" in payload) return { status: res.status, ...payload };
  return { status: res.status, code: res.status, message: res.ok ? "" : `HTTP ${res.status}`, data: payload };
}

export const trader = (method, path, body, headers) => call(method, TRADER + path, body, headers);
