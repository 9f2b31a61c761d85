// The Build Masters page: reads the data API once, then follows the event stream.
// Everything it shows is built with textContent: a master's name is never HTML.
"use strict";

const state = {
  masters: new Map(),        // masterid -> {masterid, name, active, last_active}
  schedulers: new Map(),     // schedulerid -> {name, masterid}
  changesources: new Map(),  // changesourceid -> {name, masterid}
  filter: "all",
  sortKey: "masterid",
  descending: false,
};
// Events come in bursts (every master that checked in since the watcher's last poll, one event
// each): the table is drawn once for the burst, at the next frame, not once per event; a person's
// click on a filter or a column is drawn at once.
let renderPending = false;
// What the table shows: the masters' ids in order, their rows, and which changed since.
const drawn = { ids: [], rows: new Map(), changed: new Set(), everything: true };

function getJson(path) {
  return fetch(path, { headers: { Accept: "application/json" } }).then((r) => {
    if (!r.ok) { throw new Error(path + ": HTTP " + r.status); }
    return r.json();
  });
}

function load() {
  return Promise.all([
    getJson("/api/v2/masters"),
    getJson("/api/v2/schedulers"),
    getJson("/api/v2/changesources"),
  ]).then(([masters, schedulers, changesources]) => {
    state.masters = new Map(masters.masters.map((m) => [m.masterid, m]));
    state.schedulers = new Map(schedulers.schedulers
      .map((s) => [s.schedulerid, { name: s.name, masterid: s.master ? s.master.masterid : null }]));
    state.changesources = new Map(changesources.changesources
      .map((c) => [c.changesourceid, { name: c.name, masterid: c.master ? c.master.masterid : null }]));
    drawn.everything = true;
    render();
  });
}

// Texts in code point order, which is UTF-8's byte order, the data API's: < and > compare UTF-16
// units, which put a character above U+FFFF (two surrogates, from U+D800) before U+E000-U+FFFF.
function compareText(x, y) {
  const n = Math.min(x.length, y.length);
  for (let i = 0; i < n; i++) {
    const a = x.charCodeAt(i);
    const b = y.charCodeAt(i);
    if (a !== b) {
      const aPair = a >= 0xd800 && a <= 0xdfff;
      const bPair = b >= 0xd800 && b <= 0xdfff;
      if (aPair !== bPair) { return aPair ? 1 : -1; }
      return a < b ? -1 : 1;
    }
  }
  return x.length - y.length;
}

// masterid -> the sorted names of the components it owns, in one pass over them.
function ownedBy(components) {
  const byMaster = new Map();
  for (const c of components.values()) {
    if (c.masterid === null) { continue; }
    const names = byMaster.get(c.masterid);
    if (names) { names.push(c.name); } else { byMaster.set(c.masterid, [c.name]); }
  }
  for (const names of byMaster.values()) { names.sort(compareText); }
  return byMaster;
}

function ago(epochSeconds) {
  const s = Math.max(0, Math.round(Date.now() / 1000 - epochSeconds));
  if (s < 120) { return s + " s ago"; }
  if (s < 7200) { return Math.floor(s / 60) + " min ago"; }
  if (s < 172800) { return Math.floor(s / 3600) + " h ago"; }
  return Math.floor(s / 86400) + " d ago";
}

function sortValue(row, key) {
  switch (key) {
    case "active": return row.active ? 1 : 0;
    case "name": return row.name;
    case "last_active": return row.last_active;
    case "schedulers": return row.schedulers.join(",");
    case "changesources": return row.changesources.join(",");
    default: return row.masterid;
  }
}

function compare(a, b) {
  const x = sortValue(a, state.sortKey);
  const y = sortValue(b, state.sortKey);
  let order = typeof x === "string" ? compareText(x, y) : x < y ? -1 : x > y ? 1 : 0;
  if (order === 0) { order = a.masterid - b.masterid; }
  return state.descending ? -order : order;
}

function cell(tr, label, cls) {
  const td = document.createElement("td");
  td.dataset.label = label;
  if (cls) { td.className = cls; }
  tr.appendChild(td);
  return td;
}

function rowElement(row) {
  const tr = document.createElement("tr");
  tr.className = row.active ? "active" : "inactive";
  tr.dataset.masterid = String(row.masterid);
  const stateCell = cell(tr, "Active", "state");
  const icon = document.createElement("span");
  icon.className = "icon";
  icon.setAttribute("aria-hidden", "true");
  icon.textContent = row.active ? "\u2714" : "\u2716";
  const text = document.createElement("span");
  text.className = "text";
  text.textContent = row.active ? "active" : "inactive";
  stateCell.append(icon, " ", text);
  cell(tr, "Name", "name").textContent = row.name;
  const last = document.createElement("abbr");
  last.className = "ago";
  last.dataset.epoch = String(row.last_active);
  last.title = new Date(row.last_active * 1000).toISOString().replace(".000Z", "Z");
  last.textContent = ago(row.last_active);
  cell(tr, "Last Active", "last").appendChild(last);
  cell(tr, "Schedulers", "schedulers").textContent = row.schedulers.join(", ") || "\u2013";
  cell(tr, "Change sources", "changesources").textContent = row.changesources.join(", ") || "\u2013";
  return tr;
}

