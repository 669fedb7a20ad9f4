// Small DOM helpers: elements are built with textContent (never innerHTML), so a name or message from a
// broker client can never become markup.

export const $ = (id) => document.getElementById(id);

export function el(tag, attrs = {}, ...children) {
  const node = document.createElement(tag);
  for (const [key, value] of Object.entries(attrs)) {
    if (value === undefined || value === null || value === false) continue;
    if (key === "class") node.className = value;
    else if (key === "dataset") Object.assign(node.dataset, value);
    else if (key === "text") node.textContent = value;
    else node.setAttribute(key, value === true ? "" : String(value));
  }
  for (const child of children.flat()) {
    if (child === null || child === undefined || child === false) continue;
    node.append(child instanceof Node ? child : document.createTextNode(String(child)));
  }
  return node;
}

// A table from column specs: {label, value(row) -> text|Node, cls(row) -> class, text: left-aligned}.
export function renderTable(table, columns, rows, { empty = "无", rowAttrs } = {}) {
  const head = el("thead", {}, el("tr", {}, columns.map((c) => el("th", { class: c.text ? "text" : "" }, c.label))));
  const body = el("tbody");
  if (!rows.length) {
    body.append(el("tr", {}, el("td", { class: "text empty", colspan: columns.length }, empty)));
  }
  for (const row of rows) {
    const tr = el("tr", rowAttrs ? rowAttrs(row) : {});
    for (const c of columns) {
      const classes = [c.text ? "text" : "", c.cls ? c.cls(row) : ""].filter(Boolean).join(" ");
      tr.append(el("td", { class: classes }, c.value(row)));
    }
    body.append(tr);
  }
  table.replaceChildren(head, body);
}

// The kv list (<dl>) from [label, value, class] triples.
export function renderPairs(dl, pairs) {
  dl.replaceChildren(
    ...pairs.flatMap(([label, value, cls]) => [el("dt", {}, label), el("dd", { class: cls || "" }, value)]),
  );
}

// The confirmation step: resolves true only when the user presses 确认.
export function confirmAction(text, detail = "", okClass = "buy") {
  const dialog = $("confirm");
  $("confirm-text").textContent = text;
  $("confirm-detail").textContent = detail;
  $("confirm-ok").className = okClass;
  dialog.returnValue = "";
  dialog.showModal();
  $("confirm-cancel").focus();
  return new Promise((resolve) => {
    dialog.addEventListener("close", () => resolve(dialog.returnValue === "ok"), { once: true });
  });
}

export function debounce(fn, ms) {
  let timer = null;
  return (...args) => {
    clearTimeout(timer);
    timer = setTimeout(() => fn(...args), ms);
  };
}
