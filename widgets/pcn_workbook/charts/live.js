// PCN Workbook live chart: one Vega view per widget, changed in place.
//
// Bundled once by vl-convert's javascript_bundle (which puts `vegaEmbed` in scope; this
// file has no imports of its own) and served as one cached module for every chart on a page.
//
// The kernel always sends the whole Vega-Lite spec (so a new view starts from the truth). When only
// the named datasets, the title's text/subtitle or the description differ from what is drawn, the
// view is changed in place: a Vega changeset per changed dataset, a signal per title line, the
// view's description (its container's aria-label) for screen readers. Anything else re-embeds.

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
  const t = titleParts(title);
  return JSON.stringify([rest, Object.keys(datasets ?? {}).sort(),
    t === null ? null : [t.rest, "subtitle" in t]]);
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

function render({ model, el }) {
  const host = document.createElement("div");
  el.appendChild(host);
  let view = null;
  let drawn = null; // the spec the view shows
  let queue = Promise.resolve();
  let closed = false;
  let embeds = 0; // counted on the element (data-embeds), so tests can tell an update from a redraw
  let updates = 0;

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
    if (!spec || Object.keys(spec).length === 0) {
      host.replaceChildren();
      return;
    }
    const result = await vegaEmbed(host, drawable(spec), model.get("embed_options") ?? {});
    if (closed) { result.finalize(); return; }
    view = result.view;
    host.dataset.embeds = String(++embeds);
  }

  async function update() {
    const spec = model.get("spec");
    if (closed || spec === drawn) return;
    if (!view || shape(spec) !== shape(drawn)) return embed();
    const datasets = spec.datasets ?? {};
    const before = drawn.datasets ?? {};
    try {
      for (const name of Object.keys(datasets)) {
        if (!same(datasets[name], before[name])) {
          view.change(name, view.changeset().remove(() => true).insert(structuredClone(datasets[name])));
        }
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
    await view.runAsync();
    host.dataset.updates = String(++updates);
  }

  // One change at a time, in order; a change that arrives mid-update is applied right after.
  const enqueue = (job) => { queue = queue.then(job).catch(showError); return queue; };
  model.on("change:spec", () => enqueue(update));
  model.on("change:embed_options", () => enqueue(embed));
  enqueue(embed);
  return () => {
    closed = true;
    if (view) view.finalize();
  };
}

export default { render };
