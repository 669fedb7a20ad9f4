// The API token, as the dashboard and the docs pages share it: from `?token=` (then dropped from the
// address bar), else sessionStorage; asked for once with the page's own form when the API says 401.
// Sent as `Authorization: Bearer`; never written to the URL, a cookie or localStorage.

const KEY = "ashare-gateway.token";
let asking = null; // one pending question, however many requests hit 401 at the same time

export function takeTokenFromUrl() {
  const url = new URL(window.location.href);
  const given = url.searchParams.get("token");
  if (given === null) return;
  if (given.trim()) sessionStorage.setItem(KEY, given.trim());
  url.searchParams.delete("token");
  history.replaceState(history.state, "", url.pathname + url.search + url.hash);
}

export function token() {
  return sessionStorage.getItem(KEY);
}

export function authHeaders(extra = {}) {
  const t = token();
  return t ? { ...extra, Authorization: `Bearer ${t}` } : { ...extra };
}

// Show the form (#token-form, #token-input, #token-error) and resolve once the user submits a token.
export function askToken(reason) {
  if (asking) return asking;
  const form = document.getElementById("token-form");
  const input = document.getElementById("token-input");
  const error = document.getElementById("token-error");
  error.textContent = reason || "";
  form.hidden = false;
  if (typeof form.showModal === "function" && !form.open) form.showModal();
  input.focus();
  asking = new Promise((resolve) => {
    form.addEventListener(
      "submit",
      (event) => {
        event.preventDefault();
        sessionStorage.setItem(KEY, input.value.trim());
        input.value = "";
        form.hidden = true;
        if (typeof form.close === "function" && form.open) form.close();
        asking = null;
        resolve();
      },
      { once: true },
    );
  });
  return asking;
}

// A 401 from the perimeter (token missing or wrong), not from /api/trader's session check (also 401):
// the perimeter says "Bearer" in WWW-Authenticate or names the 令牌 in its message.
async function isTokenRefusal(res) {
  if (res.status !== 401) return false;
  if (/bearer/i.test(res.headers.get("WWW-Authenticate") || "")) return true;
  return (await res.clone().text()).includes("令牌");
}

// fetch() with the token; on the perimeter's 401, ask (once for all callers) and retry.
export async function authFetch(url, options = {}) {
  for (;;) {
    const res = await fetch(url, { ...options, headers: authHeaders(options.headers || {}) });
    if (!(await isTokenRefusal(res))) return res;
    await askToken(token() ? "令牌错误，请重新输入" : "");
  }
}
