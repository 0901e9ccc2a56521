// The Veil console: plain DOM code, no framework and no CDN, so it works offline and under a strict CSP.
// Every value from the server is written with textContent, never parsed as HTML.
"use strict";

const state = { token: sessionStorage.getItem("veil.token"), me: null, last: null, grants: [], alerts: 0, stream: null };

function el(tag, attrs, ...children) {
  const e = document.createElement(tag);
  for (const [k, v] of Object.entries(attrs || {})) {
    if (k === "class") e.className = v; else if (k.startsWith("on")) e.addEventListener(k.slice(2), v); else e.setAttribute(k, v);
  }
  for (const c of children) e.append(c instanceof Node ? c : document.createTextNode(c == null ? "" : String(c)));
  return e;
}
const $ = (id) => document.getElementById(id);

async function api(method, path, body, raw) {
  const headers = { Authorization: "Bearer " + state.token };
  if (body !== undefined) headers["Content-Type"] = raw ? "text/plain" : "application/json";
  const res = await fetch(path, { method, headers, body: body === undefined ? undefined : raw ? body : JSON.stringify(body) });
  const type = res.headers.get("Content-Type") || "";
  const data = type.includes("json") ? await res.json() : await res.text();
  if (res.status === 401) signOut("Your token was refused: " + (data.error || res.status));
  return { status: res.status, ok: res.ok, data, headers: res.headers };
}

// ---- sign in
async function signIn(token) {
  state.token = token;
  const r = await api("GET", "/v1/whoami");
  if (!r.ok) { $("signin-error").textContent = r.data.error || "sign-in failed (" + r.status + ")"; state.token = null; return; }
  sessionStorage.setItem("veil.token", token);
  state.me = r.data;
  $("who").textContent = r.data.name + " · " + r.data.roles.join(", ");
  $("signin").hidden = true; $("app").hidden = false; $("sign-out").hidden = false;
  loadPolicyBadge();
  show("overview");
  connectAlerts();
}
function signOut(message) {
  sessionStorage.removeItem("veil.token");
  state.token = null; state.me = null;
  if (state.stream) state.stream.abort();
  $("app").hidden = true; $("signin").hidden = false; $("sign-out").hidden = true; $("who").textContent = "";
  $("signin-error").textContent = message || "";
}
function has(...roles) { return state.me && state.me.roles.some((r) => roles.includes(r)); }

async function loadPolicyBadge() {
  const r = await api("GET", "/v1/policy");
  if (r.ok) $("policy-badge").textContent = "policy " + r.data.name + " @ " + r.data.version;
}

// ---- tabs
const loaders = { overview: loadThroughput, records: loadSamples, policy: loadPolicy, grants: loadGrants, consent: () => {}, audit: loadAudit, alerts: () => { state.alerts = 0; $("alert-count").textContent = ""; } };
function show(name) {
  for (const b of document.querySelectorAll('[role="tab"]')) {
    const on = b.getAttribute("aria-controls") === name;
    b.setAttribute("aria-selected", String(on));
    b.tabIndex = on ? 0 : -1;
    $(b.getAttribute("aria-controls")).hidden = !on;
  }
  loaders[name]();
}

// ---- throughput
async function loadThroughput() {
  const r = await api("GET", "/v1/throughput");
  if (!r.ok) return;
  const prev = state.last; state.last = r.data;
  const body = $("throughput-table").tBodies[0]; body.replaceChildren();
  for (const c of r.data.counters) {
    let rate = "";
    if (prev) {
      const p = prev.counters.find((x) => x.stream === c.stream && x.segment === c.segment);
      const dt = (r.data.at - prev.at) / 1000;
      if (p && dt > 0) rate = ((c.records - p.records) / dt).toFixed(1);
    }
    body.append(el("tr", {}, el("td", {}, c.stream), el("td", {}, c.segment), el("td", { class: "num" }, c.records.toLocaleString()), el("td", { class: "num" }, rate)));
  }
  $("throughput-empty").hidden = r.data.counters.length > 0;
}

