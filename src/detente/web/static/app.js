// detente web app: draws figures, runs the what-if sliders, the edit form, uploads and
// sharing an upload with a team.
// User text only ever reaches the page through textContent, and Plotly through plotlyText.
"use strict";

function plotlyText(s) {
  // Plotly reads a few HTML tags in labels; escape so that user text shows as typed
  return String(s).replace(/&/g, "&amp;").replace(/</g, "&lt;").replace(/>/g, "&gt;");
}

async function callJSON(method, url, body) {
  const opts = {method: method, headers: {"Accept": "application/json"}};
  const csrf = document.querySelector('meta[name="csrf-token"]');
  if (csrf) { opts.headers["X-CSRF-Token"] = csrf.content; }
  if (body instanceof FormData) {
    opts.body = body;
  } else if (body !== undefined) {
    opts.headers["Content-Type"] = "application/json";
    opts.body = JSON.stringify(body);
  }
  const res = await fetch(url, opts);
  let data = null;
  try { data = await res.json(); } catch (e) { data = {error: "HTTP " + res.status}; }
  return {ok: res.ok, status: res.status, data: data};
}

function drawFigures() {
  document.querySelectorAll("script[data-figure]").forEach(function (el) {
    const fig = JSON.parse(el.textContent);
    Plotly.newPlot(el.dataset.figure, fig.data, fig.layout,
      {responsive: true, displaylogo: false, displayModeBar: el.dataset.modebar !== "off"});
  });
}

function nearestAnchor(issue, value) {
  let best = null;
  issue.anchors.forEach(function (a) {
    if (best === null || Math.abs(a[0] - value) < Math.abs(best[0] - value) ||
        (Math.abs(a[0] - value) === Math.abs(best[0] - value) && a[0] < best[0])) { best = a; }
  });
  return best ? best[1] : "";
}

function problemLines(data) {
  const lines = [];
  (data.problems || []).forEach(function (p) {
    lines.push((p.line ? "line " + p.line + ": " : "") + p.field + ": found " + p.found + "; expected " + p.expected);
  });
  if (!lines.length) { lines.push(data.error || "error"); }
  return lines;
}

function setupWhatIf() {
  const root = document.getElementById("whatif");
  if (!root) { return; }
  const info = JSON.parse(document.getElementById("whatif-data").textContent);
  const status = document.getElementById("whatif-status");
  const sliders = Array.from(root.querySelectorAll("input[type=range]"));
  let inFlight = false, pending = false, seq = 0;

  function chart(forecast) {
    const names = info.issues.map(function (i) { const n = i.name.length > 24 ? i.name.slice(0, 23) + "…" : i.name; return plotlyText(n); });
    const traces = forecast.forecasts.map(function (f) {
      return {x: info.issues.map(function (i) { return f.outcome[i.id]; }), y: names,
              mode: "markers", type: "scatter", name: plotlyText(f.model),
              marker: {size: 13, symbol: "triangle-up", color: (info.colours || {})[f.model]},
              hovertemplate: "%{x:.1f}<extra>" + plotlyText(f.model) + "</extra>"};
    });
    const narrow = document.getElementById("whatif-chart").clientWidth < 520;
    Plotly.react("whatif-chart", traces, {height: 130 + 45 * names.length, margin: {l: narrow ? 110 : 170, t: 20, r: 10, b: 90},
      legend: {orientation: "h", x: 0, y: 0, yref: "container", yanchor: "bottom"},
      xaxis: {title: {text: "forecast on the issue's scale"}, range: [Math.min.apply(null, info.issues.map(function (i) { return i.low; })),
                      Math.max.apply(null, info.issues.map(function (i) { return i.high; }))]},
      template: "plotly_white"}, {displaylogo: false, responsive: true});
  }

  function show(forecast) {
    forecast.forecasts.forEach(function (f) {
      info.issues.forEach(function (issue) {  // ids come from JSON, never from the page's HTML
        const v = f.outcome[issue.id];
        const k = info.issues.indexOf(issue);
        const cell = document.querySelector('b[data-issue="' + k + '"][data-model="' + CSS.escape(f.model) + '"]');
        const anchor = document.querySelector('div[data-anchor-issue="' + k + '"][data-anchor-model="' + CSS.escape(f.model) + '"]');
        if (cell) { cell.textContent = v === null ? "—" : v.toFixed(1); }
        if (anchor) { anchor.textContent = v === null ? "" : "≈ " + nearestAnchor(issue, v); }
      });
    });
    if (window.Plotly) { chart(forecast); }
  }

  async function send() {
    if (inFlight) { pending = true; return; }
    inFlight = true; pending = false;
    const changes = {};
    sliders.forEach(function (s) {
      if (Number(s.value) === Number(s.dataset.initial)) { return; }
      const key = s.dataset.actor + "/" + s.dataset.issue;
      changes[key] = changes[key] || {actor: info.actors[Number(s.dataset.actor)],
                                      issue: info.issues[Number(s.dataset.issue)].id};
      changes[key][s.dataset.kind] = Number(s.value);
    });
    const mine = ++seq;
    const t0 = performance.now();
    const res = await callJSON("POST", "/api/scenarios/" + encodeURIComponent(info.ref) + "/whatif",
                               {changes: Object.values(changes), models: info.models});
    inFlight = false;
    if (mine === seq && res.ok) {
      show(res.data);
      status.textContent = "re-forecast in " + Math.round(performance.now() - t0) + " ms";
    } else if (!res.ok) {
      status.textContent = problemLines(res.data).join("; ");
    }
    if (pending) { send(); }
  }

  sliders.forEach(function (s) {
    s.addEventListener("input", function () {
      s.nextElementSibling.textContent = s.value;
      send();
    });
  });
  document.getElementById("whatif-reset").addEventListener("click", function () {
    sliders.forEach(function (s) { s.value = s.dataset.initial; s.nextElementSibling.textContent = s.dataset.initial; });
    send();
  });
  window.addEventListener("load", function () { chart(info.forecast); });
}

