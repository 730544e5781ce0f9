// The facilitator's control view and the projector view: poll state.json, update in place.
// Participant text only ever goes into textContent; charts are SVG pictures in <img> elements.
document.addEventListener("DOMContentLoaded", () => {
  const root = document.getElementById("pcn-dash");
  if (!root) return;
  const view = root.dataset.view, xsrf = root.dataset.xsrf || "";
  const cards = new Map();
  let revision = "", role = "", busy = false;

  const el = (tag, props = {}, ...kids) => {
    const node = document.createElement(tag);
    for (const [k, v] of Object.entries(props)) {
      if (k === "text") node.textContent = v; else if (k === "class") node.className = v; else node.setAttribute(k, v);
    }
    for (const kid of kids) if (kid) node.append(kid);
    return node;
  };
  const error = (text) => { const e = document.getElementById("pcn-error"); if (e) e.textContent = text || ""; };

  async function act(body) {
    error("");
    try {
      const r = await fetch("action", { method: "POST", headers: { "Content-Type": "application/json", "X-XSRFToken": xsrf },
                                        body: JSON.stringify(body), credentials: "same-origin" });
      const answer = await r.json().catch(() => ({}));
      if (!r.ok) error(answer.error || "The server refused that.");
    } catch (e) { error("The server could not be reached: nothing changed. Try again."); }
    revision = ""; poll();
  }

  function button(label, body, extra = {}) {
    const b = el("button", { type: "button", text: label, ...extra });
    b.addEventListener("click", () => act(body));
    return b;
  }

  function card(q) {
    let c = cards.get(q.key);
    if (!c) {
      c = { box: el("article", { class: "pcn-card", id: "q-" + q.key.replace(".", "-") }) };
      c.head = el("h3"); c.badges = el("p"); c.controls = el("p"); c.note = el("p", { class: "pcn-note" });
      c.pictures = el("div", { class: "pcn-pictures" });
      c.text = el("p", { class: "pcn-result-text" }); c.items = el("div");
      c.box.append(c.head, c.badges, c.controls, c.note, c.pictures, c.text, c.items);
      document.getElementById("pcn-questions").append(c.box);
      cards.set(q.key, c);
    }
    c.head.textContent = q.label + " (" + q.chapter_title + ")";
    c.note.textContent = q.note || "";
    if (view === "control") {
      c.badges.replaceChildren(
        el("span", { class: "pcn-badge", text: q.open ? "Open" : "Closed" }),
        el("span", { class: "pcn-badge", text: q.revealed ? "Shown on the projector" : "Hidden from the projector" }),
        el("span", { class: "pcn-badge", text: q.mode === "first" ? "First answer only" : "Latest answer counts" }),
        el("span", { text: q.answers + " answer(s)" }));
      c.controls.replaceChildren(
        button(q.revealed ? "Hide results" : "Reveal results", { action: q.revealed ? "hide" : "reveal", question: q.key },
               { class: "pcn-reveal", "data-question": q.key }),
        button(q.open ? "Close question" : "Open question", { action: q.open ? "close" : "open", question: q.key },
               { class: "pcn-open", "data-question": q.key }),
        button(q.mode === "first" ? "Count the latest answer" : "Count the first answer only",
               { action: "mode", question: q.key, value: q.mode === "first" ? "latest" : "first" }),
        button("Reset", { action: "reset", question: q.key }, { class: "pcn-reset" }));
    }
    const r = q.result;
    const pictures = (r && r.pictures) || [];
    while (c.pictures.children.length > pictures.length) c.pictures.lastChild.remove();
    pictures.forEach((p, i) => {  // swap each picture in place: no flicker on the wall
      let img = c.pictures.children[i];
      if (!img) { img = el("img", { class: "pcn-chart" }); c.pictures.append(img); }
      if (img.getAttribute("src") !== p.svg) img.src = p.svg;
      img.alt = p.alt || "";
    });
    c.text.textContent = r ? (r.text || "") : "";
    c.items.replaceChildren(...((r && r.items) || []).map((it) =>
      el("div", { class: "pcn-story" }, el("b", { text: it.title }), el("div", { text: it.text }), el("i", { text: it.note || "" }))));
  }

  function people(list) {
    const body = document.getElementById("pcn-people");
    if (!body) return;
    body.replaceChildren(...list.map((p) => el("tr", {}, el("td", { text: p.name }), el("td", { text: p.role || "" }),
                                                   el("td", { text: p.answered.join(", ") || "nothing yet" }))));
  }

  function pending(list) {
    const ul = document.getElementById("pcn-pending");
    if (!ul) return;
    ul.replaceChildren(...list.map((p) => el("li", { class: "pcn-pending-item" },
      el("b", { text: p.name + ": " + p.title }), el("div", { class: "pcn-draft", text: p.text }),
      button("Approve", { action: "approve", id: p.id }, { class: "pcn-approve" }),
      button("Reject", { action: "reject", id: p.id }, { class: "pcn-reject" }))));
    if (!list.length) ul.replaceChildren(el("li", { text: "Nothing waiting." }));
  }

  function roles(list) {
    const sel = document.getElementById("pcn-role");
    if (!sel) return;
    const have = Array.from(sel.options).map((o) => o.value);
    for (const r of list) if (!have.includes(r)) sel.append(el("option", { value: r, text: r }));
  }

  function draw(s) {
    document.getElementById("pcn-title").textContent = s.workshop.title + (s.workshop.closed ? " (closed)" : "");
    document.title = s.workshop.title + " - PCN Workbook";
    for (const q of s.questions) card(q);
    for (const [key, c] of cards) if (!s.questions.some((q) => q.key === key)) { c.box.remove(); cards.delete(key); }
    if (view === "control") { people(s.participants || []); pending(s.pending || []); roles(s.roles || []); }
  }

  async function poll() {
    if (busy) return;
    busy = true;
    const banner = document.getElementById("pcn-connection");
    try {
      const q = new URLSearchParams({ view, since: revision, role });
      const r = await fetch("state.json?" + q, { credentials: "same-origin", cache: "no-store" });
      if (r.status === 403) { location.reload(); return; }
      const s = await r.json();
      if (!r.ok) throw new Error(s.error || "unavailable");
      banner.hidden = true;
      if (!s.same) { draw(s); revision = s.revision; }
      root.dataset.revision = revision;
    } catch (e) {
      banner.hidden = false;
    } finally { busy = false; }
  }

  const sel = document.getElementById("pcn-role");
  if (sel) sel.addEventListener("change", () => { role = sel.value; revision = ""; poll(); });
  const closer = document.getElementById("pcn-close-workshop");
  if (closer) closer.addEventListener("click", () => {
    if (confirm("Close the workshop? Participants can no longer send answers; everything sent stays.")) act({ action: "close_workshop" });
  });
  poll();
  setInterval(poll, 1000);
});
