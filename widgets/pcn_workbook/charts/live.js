// PCN Workbook live chart: one Vega view per widget, changed in place.
//
// Bundled once by vl-convert's javascript_bundle (which puts `vegaEmbed` in scope; this
// file has no imports of its own) and served as one cached module for every chart on a page.
//
// The model holds the whole Vega-Lite spec (so a new view starts from the truth). When only the
// named datasets, the title's text/subtitle or the description differ from what is drawn, the
// view is changed in place: a Vega changeset per changed dataset, a signal per title line, the
// view's description (its container's aria-label) for screen readers. Anything else re-embeds.
//
// On a slider step the kernel sends a patch, not the spec: {pcn_live: "patch", base, version,
// set, datasets} (only the changed datasets and top-level keys). It is applied to the model's spec
// once per model (in initialize), and the views then see an ordinary change of spec, told which
// datasets the patch changed so that they need not compare the rest. A patch made for another
// version than the one held means one was missed (sent while this code was loading): the model
// asks the kernel for its whole state instead, as it does once when it starts.
//
// Text alternatives: the chart sits in a wrapper with role="img" whose aria-label is the spec's
// description (the chart's figures in words), kept current on every change (Vega's own SVG roles
// and labels are hidden from screen readers, so the chart is read once, as one image); under it, a
// "Show as table" disclosure (<details>, so it opens by keyboard with no script) lists the chart's
// main dataset, every value set as text (never as HTML), at most TABLE_ROWS rows.

const TITLE = "pcn_title";
const SUBTITLE = "pcn_subtitle";

function titleParts(title) {
  if (title === undefined || title === null) return null;
  if (typeof title === "string" || Array.isArray(title)) return { text: title, rest: {} };
  const { text, subtitle, ...rest } = title;
  const parts = { text: text ?? "", rest };
  if (subtitle !== undefined) parts.subtitle = subtitle;
  return parts;
}

// What an in-place update cannot change: everything but datasets, title lines and description.
function shape(spec) {
  const { datasets, description, title, ...rest } = spec ?? {};
  return JSON.stringify([rest, Object.keys(datasets ?? {}).sort(), titleShape(spec)]);
}

function titleShape(spec) {
  const t = titleParts(spec?.title);
  return t === null ? null : JSON.stringify([t.rest, "subtitle" in t]);
}

// The spec as drawn: the title lines read from signals, so they can change without a re-embed.
function drawable(spec) {
  const out = structuredClone(spec);
  const t = titleParts(out.title);
  if (t !== null) {
    out.params = [...(out.params ?? []), { name: TITLE, value: t.text }];
    out.title = { ...t.rest, text: { expr: TITLE } };
    if ("subtitle" in t) {
      out.params.push({ name: SUBTITLE, value: t.subtitle });
      out.title.subtitle = { expr: SUBTITLE };
    }
  }
  return out;
}

const same = (a, b) => JSON.stringify(a) === JSON.stringify(b);

// Specs made by a patch -> what they were made from and what the patch changed.
const PATCHED = new WeakMap();
const TEXT_KEYS = ["title", "description"]; // what a view can change without a re-embed (besides datasets)

function applyPatch(model, msg) {
  const held = model.get("_version") ?? 0;
  if (msg.base !== held) {
    if (msg.version > held) model.send({ pcn_live: "version", version: held }); // missed one: resend all
    return;
  }
  const from = model.get("spec") ?? {};
  const set = msg.set ?? {};
  const datasets = msg.datasets ?? {};
  const spec = { ...from, ...set, datasets: { ...(from.datasets ?? {}), ...datasets } };
  PATCHED.set(spec, { from, datasets: Object.keys(datasets), keys: Object.keys(set) });
  model.set({ spec, _version: msg.version });
}

const TABLE_ROWS = 60;

function titleText(title) {
  const t = titleParts(title);
  if (t === null) return "";
  return [t.text, t.subtitle].flat().filter((s) => typeof s === "string" && s).join(": ");
}

// What the chart says in words: its description, else its title.
function label(spec) {
  return (spec && (spec.description || titleText(spec.title))) || "Chart";
}

// The dataset the table shows: the one the top level (or its first layer or view) draws, else the
// first named one; a chart with inline values shows those.
function mainRows(spec) {
  const datasets = spec.datasets ?? {};
  const views = [spec, ...(spec.layer ?? []), ...(spec.vconcat ?? []), ...(spec.hconcat ?? []), ...(spec.concat ?? [])];
  for (const v of views) {
    const data = v && v.data;
    if (data && typeof data.name === "string" && Array.isArray(datasets[data.name])) return datasets[data.name];
    if (data && Array.isArray(data.values)) return data.values;
  }
  const first = Object.values(datasets).find(Array.isArray);
  return first ?? [];
}