function lookup(data, path) {
  // "stances[3].salience" -> data.stances[3].salience (undefined when absent)
  const parts = path.match(/[A-Za-z_][A-Za-z0-9_]*|\d+/g) || [];
  return parts.reduce(function (node, part) { return node == null ? undefined : node[part]; }, data);
}

function setupEdit() {
  const form = document.getElementById("edit");
  if (!form) { return; }
  const info = JSON.parse(document.getElementById("edit-data").textContent);
  form.querySelectorAll("[data-path]").forEach(function (el) {
    const v = lookup(info.scenario, el.dataset.path);
    el.value = v === undefined || v === null ? "" : String(v);
    el.dataset.number = typeof v === "number" ? "1" : "";
    el.addEventListener("input", function () { el.dataset.dirty = "1"; });
  });
  form.addEventListener("submit", async function (ev) {
    ev.preventDefault();
    const edits = {};
    form.querySelectorAll("[data-path]").forEach(function (el) {
      el.classList.remove("bad");
      if (el.dataset.dirty) {
        const n = Number(el.value);
        edits[el.dataset.path] = (el.dataset.number && el.value.trim() !== "" && !isNaN(n)) ? n : el.value;
      }
    });
    form.querySelectorAll("[data-error-for]").forEach(function (el) { el.textContent = ""; });
    const list = document.getElementById("edit-errors");
    list.replaceChildren();
    const res = await callJSON("POST", "/api/scenarios/" + encodeURIComponent(info.ref) + "/edit", {edits: edits});
    if (res.ok) {
      document.getElementById("edit-status").textContent = "saved";
      window.location.href = "/s/" + encodeURIComponent(res.data.id);
      return;
    }
    const problems = res.data.problems || [];
    problems.forEach(function (p) {
      const slot = form.querySelector('[data-error-for="' + CSS.escape(p.field) + '"]');
      const input = form.querySelector('[data-path="' + CSS.escape(p.field) + '"]');
      const text = "found " + p.found + "; expected " + p.expected;
      if (slot) { slot.textContent = text; if (input) { input.classList.add("bad"); } }
      else { const li = document.createElement("li"); li.textContent = p.field + ": " + text; list.appendChild(li); }
    });
    if (!problems.length) { const li = document.createElement("li"); li.textContent = res.data.error; list.appendChild(li); }
    document.getElementById("edit-status").textContent = problems.length + " problem(s)";
  });
}

function setupUpload() {
  const form = document.getElementById("upload");
  if (!form) { return; }
  form.addEventListener("submit", async function (ev) {
    ev.preventDefault();
    const box = document.getElementById("upload-error");
    const input = document.getElementById("upload-file");
    box.replaceChildren();
    input.classList.remove("bad");
    const res = await callJSON("POST", "/api/scenarios", new FormData(form));
    if (res.ok) { window.location.href = "/s/" + encodeURIComponent(res.data.id); return; }
    input.classList.add("bad");
    problemLines(res.data).forEach(function (line) {
      const div = document.createElement("div");
      div.textContent = line;
      box.appendChild(div);
    });
  });
}

function setupShare() {
  // each own upload's "share with team" form: POST /api/scenarios/ID/shares (CSRF header
  // from the page's meta tag, as every call here)
  document.querySelectorAll("form.share").forEach(function (form) {
    form.addEventListener("submit", async function (ev) {
      ev.preventDefault();
      const status = form.querySelector(".share-status");
      const team = form.querySelector("select").value;
      const res = await callJSON("POST", "/api/scenarios/" + encodeURIComponent(form.dataset.ref) +
        "/shares", {team: team});
      status.textContent = res.ok ? "shared with " + res.data.teams.join(", ") : res.data.error;
    });
  });
}

document.addEventListener("DOMContentLoaded", function () {
  setupWhatIf();
  setupEdit();
  setupUpload();
  setupShare();
  if (window.Plotly) { drawFigures(); } else { window.addEventListener("load", drawFigures); }
});
