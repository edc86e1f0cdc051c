// The Partisan dashboard: draws the cluster from the snapshots the server pushes (server-sent events).
"use strict";
const svgNs = "http://www.w3.org/2000/svg";
const previous = new Map(); // node -> { at, sent, received } for rates
const logged = new Set();

function el(tag, attrs, text) {
  const e = tag.startsWith("svg:") ? document.createElementNS(svgNs, tag.slice(4)) : document.createElement(tag);
  for (const [k, v] of Object.entries(attrs || {})) e.setAttribute(k, v);
  if (text !== undefined) e.textContent = text;
  return e;
}

function short(name) { return name.split("@")[0]; }

function rate(snapshot) {
  let sent = 0, received = 0;
  for (const c of snapshot.connections) { sent += c.bytesSent; received += c.bytesReceived; }
  const before = previous.get(snapshot.node);
  previous.set(snapshot.node, { at: snapshot.at, sent, received });
  if (!before || snapshot.at <= before.at) return { out: 0, in: 0 };
  const seconds = (snapshot.at - before.at) / 1000;
  return { out: Math.max(0, (sent - before.sent) / seconds), in: Math.max(0, (received - before.received) / seconds) };
}

function drawGraph(cluster) {
  const svg = document.getElementById("graph");
  svg.replaceChildren();
  const nodes = cluster.nodes.map(n => n.node).sort();
  const at = new Map();
  const r = 230, cx = 300, cy = 300;
  nodes.forEach((name, i) => {
    const angle = (2 * Math.PI * i) / Math.max(1, nodes.length) - Math.PI / 2;
    at.set(name, { x: cx + r * Math.cos(angle), y: cy + r * Math.sin(angle) });
  });
  const drawn = new Set();
  for (const snapshot of cluster.nodes) {
    const from = at.get(snapshot.node);
    const traffic = new Map();
    for (const c of snapshot.connections) {
      if (c.state !== "Connected") continue;
      traffic.set(c.peer, (traffic.get(c.peer) || 0) + c.messagesSent);
    }
    for (const [peer, messages] of traffic) {
      const to = at.get(peer);
      const key = [snapshot.node, peer].sort().join("|");
      if (!to || drawn.has(key)) continue;
      drawn.add(key);
      svg.append(el("svg:line", { x1: from.x, y1: from.y, x2: to.x, y2: to.y, class: "active", "data-edge": key }));
      svg.append(el("svg:text", { x: (from.x + to.x) / 2, y: (from.y + to.y) / 2 - 4, class: "rate" }, messages + " msgs"));
    }
    for (const peer of snapshot.passiveView || []) {
      const to = at.get(peer);
      if (!to) continue;
      svg.append(el("svg:line", { x1: from.x, y1: from.y, x2: to.x, y2: to.y, class: "passive" }));
    }
  }
  for (const [name, p] of at) {
    const g = el("svg:g", { "data-node": name });
    g.append(el("svg:circle", { cx: p.x, cy: p.y, r: 24, class: name === cluster.self ? "self" : "" }));
    g.append(el("svg:text", { x: p.x, y: p.y + 40 }, short(name)));
    svg.append(g);
  }
}

function drawPanels(cluster) {
  const panels = document.getElementById("nodes");
  panels.replaceChildren();
  for (const snapshot of [...cluster.nodes].sort((a, b) => a.node.localeCompare(b.node))) {
    const r = rate(snapshot);
    const panel = el("div", { class: "node-panel", "data-panel": snapshot.node });
    panel.append(el("h2", {}, `${snapshot.node} (${snapshot.overlay})`));
    panel.append(el("p", {}, `${snapshot.members.length} members, ${snapshot.neighbours.length} neighbours` +
      (snapshot.passiveView ? `, ${snapshot.passiveView.length} passive` : "") +
      ` · out ${Math.round(r.out)} B/s · in ${Math.round(r.in)} B/s`));
    const connections = el("table");
    connections.append(el("tr", {}, ""));
    connections.lastChild.innerHTML = "<th>peer</th><th>channel</th><th>state</th><th>msgs out/in</th><th>bytes out/in</th><th>queued</th>";
    for (const c of snapshot.connections) {
      const row = el("tr");
      for (const cell of [short(c.peer), `${c.channel}/${c.index}`, c.state, `${c.messagesSent}/${c.messagesReceived}`, `${c.bytesSent}/${c.bytesReceived}`, c.queuedBytes]) row.append(el("td", {}, String(cell)));
      connections.append(row);
    }
    panel.append(connections);
    const processes = el("table");
    processes.append(el("tr"));
    processes.lastChild.innerHTML = "<th>pid</th><th>name</th><th>behaviour</th><th>mailbox</th>";
    for (const p of snapshot.processes) {
      const row = el("tr");
      for (const cell of [p.pid, p.name || "", p.behaviour || "", p.mailbox]) row.append(el("td", {}, String(cell)));
      processes.append(row);
    }
    panel.append(processes);
    panels.append(panel);
  }
}

function drawLog(cluster) {
  const log = document.getElementById("log");
  const events = [];
  for (const snapshot of cluster.nodes) {
    for (const e of snapshot.events) events.push({ seenBy: snapshot.node, ...e });
  }
  events.sort((a, b) => a.at - b.at);
  for (const e of events) {
    const key = `${e.seenBy}|${e.node}|${e.at}|${e.up}`;
    if (logged.has(key)) continue;
    logged.add(key);
    const time = new Date(e.at).toISOString().slice(11, 23);
    log.prepend(el("li", {}, `${time} ${short(e.seenBy)} sees ${short(e.node)} ${e.up ? "up" : "down (" + e.reason + ")"}`));
  }
}

function render(cluster) {
  document.getElementById("status").textContent = `${cluster.nodes.length} nodes, updated ${new Date().toISOString().slice(11, 19)}`;
  drawGraph(cluster);
  drawPanels(cluster);
  drawLog(cluster);
}

const source = new EventSource("events");
source.onmessage = message => render(JSON.parse(message.data));
source.onerror = () => { document.getElementById("status").textContent = "disconnected, retrying…"; };