// Column headings as the chart's axes and legends name them (field -> title in the encodings).
function fieldTitles(spec) {
  const titles = {};
  const walk = (node) => {
    if (Array.isArray(node)) return node.forEach(walk);
    if (node === null || typeof node !== "object") return;
    if (typeof node.field === "string" && typeof node.title === "string" && !(node.field in titles)) {
      titles[node.field] = node.title;
    }
    for (const [key, value] of Object.entries(node)) if (key !== "datasets") walk(value);
  };
  walk(spec);
  return titles;
}

function cellText(value) {
  if (value === null || value === undefined) return "";
  if (typeof value === "number") return Number.isInteger(value) ? String(value) : String(Number(value.toFixed(3)));
  if (typeof value === "object") return JSON.stringify(value);
  return String(value);
}

// The table for a spec, built with textContent only (values are data, never markup).
function dataTable(spec) {
  const rows = mainRows(spec).filter((r) => r !== null && typeof r === "object");
  const columns = [...new Set(rows.slice(0, TABLE_ROWS).flatMap((r) => Object.keys(r)))];
  const titles = fieldTitles(spec);
  const parts = [];
  const table = document.createElement("table");
  table.createCaption().textContent = titleText(spec.title) || "The chart's data";
  const head = table.createTHead().insertRow();
  for (const c of columns) {
    const th = document.createElement("th");
    th.scope = "col";
    th.textContent = titles[c] ?? c;
    head.appendChild(th);
  }
  const body = table.createTBody();
  for (const r of rows.slice(0, TABLE_ROWS)) {
    const tr = body.insertRow();
    for (const c of columns) tr.insertCell().textContent = cellText(r[c]);
  }
  parts.push(table);
  const note = document.createElement("p");
  note.className = "pcn-table-note";
  note.textContent = rows.length > TABLE_ROWS
    ? `Showing the first ${TABLE_ROWS} of ${rows.length} rows.`
    : rows.length === 0 ? "This chart has no rows to show." : `${rows.length} row${rows.length === 1 ? "" : "s"}.`;
  parts.push(note);
  return parts;
}

// --- Sliders' names and values, page-wide -------------------------------------------------------
// ipywidgets draws a slider as a noUiSlider handle (role="slider") beside a <label> that is not tied
// to it, so a screen reader hears "slider, 5" with no name; and its aria-valuetext is a bare number.
// Every app page that has a slider also loads this module (its charts), so it installs, once per
// page, an observer that names each handle after its label and reads the value as the readout shows
// it, followed by the unit when the label ends with one in brackets: "Tolerance (£ per patient)"
// -> "2.00 £ per patient".
function unitOf(labelText) {
  const m = /\(([^()]+)\)\s*$/.exec(labelText);
  return m ? m[1].trim() : "";
}

function nameSlider(widget) {
  const label = (widget.querySelector(":scope > .widget-label")?.textContent ?? "").trim()
    || (widget.getAttribute("title") ?? "").trim();
  const readout = widget.querySelector(":scope > .widget-readout");
  const unit = unitOf(label);
  const handles = [...widget.querySelectorAll(".noUi-handle[role=slider]")];
  const values = readout ? readout.textContent.split(/\s*[–-]\s*(?=\S)/) : [];
  handles.forEach((handle, i) => {
    const which = handles.length > 1 ? (i === 0 ? " (lower end)" : " (upper end)") : "";
    const name = (label || "Slider") + which;
    if (handle.getAttribute("aria-label") !== name) handle.setAttribute("aria-label", name);
    const shown = (handles.length > 1 ? values[i] : readout?.textContent)?.trim();
    const text = shown ? (unit && !shown.includes(unit) ? `${shown} ${unit}` : shown) : null;
    if (text && handle.getAttribute("aria-valuetext") !== text) handle.setAttribute("aria-valuetext", text);
  });
}

function nameSliders() {
  document.querySelectorAll(".widget-slider").forEach(nameSlider);
}

function installSliderNames() {
  if (window.__pcnSliderNames) return;
  window.__pcnSliderNames = true;
  let pending = false;
  const later = () => {
    if (pending) return;
    pending = true;
    requestAnimationFrame(() => { pending = false; nameSliders(); });
  };
  new MutationObserver(later).observe(document.body, {
    subtree: true, childList: true, characterData: true,
    attributes: true, attributeFilter: ["aria-valuetext", "aria-valuenow"],
  });
  later();
}

// --- First draws, one chart at a time ----------------------------------------------------------
// A page with several charts would otherwise compile and draw them all at once, and the chart the
// reader is looking at would appear only when the last one is done. Each view queues its first
// draw here. The next drawn is the highest on screen of those waiting (else the first queued), and
// after each draw the page gets a turn (to paint, and to answer a key) before the next. A draw that
// has not finished after TURN_MS no longer holds the others back.
const TURN_MS = 10000;
const waiting = [];
let drawing = false;

function nextDraw() {
  let best = -1;
  let top = Infinity;
  waiting.forEach((job, i) => {
    const r = job.el.getBoundingClientRect();
    const onScreen = r.height > 0 && r.bottom > 0 && r.top < window.innerHeight;
    if (onScreen && r.top < top) { best = i; top = r.top; }
  });
  return waiting.splice(best < 0 ? 0 : best, 1)[0];
}