function sameIds(a, b) {
  if (a.length !== b.length) { return false; }
  for (let i = 0; i < a.length; i++) {
    if (a[i] !== b[i]) { return false; }
  }
  return true;
}

// When the rows to show are the ones shown, in the same order (a burst of check-ins, sorted by id
// or name), only the rows of the masters that changed are made again; otherwise the whole table.
function render() {
  renderPending = false;
  const schedulers = ownedBy(state.schedulers);
  const changesources = ownedBy(state.changesources);
  const rows = [];
  for (const m of state.masters.values()) {
    if (state.filter === "active" && !m.active) { continue; }
    if (state.filter === "inactive" && m.active) { continue; }
    rows.push(Object.assign({}, m, {
      schedulers: schedulers.get(m.masterid) || [],
      changesources: changesources.get(m.masterid) || [],
    }));
  }
  rows.sort(compare);
  const ids = rows.map((row) => row.masterid);
  if (!drawn.everything && sameIds(ids, drawn.ids)) {
    for (const row of rows) {
      if (drawn.changed.has(row.masterid)) {
        const tr = rowElement(row);
        drawn.rows.get(row.masterid).replaceWith(tr);
        drawn.rows.set(row.masterid, tr);
      }
    }
  } else {
    const fresh = document.createElement("tbody");
    drawn.rows.clear();
    for (const row of rows) {
      const tr = rowElement(row);
      drawn.rows.set(row.masterid, tr);
      fresh.appendChild(tr);
    }
    document.querySelector("#masters tbody").replaceWith(fresh);
  }
  drawn.ids = ids;
  drawn.changed.clear();
  drawn.everything = false;
  document.getElementById("count").textContent = rows.length + " of " + state.masters.size + " masters";
  for (const th of document.querySelectorAll("#masters th")) {
    th.setAttribute("aria-sort", th.dataset.sort !== state.sortKey ? "none"
      : state.descending ? "descending" : "ascending");
  }
}

function onEvent(event) {
  const data = JSON.parse(event.data);
  const [resource, id, type] = data.key;
  const message = data.message;
  const key = Number(id);
  if (resource === "masters") {
    drawn.changed.add(key);
    if (type === "removed") {
      state.masters.delete(key);
    } else {
      const known = state.masters.get(key) || { masterid: key, last_active: 0 };
      state.masters.set(key, Object.assign({}, known, message));
    }
  } else if (resource === "schedulers" || resource === "changesources") {
    const components = state[resource];
    const known = components.get(key) || { name: message.name, masterid: null };
    drawn.changed.add(known.masterid);
    drawn.changed.add(message.masterid);
    if (type === "claimed") {
      components.set(key, { name: message.name, masterid: message.masterid });
    } else if (type === "released" && known.masterid === message.masterid) {
      components.set(key, { name: message.name, masterid: null });
    }
  }
  renderSoon();
}

function renderSoon() {
  if (!renderPending) {
    renderPending = true;
    requestAnimationFrame(() => { if (renderPending) { render(); } });
  }
}

function connect() {
  const status = document.getElementById("status");
  const source = new EventSource("/api/v2/events");
  source.addEventListener("event", onEvent);
  // (Re)connected: reload, so that nothing missed while away stays wrong.
  source.onopen = () => {
    load().then(() => { status.textContent = "live"; },
      (e) => { status.textContent = "cannot load: " + e.message; });
  };
  source.onerror = () => { status.textContent = "reconnecting\u2026"; };
}

document.addEventListener("DOMContentLoaded", () => {
  for (const input of document.querySelectorAll("#filter input")) {
    input.addEventListener("change", () => { state.filter = input.value; render(); });
  }
  for (const th of document.querySelectorAll("#masters th")) {
    th.querySelector("button").addEventListener("click", () => {
      state.descending = state.sortKey === th.dataset.sort ? !state.descending : false;
      state.sortKey = th.dataset.sort;
      render();
    });
  }
  setInterval(() => {
    for (const el of document.querySelectorAll("abbr.ago")) {
      const text = ago(Number(el.dataset.epoch));
      if (el.textContent !== text) { el.textContent = text; }
    }
  }, 1000);
  connect();
});
