// The workspace's stylesheet and script, served at /static/app.css and /static/app.js (no
// other assets, nothing from elsewhere). The script builds the page's interactive parts with
// DOM calls only (`textContent`, `setAttribute`), never with markup, so text from the database
// stays text.
// swift-format-ignore-file

enum StaticFiles {
    static let css = #"""
nav.workspace { display: flex; gap: 16px; align-items: center; padding: 8px 0 16px; border-bottom: 1px solid #cbd2d9; margin-bottom: 16px; }
nav.workspace form { display: flex; gap: 4px; flex: 1; }
nav.workspace input[type=search] { flex: 1; max-width: 480px; padding: 4px 8px; }
.csv-download { float: right; font-size: 12px; margin: 2px 0; }
#flow-graph { border: 1px solid #cbd2d9; border-radius: 4px; min-height: 320px; overflow: auto; background: #fafbfc; }
#flow-graph svg text { font: 11px ui-monospace, monospace; pointer-events: none; }
#flow-graph .gnode rect { fill: #fff; stroke: #52606d; cursor: pointer; }
#flow-graph .gnode.selected rect { stroke: #d64545; stroke-width: 2.5; }
#flow-graph .gnode.pinned rect { stroke-dasharray: 4 2; }
#flow-graph .gedge { stroke: #9aa5b1; fill: none; }
#flow-graph .gedge-label { fill: #52606d; }
.graph-tools { margin: 8px 0; display: flex; flex-wrap: wrap; gap: 6px; align-items: center; }
.hint { color: #616e7c; font-size: 13px; }
form.review { display: flex; gap: 4px; }
.trace-form label { margin-right: 10px; }
#case-notes li, #case-log li { margin: 2px 0; }
"""#

    static let js = #"""
"use strict";
(function () {
  const tokenMeta = document.querySelector('meta[name="chainflow-token"]');
  const token = tokenMeta ? tokenMeta.getAttribute("content") : null;

  function headers(extra) {
    const h = Object.assign({ "X-Chainflow-Request": "1" }, extra || {});
    if (token) h["Authorization"] = "Bearer " + token;
    return h;
  }
  async function api(path, options) {
    const o = Object.assign({}, options || {});
    o.headers = headers(o.headers);
    const r = await fetch(path, o);
    const body = await r.json();
    if (!r.ok) throw new Error(body && body.error ? body.error.message : ("HTTP " + r.status));
    return body;
  }
  function post(path, fields) {
    return api(path, {
      method: "POST",
      headers: { "Content-Type": "application/x-www-form-urlencoded" },
      body: new URLSearchParams(fields).toString(),
    });
  }
  function el(name, attrs, text) {
    const e = document.createElement(name);
    for (const k in attrs || {}) e.setAttribute(k, attrs[k]);
    if (text !== undefined) e.textContent = text;
    return e;
  }
  function svg(name, attrs, text) {
    const e = document.createElementNS("http://www.w3.org/2000/svg", name);
    for (const k in attrs || {}) e.setAttribute(k, attrs[k]);
    if (text !== undefined) e.textContent = text;
    return e;
  }
  function say(text) {
    const p = document.getElementById("graph-selected") || document.getElementById("case-status");
    if (p) p.textContent = text;
  }
  window.chainflowLog = function (kind, detail) {
    return post("/api/v1/case/log", { kind: kind, detail: detail }).catch(function () {});
  };

  // Addresses and transaction ids in code spans and in pre.linkify become links to their pages.
  const patterns = [
    [/^(0x[0-9a-fA-F]{64}|[0-9a-fA-F]{64})$/, "/tx/"],
    [/^(0x[0-9a-fA-F]{40}|[13][1-9A-HJ-NP-Za-km-z]{25,34}|(bc|tb)1[02-9ac-hj-np-z]{8,87})$/, "/address/"],
  ];
  function targetOf(text) {
    for (const [re, prefix] of patterns) if (re.test(text)) return prefix + encodeURIComponent(text);
    return null;
  }
  function linkify() {
    document.querySelectorAll("main code").forEach(function (code) {
      if (code.closest("a") || code.closest("#flow-graph")) return;
      const full = code.getAttribute("title") || code.textContent.trim();
      const href = targetOf(full);
      if (!href) return;
      const a = el("a", { href: href });
      code.parentNode.replaceChild(a, code);
      a.appendChild(code);
    });
    document.querySelectorAll("pre.linkify").forEach(function (pre) {
      const text = pre.textContent;
      pre.textContent = "";
      text.split(/(\s+)/).forEach(function (part) {
        const bare = part.replace(/[,;:()]+$/, "");
        const href = bare ? targetOf(bare) : null;
        if (href) {
          pre.appendChild(el("a", { href: href }, bare));
          if (bare.length < part.length) pre.appendChild(document.createTextNode(part.slice(bare.length)));
        } else {
          pre.appendChild(document.createTextNode(part));
        }
      });
    });
  }

  // A CSV button on every table: the table's cells as CSV (formulas defused), downloaded.
  function csvCell(s) {
    if (/^[=+@\t\r]/.test(s) || /^-[^0-9]/.test(s)) s = "'" + s;
    return /[",\n\r]/.test(s) ? '"' + s.replace(/"/g, '""') + '"' : s;
  }
  function tableCSV(table) {
    const lines = [];
    table.querySelectorAll("tr").forEach(function (tr) {
      const cells = [];
      tr.querySelectorAll("th, td").forEach(function (c) {
        if (c.querySelector("form")) return;
        const code = c.querySelector("code[title]");
        cells.push(csvCell(code ? code.getAttribute("title") : c.textContent.trim()));
      });
      if (cells.length) lines.push(cells.join(","));
    });
    return lines.join("\r\n") + "\r\n";
  }
  function addCSVButtons() {
    document.querySelectorAll("main table").forEach(function (table, i) {
      if (table.classList.contains("parameters")) return;
      const b = el("button", { type: "button", class: "csv-download" }, "CSV");
      b.addEventListener("click", function () {
        const blob = new Blob([tableCSV(table)], { type: "text/csv" });
        const a = el("a", { href: URL.createObjectURL(blob), download: (document.title || "table").replace(/[^A-Za-z0-9._-]+/g, "-") + "-" + (i + 1) + ".csv" });
        document.body.appendChild(a);
        a.click();
        a.remove();
      });
      table.parentNode.insertBefore(b, table);
    });
  }

  // The flow graph: a root address; each expansion adds a column of inputs (left) or outputs
  // (right) from /api/v1/neighbors, edges labelled with the amount in units of the asset.
  function flowGraph(box) {
    const nodes = new Map();
    const edges = [];
    let selected = null;
    const filter = { asset: "", min: "" };
    function add(address, column, parent) {
      if (!nodes.has(address)) nodes.set(address, { address: address, column: column, parent: parent, pinned: false, colour: "" });
      return nodes.get(address);
    }
    add(box.getAttribute("data-root"), 0, null);
    selected = box.getAttribute("data-root");
    function visible(e) {
      if (filter.asset && e.asset.toLowerCase() !== filter.asset.toLowerCase()) return false;
      if (filter.min && e.units !== null && Number(e.units) < Number(filter.min)) return false;
      return true;
    }
    function draw() {
      while (box.firstChild) box.removeChild(box.firstChild);
      const columns = new Map();
      for (const n of nodes.values()) {
        if (!columns.has(n.column)) columns.set(n.column, []);
        columns.get(n.column).push(n);
      }
      const keys = Array.from(columns.keys()).sort(function (a, b) { return a - b; });
      const min = keys[0];
      const w = 300, h = 34;
      let height = 0;
      for (const k of keys) {
        columns.get(k).forEach(function (n, i) { n.x = 20 + (k - min) * w; n.y = 20 + i * (h + 14); });
        height = Math.max(height, 40 + columns.get(k).length * (h + 14));
      }
      const s = svg("svg", { width: 40 + keys.length * w, height: Math.max(height, 300), role: "img", "aria-label": "flow graph" });
      for (const e of edges) {
        const a = nodes.get(e.from), b = nodes.get(e.to);
        if (!a || !b || !visible(e)) continue;
        const x1 = a.x + 220, y1 = a.y + h / 2, x2 = b.x, y2 = b.y + h / 2;
        s.appendChild(svg("path", { class: "gedge edge", d: "M" + x1 + "," + y1 + " C" + (x1 + 40) + "," + y1 + " " + (x2 - 40) + "," + y2 + " " + x2 + "," + y2 }));
        s.appendChild(svg("text", { class: "gedge-label", x: x1 < x2 ? x2 - 72 : x2 + 6, y: y2 - 4 }, (e.units !== null ? e.units : e.amount) + " " + e.asset));
      }
      for (const n of nodes.values()) {
        const g = svg("g", { class: "gnode node" + (n.address === selected ? " selected" : "") + (n.pinned ? " pinned" : ""), "data-address": n.address, tabindex: "0" });
        const r = svg("rect", { x: n.x, y: n.y, width: 220, height: h, rx: 4 });
        if (n.colour) r.setAttribute("style", "fill:" + n.colour + "33");
        g.appendChild(r);
        const label = n.address.length > 30 ? n.address.slice(0, 14) + "…" + n.address.slice(-12) : n.address;
        g.appendChild(svg("text", { x: n.x + 8, y: n.y + 21 }, label));
        g.addEventListener("click", function () { selected = n.address; say("selected " + n.address); draw(); });
        g.addEventListener("dblclick", function () { window.location.href = "/address/" + encodeURIComponent(n.address); });
        s.appendChild(g);
      }
      box.appendChild(s);
      box.setAttribute("data-nodes", String(nodes.size));
      box.setAttribute("data-edges", String(edges.filter(visible).length));
    }
    async function expand(direction) {
      const from = nodes.get(selected);
      if (!from) return;
      say("expanding " + (direction === "in" ? "inputs" : "outputs") + " of " + selected + " …");
      try {
        const doc = await api("/api/v1/neighbors/" + encodeURIComponent(selected) + "?direction=" + direction + "&limit=10");
        let added = 0;
        for (const row of doc.rows) {
          const existed = nodes.has(row.neighbor);
          add(row.neighbor, from.column + (direction === "in" ? -1 : 1), selected);
          if (!existed) added++;
          const e = direction === "in"
            ? { from: row.neighbor, to: selected, asset: row.asset, amount: row.amount, units: row.amount_units }
            : { from: selected, to: row.neighbor, asset: row.asset, amount: row.amount, units: row.amount_units };
          if (!edges.some(function (x) { return x.from === e.from && x.to === e.to && x.asset === e.asset; })) edges.push(e);
        }
        say(doc.row_count + " " + (direction === "in" ? "inputs" : "outputs") + " of " + selected + " (" + added + " new)");
        window.chainflowLog("expand-" + direction, selected + " → " + doc.row_count + " neighbours");
        draw();
      } catch (err) {
        say(String(err.message || err));
      }
    }
    function collapse() {
      const drop = new Set();
      let grew = true;
      drop.add(selected);
      while (grew) {
        grew = false;
        for (const n of nodes.values()) {
          if (!drop.has(n.address) && drop.has(n.parent) && !n.pinned) { drop.add(n.address); grew = true; }
        }
      }
      drop.delete(selected);
      for (const a of drop) nodes.delete(a);
      for (let i = edges.length - 1; i >= 0; i--) if (!nodes.has(edges[i].from) || !nodes.has(edges[i].to)) edges.splice(i, 1);
      window.chainflowLog("collapse", selected);
      draw();
    }
    const panel = box.closest("section");
    panel.querySelectorAll("[data-act]").forEach(function (b) {
      const act = b.getAttribute("data-act");
      if (act === "in" || act === "out") b.addEventListener("click", function () { expand(act); });
      if (act === "collapse") b.addEventListener("click", collapse);
      if (act === "pin") b.addEventListener("click", function () {
        const n = nodes.get(selected);
        n.pinned = true;
        post("/api/v1/case/pins", { address: n.address, colour: n.colour }).then(function () { say("pinned " + n.address + " to the case"); }, function (e) { say(String(e.message)); });
        draw();
      });
      if (act === "colour") b.addEventListener("change", function () { nodes.get(selected).colour = b.value; draw(); });
    });
    panel.querySelectorAll("[data-filter]").forEach(function (input) {
      input.addEventListener("input", function () { filter[input.getAttribute("data-filter")] = input.value.trim(); draw(); });
    });
    draw();
  }

  // Review forms of the alerts inbox: the same store as `chainflow aml review`.
  function reviewForms() {
    document.querySelectorAll("form.review").forEach(function (form) {
      form.addEventListener("submit", function (event) {
        event.preventDefault();
        const data = new FormData(form);
        post("/api/v1/alerts/" + encodeURIComponent(form.getAttribute("data-alert")) + "/review", { status: data.get("status"), note: data.get("note") || "" })
          .then(function () { window.location.reload(); }, function (e) { alert(e.message); });
      });
    });
  }

  // The case page: notes, export.
  function casePage() {
    const form = document.getElementById("case-note-form");
    if (form) form.addEventListener("submit", function (event) {
      event.preventDefault();
      const data = new FormData(form);
      post("/api/v1/case/notes", { subject: data.get("subject") || "", text: data.get("text") || "" })
        .then(function () { window.location.reload(); }, function (e) { say(e.message); });
    });
    const exp = document.getElementById("case-export");
    if (exp) exp.addEventListener("click", function () {
      post("/api/v1/case/export", {}).then(function (doc) {
        const out = document.getElementById("case-export-result");
        out.textContent = "";
        out.appendChild(el("p", {}, "Exported to " + doc.folder));
        const ul = el("ul", {});
        for (const f of doc.files) ul.appendChild(el("li", { "data-name": f.name, "data-sha256": f.sha256 }, f.name + " sha256 " + f.sha256));
        out.appendChild(ul);
      }, function (e) { say(e.message); });
    });
  }

  document.addEventListener("DOMContentLoaded", function () {
    linkify();
    addCSVButtons();
    const box = document.getElementById("flow-graph");
    if (box) flowGraph(box);
    reviewForms();
    casePage();
    if (document.getElementById("trace-panel") && new URLSearchParams(location.search).get("from")) {
      window.chainflowLog("trace", location.search.slice(1));
    }
  });
})();
"""#
}