// ---- records
async function loadSamples() {
  const list = $("records-list"); list.replaceChildren();
  if (!has("operator", "policy-admin")) { list.append(el("p", { class: "hint" }, "The record viewer needs the operator or policy-admin role.")); return; }
  const r = await api("GET", "/v1/samples");
  if (!r.ok) { list.append(el("p", { class: "error" }, r.data.error || r.status)); return; }
  if (r.data.samples.length === 0) list.append(el("p", { class: "hint" }, "No sample yet: records sent to /v1/mask, and under veil up the records the service masks, show up here."));
  for (const s of r.data.samples) {
    const box = el("article", { class: "view" }, el("h3", {}, "Stream " + s.stream));
    for (const [seg, view] of Object.entries(s.views)) {
      box.append(el("h4", {}, seg === "refused" ? "refused" : "segment " + seg), el("pre", {}, view === null ? "(record dropped for this segment)" : JSON.stringify(view, null, 2)));
    }
    if (s.raw !== undefined) box.append(el("div", { class: "raw" }, el("h4", {}, "raw — shown under your active grant, audited"), el("pre", {}, JSON.stringify(s.raw, null, 2))));
    list.append(box);
  }
}

// ---- policy
async function loadPolicy() {
  const t = await api("GET", "/v1/policy/text");
  if (t.ok && !$("policy-text").dataset.edited) $("policy-text").value = t.data;
  const h = await api("GET", "/v1/policy/history");
  if (h.ok) $("policy-history").replaceChildren(...h.data.history.slice().reverse().map((e) => el("li", {}, e.name + " @ " + e.version + " — " + e.activated + " by " + e.by)));
}
function problemsList(problems) {
  return el("ul", { class: "error" }, ...problems.map((p) => el("li", {}, (p.line ? "line " + p.line + (p.key ? " (" + p.key + ")" : "") + ": " : "") + p.message)));
}
async function validatePolicy() {
  const r = await api("POST", "/v1/policy/validate", $("policy-text").value, true);
  const out = $("policy-result");
  if (r.status === 200) out.replaceChildren(el("p", { class: "ok" }, "Valid: " + r.data.name + " @ " + r.data.version));
  else if (r.status === 422) out.replaceChildren(el("p", { class: "error" }, "Not valid:"), problemsList(r.data.problems));
  else out.replaceChildren(el("p", { class: "error" }, r.data.error || "failed (" + r.status + ")"));
}
async function diffPolicy() {
  const r = await api("POST", "/v1/policy/diff", $("policy-text").value, true);
  const out = $("policy-result");
  if (!r.ok) { out.replaceChildren(el("p", { class: "error" }, r.data.error || r.status)); return; }
  const pre = el("pre", { class: "diff" });
  for (const l of r.data.lines) if (l.op !== " ") pre.append(el("span", { class: l.op === "+" ? "add" : "del" }, l.op + " " + l.text + "\n"));
  out.replaceChildren(el("p", {}, "+" + r.data.added + " −" + r.data.removed + " lines against " + r.data.active), pre);
}
async function dryRunPolicy() {
  const r = await api("POST", "/v1/policy/dry-run", { policy: $("policy-text").value });
  const out = $("policy-result");
  if (r.status === 422) { out.replaceChildren(el("p", { class: "error" }, "Not valid:"), problemsList(r.data.problems)); return; }
  if (!r.ok) { out.replaceChildren(el("p", { class: "error" }, r.data.error || r.status)); return; }
  const changed = r.data.records.filter((x) => x.differs_in.length > 0);
  const parts = [el("p", {}, r.data.records.length + " sample record(s); " + changed.length + " would look different (candidate " + r.data.candidate + " vs active " + r.data.active + ")")];
  for (const rec of changed) for (const seg of rec.differs_in) {
    parts.push(el("h4", {}, "segment " + seg), el("div", { class: "diff" },
      el("pre", { class: "del" }, "active:    " + JSON.stringify(rec.active[seg])), el("pre", { class: "add" }, "candidate: " + JSON.stringify(rec.candidate[seg]))));
  }
  out.replaceChildren(...parts);
}
async function activatePolicy() {
  if (!confirm("Activate this policy for every request from now on?")) return;
  const r = await api("POST", "/v1/policy/activate", $("policy-text").value, true);
  const out = $("policy-result");
  if (r.status === 202) out.replaceChildren(el("p", { class: "warn" }, "Published to " + r.data.published + " (" + r.data.version + "), but the service has not confirmed it yet: watch Alerts."));
  else if (r.ok) {
    const where = r.data.published ? " — published to " + r.data.published + " at offset " + r.data.offset : "";
    out.replaceChildren(el("p", { class: "ok" }, (r.data.unchanged ? "Already active: " : "Activated ") + r.data.name + " @ " + r.data.version + where));
    delete $("policy-text").dataset.edited; loadPolicy(); loadPolicyBadge();
  } else if (r.status === 409 && r.data.published) out.replaceChildren(el("p", { class: "error" }, "The service refused it: " + r.data.error));
  else if (r.status === 422) out.replaceChildren(el("p", { class: "error" }, "Not activated:"), problemsList(r.data.problems));
  else out.replaceChildren(el("p", { class: "error" }, r.data.error || r.status));
}

