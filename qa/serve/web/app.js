// kgqa web page: ask questions, find entities, explore their neighbourhood graph.
// Plain browser JavaScript, no dependencies, nothing loaded from the internet.
"use strict";

// The API key (when the server has one) lives in this tab's sessionStorage, never in the
// address: an old-style ?api_key= link is moved there and dropped from the address bar.
const KEY_ITEM = "kgqa-api-key";
{
  const params = new URLSearchParams(location.search);
  if (params.has("api_key")) {
    sessionStorage.setItem(KEY_ITEM, params.get("api_key"));
    params.delete("api_key");
    const rest = params.toString();
    history.replaceState(null, "", location.pathname + (rest ? `?${rest}` : "") + location.hash);
  }
}

function askForKey(message) {
  const key = window.prompt(message);
  if (key) sessionStorage.setItem(KEY_ITEM, key.trim());
  return Boolean(key);
}
const TYPE_COLOURS = { PERSON: "#4e79a7", ORG: "#f28e2b", GPE: "#59a14f", LOC: "#76b7b2",
  NORP: "#b07aa1", FAC: "#9c755f", EVENT: "#e15759", WORK_OF_ART: "#edc948" };
const $ = (id) => document.getElementById(id);

function el(tag, attrs = {}, ...children) {
  const node = tag.startsWith("svg:")
    ? document.createElementNS("http://www.w3.org/2000/svg", tag.slice(4))
    : document.createElement(tag);
  for (const [k, v] of Object.entries(attrs)) {
    if (k === "text") node.textContent = v;
    else if (k.startsWith("on")) node.addEventListener(k.slice(2), v);
    else node.setAttribute(k, v);
  }
  for (const c of children) node.append(c);
  return node;
}

async function api(method, path, body, retried = false) {
  const headers = { "Content-Type": "application/json" };
  const apiKey = sessionStorage.getItem(KEY_ITEM);
  if (apiKey) headers["X-API-Key"] = apiKey;
  const response = await fetch(path, { method, headers, body: body && JSON.stringify(body) });
  if (response.status === 401 && !retried &&
      askForKey(apiKey ? "Wrong API key; enter the kgqa API key:" : "Enter the kgqa API key:")) {
    return api(method, path, body, true);
  }
  const data = await response.json().catch(() => ({}));
  if (!response.ok) {
    const detail = Array.isArray(data.detail)
      ? data.detail.map((d) => `${(d.loc || []).join(".")}: ${d.msg}`).join("; ")
      : data.detail || response.statusText;
    throw new Error(`${response.status}: ${detail}`);
  }
  if (data.generation) $("generation").textContent = `store ${data.generation}`;
  return data;
}

// --- tabs -------------------------------------------------------------------------------
for (const tab of document.querySelectorAll(".tab")) {
  tab.addEventListener("click", () => {
    for (const t of document.querySelectorAll(".tab")) t.classList.toggle("active", t === tab);
    for (const p of document.querySelectorAll(".panel")) {
      p.classList.toggle("hidden", p.id !== tab.dataset.panel);
    }
  });
}

// --- asking -----------------------------------------------------------------------------
function passageWithMark(text, start, end) {
  const quote = el("blockquote");
  if (start < 0 || end > text.length || start >= end) { quote.textContent = text; return quote; }
  quote.append(text.slice(0, start), el("mark", { text: text.slice(start, end) }), text.slice(end));
  return quote;
}

