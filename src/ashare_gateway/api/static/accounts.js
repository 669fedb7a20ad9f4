// The account switcher: with several gateway accounts (config.ini [Account:NAME]) every call names one
// (the X-Account header). The choice is kept in the address (?account=NAME) so a reload or a bookmark
// stays on the same account; with one account nothing is sent and the switcher stays hidden.
const KEY = "account";
let current = new URLSearchParams(location.search).get(KEY) || "";

export const currentAccount = () => current;

export function accountHeaders() {
  return current ? { "X-Account": current } : {};
}

// Fill the switcher from /health's accounts; pick the first when several exist and none is chosen yet.
// Returns true when the account changed (the caller reloads the panels).
export function showAccounts(select, accounts, onChange) {
  const names = (accounts || []).map((a) => a.name);
  select.hidden = names.length < 2;
  if (names.length < 2) return false;
  const before = current;
  if (!names.includes(current)) choose(names[0]);
  if (select.options.length !== names.length || [...select.options].some((o, i) => o.value !== names[i])) {
    select.replaceChildren(
      ...accounts.map((a) => {
        const option = document.createElement("option");
        option.value = a.name;
        option.textContent = `${a.name}（${a.broker}${a.auto_login ? "" : "，未登录"}）`;
        return option;
      }),
    );
    select.onchange = () => {
      choose(select.value);
      onChange();
    };
  }
  select.value = current;
  return before !== current;
}

function choose(name) {
  current = name;
  const url = new URL(location.href);
  url.searchParams.set(KEY, name);
  history.replaceState(null, "", url);
}