// ---- grants
function countdown(s) {
  if (s <= 0) return "—";
  const h = Math.floor(s / 3600), m = Math.floor((s % 3600) / 60), sec = s % 60;
  return (h ? h + "h " : "") + String(m).padStart(2, "0") + "m " + String(sec).padStart(2, "0") + "s";
}
async function loadGrants() {
  const r = await api("GET", "/v1/grants");
  const body = $("grants-table").tBodies[0]; body.replaceChildren();
  if (!r.ok) { $("grants-message").textContent = r.data.error || r.status; return; }
  $("grant-form").hidden = !has("operator");
  state.grants = r.data.grants.map((g) => ({ ...g, until: Date.now() + g.seconds_left * 1000 }));
  for (const g of state.grants) {
    const actions = el("td", {});
    if (g.state === "pending" && has("approver") && g.requester !== state.me.name) actions.append(el("button", { type: "button", onclick: () => grantAction(g.id, "approve") }, "Approve"));
    if (["pending", "active", "scheduled"].includes(g.state) && has("operator", "approver")) actions.append(" ", el("button", { type: "button", class: "danger", onclick: () => grantAction(g.id, "revoke") }, "Revoke"));
    const scope = [...g.classes, ...g.fields].join(", ") + " in " + g.segment + " of " + g.stream + (g.subjects ? " (" + g.subjects + " subjects)" : "");
    body.append(el("tr", { "data-grant": g.id }, el("td", {}, g.id), el("td", {}, el("span", { class: "state state-" + g.state }, g.state)),
      el("td", {}, scope), el("td", {}, g.requester), el("td", {}, g.approver || "—"),
      el("td", { class: "num countdown", "data-until": g.state === "active" ? String(g.until) : "" }, g.state === "active" ? countdown(g.seconds_left) : "—"), actions));
  }
}
async function grantAction(id, what) {
  let body = {};
  if (what === "revoke") { const reason = prompt("Why revoke " + id + "?"); if (!reason) return; body = { reason }; }
  const r = await api("POST", "/v1/grants/" + encodeURIComponent(id) + "/" + what, body);
  $("grants-message").textContent = r.ok ? id + ": " + (r.data.state || what) : (r.data.error || "failed (" + r.status + ")");
  loadGrants();
}
async function requestGrant(ev) {
  ev.preventDefault();
  const split = (v) => v.split(",").map((s) => s.trim()).filter(Boolean);
  const r = await api("POST", "/v1/grants", { stream: $("g-stream").value, segment: $("g-segment").value, classes: split($("g-classes").value),
    fields: split($("g-fields").value), duration: $("g-duration").value, reason: $("g-reason").value, ticket: $("g-ticket").value });
  $("grants-message").textContent = r.ok ? "Requested " + r.data.id + "; it needs a second person's approval." : (r.data.error || "failed (" + r.status + ")");
  loadGrants();
}
setInterval(() => {
  for (const td of document.querySelectorAll(".countdown[data-until]")) {
    if (td.dataset.until) td.textContent = countdown(Math.max(0, Math.round((Number(td.dataset.until) - Date.now()) / 1000)));
  }
}, 1000);

// ---- consent
async function consent(ev, optOut) {
  if (ev) ev.preventDefault();
  const subject = $("subject").value;
  if (!subject) return;
  const r = optOut === undefined ? await api("POST", "/v1/consent/lookup", { subject }) : await api("POST", "/v1/consent", { subjects: [subject], opt_out: optOut });
  const out = $("consent-result");
  if (!r.ok) { out.className = "error"; out.textContent = r.data.error || "failed (" + r.status + ")"; return; }
  out.className = r.data.opted_out ? "warn" : "ok";
  out.textContent = r.data.opted_out ? "Opted out: this subject's records are suppressed in every segment." : "Not opted out.";
}