// --- more like this ---------------------------------------------------------------------
function moreLikeThis(query, box) {
  const link = el("a", { class: "more-like-this", href: "#", text: "more like this" });
  link.addEventListener("click", async (event) => {
    event.preventDefault();
    box.replaceChildren(el("span", { class: "muted", text: "Looking…" }));
    try {
      const data = await api("GET", `/similar?${query}&k=5`);
      const list = el("ul", { class: "similar" });
      for (const r of data.results) {
        if (data.kind === "entity") {
          const item = el("li", { class: "similar-entity", text: `${r.name} (${r.type || "?"}) · ${r.score.toFixed(3)}` });
          item.addEventListener("click", () => drawGraph(r.id));
          list.append(item);
        } else {
          const where = r.page ? `${r.doc_id}, page ${r.page}` : r.doc_id;
          list.append(el("li", { class: "similar-passage" }, el("b", { text: `${where} · ${r.score.toFixed(3)}: ` }),
            r.text.length > 200 ? r.text.slice(0, 200) + "…" : r.text));
        }
      }
      if (!data.results.length) list.append(el("li", { class: "muted", text: "Nothing alike." }));
      box.replaceChildren(list);
    } catch (err) {
      box.replaceChildren(el("span", { class: "muted", text: err.message }));
    }
  });
  return link;
}

function withMoreLikeThis(node, query) {
  const box = el("div", { class: "similar-box" });
  node.append(moreLikeThis(query, box), box);
  return node;
}

function renderAnswer(result, answer) {
  const hit = result.hits.find((h) => h.passage_id === answer.passage_id);
  let start = hit ? answer.start - hit.start : answer.context.indexOf(answer.text);
  if (answer.context.slice(start, start + answer.text.length) !== answer.text) {
    start = answer.context.indexOf(answer.text);
  }
  const card = el("div", { class: "answer" },
    el("h2", { class: "answer-text", text: answer.text }),
    el("div", { class: "meta", text: (answer.probability == null ? `score ${answer.score.toFixed(3)}`
      : `${Math.round(100 * answer.probability)}% sure`) + ` · ${answer.doc_id} · ` +
      (answer.page ? `page ${answer.page} · ` : "") +
      `passage ${answer.passage_id} · characters ${answer.start}–${answer.end}` +
      (answer.also_in ? ` · also in ${answer.also_in.length} more passage(s)` : "") }),
    passageWithMark(answer.context, start, start + answer.text.length));
  if (answer.facts && answer.facts.length) {
    const list = el("ul", { class: "facts" });
    for (const f of answer.facts) {
      list.append(el("li", { text: `${f.source_name} — ${f.label} → ${f.target_name}: “${f.example}”` }));
    }
    card.append(el("div", { class: "meta", text: "supporting graph facts" }), list);
  }
  if (result.path && result.path.length) {
    // a multi-hop answer: each hop's sub-question, its answer, and the edge or span behind it
    const steps = el("ol", { class: "path" });
    for (const step of result.path) {
      const where = step.edge ? `graph edge ${step.edge.label} · ${step.doc_id}`
        : step.doc_id ? `${step.how} · ${step.doc_id} · characters ${step.start}–${step.end}`
          : step.how;
      steps.append(el("li", {},
        el("span", { text: `${step.question} → ` }),
        el("strong", { text: step.answer }),
        el("span", { class: "meta", text: ` (${where})` })));
    }
    card.append(el("div", { class: "meta", text: "path: the answer, hop by hop" }), steps);
  }
  return withMoreLikeThis(card, `passage=${encodeURIComponent(answer.passage_id)}`);
}

$("ask-form").addEventListener("submit", async (event) => {
  event.preventDefault();
  const question = $("question").value.trim();
  if (!question) return;
  const out = $("answers");
  out.replaceChildren();
  $("ask-status").textContent = "Reading…";
  try {
    const result = await api("POST", "/ask", { question });
    $("ask-status").textContent = "";
    if (result.reader === null) {
      out.append(el("div", { class: "answer no-answer", text:
        "No reader model is configured, so here are the passages search found." }));
    } else if (result.no_answer) {
      out.append(el("div", { class: "answer no-answer", id: "no-answer" },
        el("h2", { text: "No answer" }),
        el("div", { class: "meta", text: "The documents don't say; the closest passages are below." })));
    }
    for (const answer of result.answers) out.append(renderAnswer(result, answer));
    if (!result.answers.length) {
      for (const h of result.hits) {
        out.append(withMoreLikeThis(el("div", { class: "hit" }, el("b", { text: `${h.doc_id}: ` }),
          h.text.length > 300 ? h.text.slice(0, 300) + "…" : h.text),
          `passage=${encodeURIComponent(h.passage_id)}`));
      }
    }
  } catch (err) {
    $("ask-status").textContent = err.message;
  }
});

