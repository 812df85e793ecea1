// The batch editor: live totals of the allocation grid (exact decimal arithmetic on scaled BigInt, never
// float), paste of a block copied from Excel, keyboard navigation, and small form helpers. No inline script:
// everything is attached here by id and data- attributes.
"use strict";

(function () {
  const SCALE_DIGITS = 6;
  const SCALE = 10n ** BigInt(SCALE_DIGITS);
  const AMOUNT = /^[-+]?(\d{1,3}(,\d{3})+|\d+)(\.\d+)?$/;
  const FULLWIDTH = { "０": "0", "１": "1", "２": "2", "３": "3", "４": "4", "５": "5", "６": "6", "７": "7",
    "８": "8", "９": "9", "．": ".", "，": ",", "－": "-", "＋": "+" };
  const form = document.getElementById("editor-form");
  if (!form) return;
  let dirty = false;

  // An amount as BigInt millionths; null for blank, undefined for text that is not an amount.
  function parseAmount(text) {
    const t = (text || "").replace(/[０-９．，－＋]/g, (c) => FULLWIDTH[c]).replace(/\s/g, "");
    if (!t) return null;
    if (!AMOUNT.test(t)) return undefined;
    const negative = t.startsWith("-");
    const [whole, frac = ""] = t.replace(/^[-+]/, "").replace(/,/g, "").split(".");
    if (frac.length > SCALE_DIGITS) return undefined;
    const value = BigInt(whole) * SCALE + BigInt((frac + "0".repeat(SCALE_DIGITS)).slice(0, SCALE_DIGITS));
    return negative ? -value : value;
  }

  // BigInt millionths as text: thousands separators, no trailing zeros (13,950 / 1,878.5 / -52).
  function formatAmount(value) {
    const negative = value < 0n;
    const abs = negative ? -value : value;
    const whole = (abs / SCALE).toString().replace(/\B(?=(\d{3})+(?!\d))/g, ",");
    const frac = (abs % SCALE).toString().padStart(SCALE_DIGITS, "0").replace(/0+$/, "");
    return (negative ? "-" : "") + whole + (frac ? "." + frac : "");
  }

  const grid = document.getElementById("grid");

  function rowFigures(tr) {
    // Per column key (project/key, d:project, due, advance, this) the row's figure.
    const out = {};
    const due = {};
    let advance = 0n;
    let bad = false;
    tr.querySelectorAll("input[data-col]").forEach((input) => {
      const value = parseAmount(input.value);
      input.classList.toggle("invalid", value === undefined);
      if (value === undefined) { bad = true; return; }
      const v = value || 0n;
      out[input.dataset.col] = v;
      const project = input.dataset.project;
      const role = input.dataset.role;
      if (role === "due" || role === "part" || role === "perf_part") due[project] = (due[project] || 0n) + v;
      if (role === "part" || role === "perf_part") out["d:" + project] = (out["d:" + project] || 0n) + v;
      if (role === "advance" || role === "unit_advance") advance += v;
    });
    let total = 0n;
    Object.values(due).forEach((v) => { total += v; });
    out.due = total;
    out.advance = advance;
    out.this = total - advance;
    return { figures: out, bad };
  }

  function columnKeys() {
    // The key of each cell of a body row after the unit cell, in order (inputs and derived cells).
    const first = grid.querySelector("tbody tr");
    if (!first) return [];
    return Array.from(first.children).slice(1).map((td) => {
      const input = td.querySelector("input[data-col]");
      return { key: input ? input.dataset.col : td.dataset.sumRow, hidden: td.classList.contains("unused") };
    });
  }

  function buildFooter() {
    const keys = columnKeys();
    grid.querySelectorAll("tfoot tr").forEach((tr) => {
      keys.forEach((k) => {
        const td = document.createElement("td");
        td.className = "num derived" + (k.hidden ? " unused" : "");
        td.dataset.sum = k.key;
        tr.appendChild(td);
      });
    });
  }

  function recompute() {
    const sums = { "": {} };
    grid.querySelectorAll("tbody tr").forEach((tr) => {
      const { figures } = rowFigures(tr);
      tr.querySelectorAll("[data-sum-row]").forEach((td) => {
        const v = figures[td.dataset.sumRow] || 0n;
        td.textContent = v === 0n ? "" : formatAmount(v);
      });
      const scopes = ["", tr.dataset.group];
      scopes.forEach((scope) => {
        if (scope === undefined) return;
        const bucket = (sums[scope] = sums[scope] || {});
        Object.entries(figures).forEach(([key, v]) => { bucket[key] = (bucket[key] || 0n) + v; });
      });
    });
    grid.querySelectorAll("tfoot tr").forEach((tr) => {
      const bucket = sums[tr.dataset.scope] || {};
      tr.querySelectorAll("[data-sum]").forEach((td) => {
        const v = bucket[td.dataset.sum];
        td.textContent = v === undefined || v === 0n ? "" : formatAmount(v);
      });
    });
  }

  function fixColspans() {
    grid.querySelectorAll("thead th.proj").forEach((th) => {
      const visible = Array.from(grid.querySelectorAll(`thead tr:nth-child(2) th[data-project="${th.dataset.project}"]`))
        .filter((cell) => cell.offsetParent !== null || getComputedStyle(cell).display !== "none").length;
      th.colSpan = Math.max(1, visible);
    });
  }

  function inputs() {
    return Array.from(grid.querySelectorAll("tbody input")).filter((i) => i.offsetParent !== null);
  }

  function move(input, dRow, dCol) {
    const tr = input.closest("tr");
    const rowInputs = Array.from(tr.querySelectorAll("input")).filter((i) => i.offsetParent !== null);
    const col = rowInputs.indexOf(input);
    const rows = Array.from(grid.querySelectorAll("tbody tr"));
    const r = rows.indexOf(tr) + dRow;
    if (r < 0 || r >= rows.length) return;
    const target = Array.from(rows[r].querySelectorAll("input")).filter((i) => i.offsetParent !== null)[col + dCol];
    if (target) { target.focus(); target.select(); }
  }

  function onKey(event) {
    const input = event.target;
    if (!(input instanceof HTMLInputElement) || !grid.contains(input)) return;
    const atStart = input.selectionStart === 0 && input.selectionEnd === 0;
    const atEnd = input.selectionStart === input.value.length;
    if (event.key === "ArrowDown" || (event.key === "Enter" && !event.shiftKey)) { move(input, 1, 0); event.preventDefault(); }
    else if (event.key === "ArrowUp" || (event.key === "Enter" && event.shiftKey)) { move(input, -1, 0); event.preventDefault(); }
    else if (event.key === "ArrowLeft" && atStart) { move(input, 0, -1); event.preventDefault(); }
    else if (event.key === "ArrowRight" && atEnd) { move(input, 0, 1); event.preventDefault(); }
  }

  function onPaste(event) {
    const input = event.target;
    if (!(input instanceof HTMLInputElement) || !grid.contains(input)) return;
    const text = (event.clipboardData || window.clipboardData).getData("text");
    if (!/[\t\n]/.test(text.replace(/\r?\n$/, ""))) return; // one value: the browser pastes it
    event.preventDefault();
    const lines = text.replace(/\r/g, "").replace(/\n$/, "").split("\n").map((l) => l.split("\t"));
    const rows = Array.from(grid.querySelectorAll("tbody tr"));
    const startRow = rows.indexOf(input.closest("tr"));
    const startCol = Array.from(input.closest("tr").querySelectorAll("input")).filter((i) => i.offsetParent !== null).indexOf(input);
    lines.forEach((cells, i) => {
      const tr = rows[startRow + i];
      if (!tr) return;
      const rowInputs = Array.from(tr.querySelectorAll("input")).filter((x) => x.offsetParent !== null);
      cells.forEach((value, j) => {
        const target = rowInputs[startCol + j];
        if (target) { target.value = value.trim(); target.classList.add("changed"); }
      });
    });
    dirty = true;
    recompute();
  }

  if (grid) {
    buildFooter();
    recompute();
    fixColspans();
    grid.addEventListener("input", (event) => { event.target.classList.add("changed"); recompute(); });
    grid.addEventListener("keydown", onKey);
    grid.addEventListener("paste", onPaste);
    const showAll = document.getElementById("show-all");
    if (showAll) showAll.addEventListener("change", () => {
      document.body.classList.toggle("show-all", showAll.checked);
      fixColspans();
    });
  }

  // Enter in a one-line field does not submit (a grid moves down instead; elsewhere the clerk clicks 保存).
  form.addEventListener("keydown", (event) => {
    if (event.key === "Enter" && event.target instanceof HTMLInputElement) event.preventDefault();
  });
  form.addEventListener("input", () => { dirty = true; });
  form.addEventListener("submit", () => { dirty = false; });
  window.addEventListener("beforeunload", (event) => {
    if (dirty) { event.preventDefault(); event.returnValue = ""; }
  });

  // Buttons that fill an input before submitting (a row's "add a table for this unit").
  form.addEventListener("click", (event) => {
    const button = event.target.closest("[data-set]");
    if (button) {
      const [name, value] = button.dataset.set.split(/=(.*)/s);
      form.querySelectorAll(`[name="${name}"]`).forEach((el) => { el.value = value; });
    }
    const all = event.target.closest("[data-rc-all]");
    if (all) {
      form.querySelectorAll("select[data-rc]").forEach((select) => {
        if (Array.from(select.options).some((o) => o.value === all.dataset.rcAll)) select.value = all.dataset.rcAll;
      });
      dirty = true;
    }
    const go = event.target.closest("[data-goto]");
    if (go) {
      const target = document.getElementById(go.dataset.goto);
      if (target) {
        event.preventDefault();
        const details = target.closest("details");
        if (details) details.open = true;
        target.scrollIntoView({ block: "center" });
        const field = target.matches("input, select, textarea") ? target : target.querySelector("input, select, textarea");
        if (field) field.focus();
      }
    }
  });
})();