// ---- audit
async function loadAudit(ev) {
  if (ev) ev.preventDefault();
  if (!has("auditor")) { $("audit-verdict").textContent = "The audit explorer needs the auditor role."; return; }
  const q = new URLSearchParams();
  for (const [k, id] of [["type", "a-type"], ["who", "a-who"], ["since", "a-since"], ["limit", "a-limit"]]) if ($(id).value) q.set(k, $(id).value);
  const r = await api("GET", "/v1/audit?" + q);
  const body = $("audit-table").tBodies[0]; body.replaceChildren();
  if (!r.ok) { $("audit-verdict").textContent = r.data.error || r.status; return; }
  for (const e of r.data.entries) {
    const { seq, ts, type, writer, prev, hash, ...rest } = e;
    body.append(el("tr", {}, el("td", { class: "num" }, seq), el("td", {}, ts), el("td", {}, type), el("td", {}, el("code", {}, JSON.stringify(rest)))));
  }
}
async function verifyAudit() {
  const r = await api("GET", "/v1/audit/verify");
  const v = $("audit-verdict");
  if (!r.ok) { v.className = "error"; v.textContent = r.data.error || r.status; return; }
  v.className = r.data.intact ? "ok" : "error";
  v.textContent = r.data.intact ? "Intact: " + r.data.entries + " entries, " + r.data.checkpoints + " signed checkpoints."
    : "BROKEN at line " + r.data.line + ": " + r.data.problem;
}

// ---- alerts: server-sent events read through fetch, since EventSource cannot send the bearer token
async function connectAlerts() {
  const ctl = new AbortController(); state.stream = ctl;
  const stateLine = $("alerts-state");
  try {
    const res = await fetch("/v1/alerts/stream", { headers: { Authorization: "Bearer " + state.token, Accept: "text/event-stream" }, signal: ctl.signal });
    if (!res.ok) { stateLine.textContent = "Alert feed refused (" + res.status + ")"; return; }
    stateLine.textContent = "Live.";
    const reader = res.body.getReader(); const dec = new TextDecoder(); let buf = "";
    for (;;) {
      const { value, done } = await reader.read();
      if (done) break;
      buf += dec.decode(value, { stream: true });
      let i;
      while ((i = buf.indexOf("\n\n")) >= 0) {
        const block = buf.slice(0, i); buf = buf.slice(i + 2);
        const data = block.split("\n").filter((l) => l.startsWith("data:")).map((l) => l.slice(5).trimStart()).join("\n");
        if (data) addAlert(data);
      }
    }
  } catch (e) {
    if (ctl.signal.aborted) return;
  }
  if (state.token && state.stream === ctl) { stateLine.textContent = "Reconnecting…"; setTimeout(connectAlerts, 3000); }
}
function addAlert(json) {
  let a; try { a = JSON.parse(json); } catch (e) { return; }
  const li = el("li", { class: a.severity || "" }, el("strong", {}, (a.severity || "") + " " + (a.kind || "alert")), " — ", a.message || "", el("br"), el("small", { class: "hint" }, (a.at || "") + (a.instance ? " · " + a.instance : "")));
  $("alerts-list").prepend(li);
  if ($("alerts").hidden) { state.alerts++; $("alert-count").textContent = String(state.alerts); }
}

// ---- wiring
document.addEventListener("DOMContentLoaded", () => {
  $("signin-form").addEventListener("submit", (ev) => { ev.preventDefault(); signIn($("token").value.trim()); });
  $("sign-out").addEventListener("click", () => signOut());
  for (const b of document.querySelectorAll('[role="tab"]')) {
    b.addEventListener("click", () => show(b.getAttribute("aria-controls")));
    b.addEventListener("keydown", (ev) => {
      if (ev.key !== "ArrowRight" && ev.key !== "ArrowLeft") return;
      const tabs = [...document.querySelectorAll('[role="tab"]')];
      const next = tabs[(tabs.indexOf(b) + (ev.key === "ArrowRight" ? 1 : tabs.length - 1)) % tabs.length];
      next.focus(); show(next.getAttribute("aria-controls"));
    });
  }
  $("records-refresh").addEventListener("click", loadSamples);
  $("policy-text").addEventListener("input", () => { $("policy-text").dataset.edited = "1"; });
  $("policy-validate").addEventListener("click", validatePolicy);
  $("policy-diff").addEventListener("click", diffPolicy);
  $("policy-dryrun").addEventListener("click", dryRunPolicy);
  $("policy-activate").addEventListener("click", activatePolicy);
  $("grant-form").addEventListener("submit", requestGrant);
  $("consent-form").addEventListener("submit", (ev) => consent(ev));
  $("consent-optout").addEventListener("click", () => consent(null, true));
  $("consent-optin").addEventListener("click", () => consent(null, false));
  $("audit-form").addEventListener("submit", loadAudit);
  $("audit-verify").addEventListener("click", verifyAudit);
  setInterval(() => { if (state.token && !$("overview").hidden) loadThroughput(); }, 2000);
  if (state.token) signIn(state.token);
});