// --- entities and the graph ---------------------------------------------------------------
const view = { x: 0, y: 0, k: 1 };
let graphRoot = null;

function applyView() {
  if (graphRoot) graphRoot.setAttribute("transform", `translate(${view.x},${view.y}) scale(${view.k})`);
}

function fit() {
  const svg = $("graph");
  view.k = 1; view.x = svg.clientWidth / 2; view.y = svg.clientHeight / 2;
  applyView();
}

function showEdge(edge, nodes) {
  const d = $("details");
  d.replaceChildren(el("h3", { text: `${nodes[edge.source].name} — ${edge.label} → ${nodes[edge.target].name}` }),
    el("div", { class: "muted", text: `confidence ${edge.confidence.toFixed(2)} · ${edge.evidence.length} evidence` }));
  for (const ev of edge.evidence) {
    d.append(el("div", { class: "evidence" },
      el("div", { class: "muted", text: `${ev.doc_id} · ${ev.passage_id} · chars ${ev.start}–${ev.end} · ${(+ev.confidence).toFixed(2)}` }),
      el("div", { text: ev.sentence || ev.text || edge.example })));
  }
}

function showNode(node, edges) {
  $("details").replaceChildren(el("h3", { text: node.name }),
    el("div", { class: "muted", text: `${node.type || ""} · ${node.mention_count} mentions · ${edges} edges here · id ${node.id}` }),
    el("p", { class: "muted", text: "Click an edge to read its evidence." }));
}

async function drawGraph(entityId) {
  const hops = +$("hops").value;
  const data = await api("GET", `/graph/neighbourhood?entity=${encodeURIComponent(entityId)}&hops=${hops}`);
  const svg = $("graph");
  svg.replaceChildren();
  graphRoot = el("svg:g", { id: "viewport" });
  svg.append(graphRoot);
  const R = Math.min(svg.clientWidth, svg.clientHeight) / 2 - 50;
  const nodes = {};
  for (const n of data.nodes) nodes[n.id] = { ...n, px: n.x * R, py: n.y * R };
  const pairCount = {};
  const edgeLayer = el("svg:g"), nodeLayer = el("svg:g");
  graphRoot.append(edgeLayer, nodeLayer);
  for (const e of data.edges) {
    const a = nodes[e.source], b = nodes[e.target];
    const key = [e.source, e.target].sort().join("|");
    const i = (pairCount[key] = (pairCount[key] || 0) + 1) - 1;
    const dx = b.px - a.px, dy = b.py - a.py, len = Math.hypot(dx, dy) || 1;
    const off = i * 12;
    const mx = (a.px + b.px) / 2 - (dy / len) * off, my = (a.py + b.py) / 2 + (dx / len) * off;
    const group = el("svg:g", { class: "edge", "data-label": e.label },
      el("svg:line", { x1: a.px, y1: a.py, x2: b.px, y2: b.py }),
      el("svg:line", { class: "hitline", x1: a.px, y1: a.py, x2: b.px, y2: b.py }),
      el("svg:text", { x: mx, y: my, "text-anchor": "middle", text: e.label }),
      el("svg:title", { text: `${a.name} — ${e.label} → ${b.name}\n${e.example}` }));
    group.addEventListener("click", (ev) => {
      ev.stopPropagation();
      for (const s of svg.querySelectorAll(".edge.selected")) s.classList.remove("selected");
      group.classList.add("selected");
      showEdge(e, nodes);
    });
    edgeLayer.append(group);
  }
  for (const n of Object.values(nodes)) {
    const r = 7 + Math.min(10, Math.sqrt(n.mention_count || 1) * 2);
    const group = el("svg:g", { class: "node" + (n.id === data.center ? " center" : ""),
                                "data-id": n.id, "data-type": n.type || "other", transform: `translate(${n.px},${n.py})` },
      el("svg:circle", { r, fill: TYPE_COLOURS[n.type] || "#8c8c8c" }),
      el("svg:text", { x: r + 3, y: 4, text: n.name }),
      el("svg:title", { text: `${n.name} (${n.type || "?"}), ${n.mention_count} mentions — click to recentre` }));
    group.addEventListener("click", (ev) => { ev.stopPropagation(); drawGraph(n.id); });
    nodeLayer.append(group);
  }
  placeEdgeLabels(edgeLayer, nodeLayer);
  const types = [...new Set(Object.values(nodes).map((n) => n.type || "other"))].sort();
  $("legend").replaceChildren(...types.map((t) => el("span", { "data-type": t }, typeSwatch(t), t)),
    el("span", { class: "muted", text: "lines: relations (click one for its evidence)" }));
  const centre = nodes[data.center];
  $("graph-title").textContent = `${centre.name}: ${data.nodes.length} entities, ${data.edges.length} edges`;
  showNode(centre, data.edges.length);
  fit();
}