async function drawInTurn() {
  if (drawing) return;
  drawing = true;
  while (waiting.length) {
    const job = nextDraw();
    const done = Promise.resolve().then(job.draw).then(job.resolve, job.reject);
    await Promise.race([done, new Promise((resolve) => setTimeout(resolve, TURN_MS))]);
    await new Promise((resolve) => setTimeout(resolve, 0));
  }
  drawing = false;
}

function inTurn(el, draw) {
  return new Promise((resolve, reject) => {
    waiting.push({ el, draw, resolve, reject });
    drawInTurn();
  });
}

function render({ model, el }) {
  const figure = document.createElement("div");
  figure.className = "pcn-chart-figure";
  figure.setAttribute("role", "img");
  const host = document.createElement("div");
  host.setAttribute("aria-hidden", "true"); // the wrapper speaks for the chart; Vega's marks stay silent
  figure.appendChild(host);
  const details = document.createElement("details");
  details.className = "pcn-chart-table";
  const summary = document.createElement("summary");
  summary.textContent = "Show as table";
  const tableBox = document.createElement("div");
  details.append(summary, tableBox);
  el.append(figure, details);
  installSliderNames();
  let view = null;
  let drawn = null; // the spec the view shows
  let queue = Promise.resolve();
  let closed = false;
  let embeds = 0; // counted on the element (data-embeds), so tests can tell an update from a redraw
  let updates = 0;

  // The words and the table follow the spec the view shows (the table is built only while open).
  function describe() {
    const spec = drawn ?? {};
    figure.setAttribute("aria-label", label(spec));
    details.hidden = !drawn || Object.keys(drawn).length === 0;
    if (details.open) tableBox.replaceChildren(...dataTable(spec));
    else tableBox.replaceChildren();
  }
  details.addEventListener("toggle", describe);

  function showError(error) {
    const box = document.createElement("p");
    box.setAttribute("role", "alert");
    box.textContent = "This chart could not be drawn: " + (error && error.message ? error.message : error);
    host.replaceChildren(box);
  }

  async function embed() {
    if (view) view.finalize();
    view = null;
    const spec = model.get("spec");
    drawn = spec;
    describe();
    if (!spec || Object.keys(spec).length === 0) {
      host.replaceChildren();
      return;
    }
    const result = await vegaEmbed(host, drawable(spec), model.get("embed_options") ?? {});
    if (closed) { result.finalize(); return; }
    view = result.view;
    host.dataset.embeds = String(++embeds);
  }

  // The datasets that differ between the drawn spec and this one, or null when the view cannot be
  // changed in place. A spec patched from the drawn one says itself what changed.
  function changedDatasets(spec) {
    const patch = PATCHED.get(spec);
    if (patch && patch.from === drawn && patch.keys.every((k) => TEXT_KEYS.includes(k))
        && (!patch.keys.includes("title") || titleShape(spec) === titleShape(drawn))) return patch.datasets;
    if (shape(spec) !== shape(drawn)) return null;
    const datasets = spec.datasets ?? {};
    const before = drawn.datasets ?? {};
    return Object.keys(datasets).filter((name) => !same(datasets[name], before[name]));
  }

  async function update() {
    const spec = model.get("spec");
    if (closed || spec === drawn) return;
    const changed = view ? changedDatasets(spec) : null;
    if (changed === null) return embed();
    const datasets = spec.datasets ?? {};
    try {
      for (const name of changed) {
        view.change(name, view.changeset().remove(() => true).insert(structuredClone(datasets[name])));
      }
      const t = titleParts(spec.title);
      const was = titleParts(drawn.title);
      if (t !== null && !same(t.text, was.text)) view.signal(TITLE, t.text);
      if (t !== null && "subtitle" in t && !same(t.subtitle, was.subtitle)) view.signal(SUBTITLE, t.subtitle);
      if (spec.description !== drawn.description) view.description(spec.description ?? null);
    } catch (error) {
      console.warn("[pcn-workbook] live chart redrawn:", error && error.message);
      return embed(); // e.g. a dataset Vega-Lite folded away: draw afresh rather than show stale data
    }
    drawn = spec;
    describe();
    await view.runAsync();
    host.dataset.updates = String(++updates);
  }

  // One change at a time, in order; a change that arrives mid-update is applied right after.
  const enqueue = (job) => { queue = queue.then(job).catch(showError); return queue; };
  model.on("change:spec", () => enqueue(update));
  model.on("change:embed_options", () => enqueue(embed));
  enqueue(() => inTurn(el, () => (closed ? null : embed()))); // a change meanwhile waits in the queue
  return () => {
    closed = true;
    if (view) view.finalize();
  };
}

function initialize({ model }) {
  model.on("msg:custom", (msg) => {
    if (msg && msg.pcn_live === "patch") applyPatch(model, msg);
  });
  model.send({ pcn_live: "version", version: model.get("_version") ?? 0 }); // any patch missed so far?
}

export default { initialize, render };
