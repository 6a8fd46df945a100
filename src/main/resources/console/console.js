// Polls /console/data once a second and redraws. Everything is built with DOM calls and textContent, never
// innerHTML, so nothing from the server (model ids, error messages) can become markup.
"use strict";

const POLL_MS = 1000;
const SVG = "http://www.w3.org/2000/svg";

function tile(metric) {
  return document.querySelector('.tile[data-metric="' + metric + '"]');
}

function fmt(n, digits) {
  if (n === null || n === undefined || Number.isNaN(n)) return "–";
  return n.toLocaleString("en-US", { maximumFractionDigits: digits, minimumFractionDigits: 0 });
}

function ms(n) {
  if (n === null || n === undefined) return "–";
  return n >= 1000 ? fmt(n / 1000, 2) + " s" : fmt(n, n < 10 ? 1 : 0) + " ms";
}

// Draws one polyline per series into the tile's SVG, all on one scale so p50/p95/p99 compare at a glance.
function spark(metric, seriesList) {
  const svg = tile(metric).querySelector("svg");
  const values = seriesList.flatMap(s => s.values).filter(v => v !== null && v !== undefined);
  const max = Math.max(1e-9, ...values);
  const width = 120, height = 32;
  svg.replaceChildren();
  for (const s of seriesList) {
    const n = s.values.length;
    const points = [];
    s.values.forEach((v, i) => {
      if (v === null || v === undefined) return;
      const x = n <= 1 ? width : (i / (n - 1)) * width;
      const y = height - 1 - (v / max) * (height - 2);
      points.push(x.toFixed(1) + "," + y.toFixed(1));
    });
    const line = document.createElementNS(SVG, "polyline");
    line.setAttribute("points", points.join(" "));
    if (s.cls) line.setAttribute("class", s.cls);
    svg.appendChild(line);
  }
  svg.dataset.points = String(values.length);
}

function setValue(metric, text, detail) {
  const t = tile(metric);
  t.querySelector(".value").textContent = text;
  const d = t.querySelector(".detail");
  if (d) d.textContent = detail || "";
}

// Three values side by side, coloured like their lines, instead of one long string that would not fit a phone.
function quantileTile(metric, history, key) {
  const last = history.length ? history[history.length - 1][key] : null;
  const value = tile(metric).querySelector(".value");
  value.replaceChildren(...["p50", "p95", "p99"].map(q => {
    const span = document.createElement("span");
    span.className = "q " + q;
    span.title = q;
    span.textContent = last ? ms(last[q]) : "–";
    return span;
  }));
  spark(metric, ["p50", "p95", "p99"].map(q => ({ cls: q, values: history.map(p => p[key][q]) })));
}

function simpleTile(metric, history, key, digits) {
  const last = history.length ? history[history.length - 1][key] : null;
  setValue(metric, fmt(last, digits));
  spark(metric, [{ values: history.map(p => p[key]) }]);
}

function cell(row, text, cls) {
  const td = document.createElement("td");
  td.textContent = text;
  if (cls) td.className = cls;
  row.appendChild(td);
}

function fillTable(id, items, columns, emptyText) {
  const body = document.querySelector("#" + id + " tbody");
  const rows = items.map(item => {
    const tr = document.createElement("tr");
    columns(item).forEach(([text, cls]) => cell(tr, text, cls));
    return tr;
  });
  if (!rows.length) {
    const tr = document.createElement("tr");
    const td = document.createElement("td");
    td.colSpan = document.querySelectorAll("#" + id + " thead th").length;
    td.className = "empty";
    td.textContent = emptyText;
    tr.appendChild(td);
    rows.push(tr);
  }
  body.replaceChildren(...rows);
}

function render(view) {
  const h = view.history;
  const last = h.length ? h[h.length - 1] : null;
  simpleTile("requests", h, "requests_per_second", 1);
  simpleTile("errors", h, "errors_per_second", 2);
  const byStatus = last ? Object.entries(last.errors_per_second_by_status) : [];
  tile("errors").querySelector(".detail").textContent =
    byStatus.map(([status, rate]) => status + ": " + fmt(rate, 2) + "/s").join("  ");
  quantileTile("latency", h, "latency");
  quantileTile("ttft", h, "ttft");
  quantileTile("itl", h, "inter_token");
  simpleTile("tokens", h, "output_tokens_per_second", 0);
  simpleTile("inflight", h, "in_flight", 0);
  simpleTile("connections", h, "connections", 0);

  const s = view.state;
  const ready = document.getElementById("ready");
  ready.textContent = s.ready === null || s.ready === undefined ? "unknown" : s.ready ? "ready" : "not ready";
  ready.className = "badge " + (s.ready ? "ok" : s.ready === false ? "bad" : "unknown");
  document.getElementById("totals").textContent = fmt(s.requests, 0) + " requests, " + fmt(s.errors, 0)
    + " errors, " + fmt(s.output_tokens, 0) + " output tokens since start";

  fillTable("providers", s.providers, p => [[p.id], p.healthy ? ["healthy", "ok"] : ["unhealthy", "bad"]],
    "no providers");
  fillTable("models", s.models, m => [[m.id], [m.provider], m.ready ? ["ready", "ok"] : ["not ready", "bad"],
    [m.load_seconds === null || m.load_seconds === undefined ? "–" : ms(m.load_seconds * 1000)]], "no models");
  fillTable("keys", s.top_keys || [], k => [[k.key], [Math.round(k.tokens).toLocaleString()], [k.spend.toFixed(4)]],
    "no inference yet");
  fillTable("errors", view.recent_errors, e => [[new Date(e.time).toLocaleTimeString()], [e.source], [e.subject],
    [String(e.status)], [e.code || ""], [e.message || ""]], "no errors");
}

async function poll() {
  const status = document.getElementById("status");
  try {
    const res = await fetch("/console/data", { cache: "no-store" });
    if (!res.ok) throw new Error("HTTP " + res.status);
    render(await res.json());
    status.textContent = "updated " + new Date().toLocaleTimeString();
  } catch (e) {
    status.textContent = "cannot reach the server (" + e.message + "), retrying";
  } finally {
    setTimeout(poll, POLL_MS);
  }
}

poll();