// Edge labels where they overlap nothing: each label tries points along its edge, middle
// first, and takes the first whose box is clear of the labels placed before it and of every
// node and node name; a label with no clear point is shown only when its edge is hovered or
// selected.
function placeEdgeLabels(edgeLayer, nodeLayer) {
  const boxes = [...nodeLayer.querySelectorAll(".node")].map((g) => {
    const b = g.getBBox(), m = g.transform.baseVal.consolidate().matrix;
    return { x: b.x + m.e - 2, y: b.y + m.f - 2, w: b.width + 4, h: b.height + 4 };
  });
  const clear = (r) => boxes.every((o) =>
    r.x + r.w <= o.x || o.x + o.w <= r.x || r.y + r.h <= o.y || o.y + o.h <= r.y);
  for (const group of edgeLayer.querySelectorAll(".edge")) {
    const line = group.querySelector("line"), text = group.querySelector("text");
    const [x1, y1, x2, y2] = ["x1", "y1", "x2", "y2"].map((a) => +line.getAttribute(a));
    const shiftX = +text.getAttribute("x") - (x1 + x2) / 2, shiftY = +text.getAttribute("y") - (y1 + y2) / 2;
    let placed = false;
    for (const t of [0.5, 0.4, 0.6, 0.3, 0.7, 0.2, 0.8]) {
      text.setAttribute("x", x1 + (x2 - x1) * t + shiftX);
      text.setAttribute("y", y1 + (y2 - y1) * t + shiftY);
      const b = text.getBBox(), r = { x: b.x - 1, y: b.y - 1, w: b.width + 2, h: b.height + 2 };
      if (clear(r)) { boxes.push(r); placed = true; break; }
    }
    text.classList.toggle("unplaced", !placed);
  }
}

$("entity-form").addEventListener("submit", async (event) => {
  event.preventDefault();
  const q = $("entity-query").value.trim();
  const list = $("entity-list");
  list.replaceChildren();
  try {
    const data = await api("GET", `/entities?q=${encodeURIComponent(q)}`);
    if (!data.entities.length) list.append(el("li", { class: "muted", text: "No entity matches." }));
    for (const e of data.entities) {
      const item = el("li", { "data-id": e.id }, el("span", { text: `${e.name} (${e.type || "?"}, ${e.mention_count} mentions) ` }));
      item.firstChild.addEventListener("click", () => {
        for (const li of list.children) li.classList.toggle("active", li === item);
        drawGraph(e.id);
      });
      list.append(withMoreLikeThis(item, `entity=${encodeURIComponent(e.id)}&graph=true`));
    }
    if (data.entities.length) list.firstChild.firstChild.click();
  } catch (err) {
    list.append(el("li", { class: "muted", text: err.message }));
  }
});

// pan and zoom
(() => {
  const svg = $("graph");
  let drag = null;
  svg.addEventListener("pointerdown", (e) => {
    if (e.target.closest(".node, .edge")) return;
    drag = { x: e.clientX - view.x, y: e.clientY - view.y };
    svg.setPointerCapture(e.pointerId);
  });
  svg.addEventListener("pointermove", (e) => {
    if (!drag) return;
    view.x = e.clientX - drag.x; view.y = e.clientY - drag.y; applyView();
  });
  svg.addEventListener("pointerup", () => { drag = null; });
  const zoom = (factor, cx, cy) => {
    view.x = cx - (cx - view.x) * factor; view.y = cy - (cy - view.y) * factor;
    view.k *= factor; applyView();
  };
  svg.addEventListener("wheel", (e) => {
    e.preventDefault();
    const box = svg.getBoundingClientRect();
    zoom(e.deltaY < 0 ? 1.15 : 1 / 1.15, e.clientX - box.left, e.clientY - box.top);
  }, { passive: false });
  $("zoom-in").addEventListener("click", () => zoom(1.25, svg.clientWidth / 2, svg.clientHeight / 2));
  $("zoom-out").addEventListener("click", () => zoom(0.8, svg.clientWidth / 2, svg.clientHeight / 2));
  $("zoom-reset").addEventListener("click", fit);
})();

// --- the first screen: what the store holds, its best-known entities, questions to try ------
function typeSwatch(type) {
  const swatch = el("span", { class: "swatch" });
  // through the CSS object model: the page's Content-Security-Policy refuses style attributes
  swatch.style.background = TYPE_COLOURS[type] || "#8c8c8c";
  return swatch;
}

function showEntity(entityId, name) {
  $("tab-entities").click();
  $("entity-query").value = name;
  drawGraph(entityId);
}

async function loadOverview() {
  const box = $("overview");
  try {
    const data = await api("GET", "/overview");
    const chips = el("ul", { class: "chips", id: "top-entities" });
    for (const e of data.top_entities) {
      const chip = el("li", { "data-id": e.id, title: `${e.type || "?"}, ${e.mention_count} mentions, ${e.degree} edges` },
        typeSwatch(e.type), e.name);
      chip.addEventListener("click", () => showEntity(e.id, e.name));
      chips.append(chip);
    }
    box.replaceChildren(
      el("p", { id: "store-summary", text: `This store holds ${data.documents} documents ` +
        `(${data.passages} passages), ${data.entities} entities and ${data.edges} relations.` }),
      el("div", { class: "muted", text: "Most mentioned (click to see its graph):" }), chips,
      el("div", { class: "muted", id: "suggested-status", text: "Finding questions it can answer…" }));
  } catch (err) {
    box.replaceChildren(el("p", { class: "muted", text: `No store summary: ${err.message}` }));
    return;
  }
  try {
    const data = await api("GET", "/overview?questions=3");
    const status = $("suggested-status");
    if (!data.questions || !data.questions.length) {
      status.textContent = "Ask anything the documents say.";
      return;
    }
    status.textContent = "Questions it can answer, drawn from its graph:";
    const list = el("ul", { class: "suggested", id: "suggested" });
    for (const q of data.questions) {
      const link = el("a", { href: "#", text: q.question });
      link.addEventListener("click", (event) => {
        event.preventDefault();
        $("question").value = q.question;
        $("ask").click();
      });
      list.append(el("li", {}, link));
    }
    status.after(list);
  } catch (err) {
    $("suggested-status").textContent = "";
  }
}
loadOverview();
