"""The springboard-stories app: choose a problem, read the cited stories that speak to it, draft
your own story in a guided form with a live checklist, and export a printable story card.

Thin by design: matching and the checklist are ``models.stories``, the card's formats
``story_card``; the bank and its figures are plain rows (``data.story_bank_rows``), so showing the
app needs no pandas. The draft survives a page reload through ``browser_store`` (the browser tab's
own storage, nothing on the server). Everything the learner typed is escaped before it is shown.
"""

from __future__ import annotations

import json
from dataclasses import asdict
from html import escape

import ipywidgets as w

from .. import data
from ..charts import stories as charts
from ..charts.live import designed_chart, update_chart
from ..models import stories
from . import page, request, story_card
from .request import split_workshop
from .browser_store import SessionText
from .state import StoriesState, stories_from_query

TITLE = "Springboard stories"
LABELS = {"change": "The change", "when": "When", "where": "Where", "protagonist": "Who",
          "predicament": "Their problem", "action": "What they did", "ending": "What got better",
          "otherwise": "Otherwise", "invitation": "Your invitation"}
HINTS = {"when": "e.g. In March 2019", "where": "e.g. a market town in Lincolnshire",
         "protagonist": "e.g. Dr Ahmed, a GP partner in a five-doctor practice"}
EXAMPLE = stories.Draft(
    change="share one physiotherapist across our practices as the first stop for joint and back pain",
    when="In the spring of 2019", where="in a small market town",
    protagonist="Dr Ahmed, a GP partner in one of four practices in the town,",
    predicament="was seeing joint and back pain in almost every surgery and could not offer physiotherapy for weeks.",
    action="She persuaded the other practices to fund one physiotherapist together, bookable by any receptionist as the first appointment for these patients.",
    ending="Within six months GP appointments for these problems fell by about a quarter and patients were seen in days.",
    otherwise="Without the shared post each practice would still be waiting for a physiotherapist it could not afford alone.",
    invitation="What if we tried the same here, starting with the practices in this room?",
)
# A real case retold in springboard form (the chapter's worked example). Every fact is from
# Primary Care Commissioning, "Cheshire takes its own steps to primary care at scale" (8 May 2017),
# told in the workbook's own words: Dr Judi Price, GP lead of the Winsford primary care home; five
# practices; burnout, no district nurse seen, the lowest one-year cancer survival, integration
# teams that only met; one team built on relationships; a children's emergency clinic at the end
# of the day; MSK at 20% of appointments, so a physiotherapist could see them first (a post of
# the acute trust's, managed by the locality); no merger and no large new structure; district
# nurses now seen, small changes with a big difference, an agreement for community services
# "set in stone". The
# workbook adds: the year (Price spoke in 2017 of "two years ago"), the alternate ending (the
# predicament, continued), the change idea and the invitation.
WINSFORD = stories.Draft(
    change="one team across our practices, with a physiotherapist as the first stop for muscle and joint "
           "problems, and no merger",
    when="About 2015",
    where="in Winsford, Cheshire",
    protagonist="Dr Judi Price, GP lead for the primary care home of Winsford's five practices,",
    predicament="felt that primary care there was in a mess: GPs were burning out, the practices never saw a "
                "district nurse, the area's one-year cancer survival was the lowest in the country, and the "
                "integration teams seemed to do little but meet.",
    action="The five practices set out to work as a single team, built on personal relationships with colleagues, "
           "the district nurses among them. They started an emergency clinic for children at the end of each day. "
           "And because musculoskeletal problems took 20% of their appointments, they saw that a physiotherapist "
           "could see those patients first and free a lot of GP time, in a post employed by the acute trust but "
           "managed locally. They chose not to merge or to build a large new structure.",
    ending="By 2017 Price could report that the practices were now seeing district nurses, that small changes "
           "such as the children's clinic had made a big difference, and that the primary care home had "
           "settled a firm agreement for community services.",
    otherwise="Without the change, GPs would still be burning out, the district nurses would still be strangers, "
              "and integration would still be a meeting.",
    invitation="What if we chose the problem that takes the biggest share of our appointments and gave it its "
               "own first stop, here, without waiting for a merger?",
)
WINSFORD_SOURCE = ("Cheshire takes its own steps to primary care at scale", "Primary Care Commissioning (PCC)")


class StoriesApp(w.VBox):
    """The chapter app as one widget; controls are attributes so tests can drive it."""

    def __init__(self, state: StoriesState, problems: list[str]):
        super().__init__()
        self.add_class("pcn-app")
        self._problems = list(problems)
        self._quiet = self._quiet_messages = False
        # Plain rows (dicts), not frames: a kernel shows this app without importing pandas.
        self.bank = data.story_bank_rows()
        self.figures = data.story_figures_rows()
        self.by_story = {row["story"]: row for row in self.bank}
        titles = {row["story"]: row["title"] for row in self.bank}
        if state.story and state.story not in titles:
            self._problems.append(f"Unknown story '{state.story[:40]}'; starting from the best match instead.")

        self.topics = {key: w.Checkbox(value=key in state.tags, description=label, indent=False,
                                       layout=w.Layout(width="330px")).add_class(f"pcn-topic-{key}")
                       for key, label in stories.TAGS.items()}
        self.scale = w.Dropdown(options=[("Any scale", "")] + [(v, k) for k, v in stories.SCALES.items()],
                                value=state.scale, description="Your scale", style={"description_width": "120px"})
        self.matches = w.HTML().add_class("pcn-matches")
        self.topics_chart = designed_chart(charts.topics_template, charts.topics_parts(self.bank, state.tags),
                                           "pcn-topics-chart")
        self.inspiration = w.Dropdown(options=[("The best match", "")] + [(t, k) for k, t in titles.items()],
                                      value=state.story if state.story in titles else "", description="Card cites",
                                      style={"description_width": "120px"}, layout=w.Layout(width="620px"))
        self.fields = {name: w.Textarea(description=LABELS[name], continuous_update=True,
                                        placeholder=HINTS.get(name, stories.ELEMENT_BY_KEY[name].question),
                                        style={"description_width": "140px"},
                                        layout=w.Layout(width="640px", height="64px" if name in ("when", "where") else "86px"))
                       .add_class(f"pcn-field-{name}") for name in stories.FIELDS}
        self.checklist = w.HTML().add_class("pcn-checklist")
        self.preview = w.HTML().add_class("pcn-story-preview")
        self.message = w.HTML().add_class("pcn-message")
        self.share_link = w.HTML().add_class("pcn-share-link")
        self.make_card = w.Button(description="Make my story card", button_style="primary", layout=w.Layout(width="240px"))
        self.make_card.on_click(self._export)
        self.downloads = w.HTML().add_class("pcn-downloads")
        self._card_draft = None  # the draft the card on show was made from
        self.store = SessionText(key="stories-draft")
        self.store.observe(self._restore, "restored")
        retold = (f"<p><i>A real case in the workbook's own words; the year, the alternate ending and the "
                  f"invitation are the workbook's additions. Source: {escape(WINSFORD_SOURCE[0])}, "
                  f"{escape(WINSFORD_SOURCE[1])}.</i></p><p>{escape(WINSFORD.text())}</p>")
        example = w.Accordion([w.HTML(f"<p><i>Written for this workbook; the practice and people are made up.</i></p>"
                                      f"<p>{escape(EXAMPLE.text())}</p>"), w.HTML(retold)],
                              titles=("A worked example (fictional)", "A real case retold: Winsford"))
        example.selected_index = None

        self.children = [
            page.header(TITLE, "Leading at scale is persuasion. Stephen Denning's <i>springboard story</i> tells of a "
                        "change that already worked for people like your listeners, so that they imagine doing it "
                        "themselves. Each story in the bank comes from one of the workbook's sources and names it."),
            self.message,
            w.HTML("<h3>1. What problem are you trying to solve?</h3>"),
            w.GridBox(list(self.topics.values()), layout=w.Layout(grid_template_columns="repeat(3, 340px)")),
            self.scale,
            w.HTML("<h3>2. Stories that speak to it</h3>"), self.matches, self.topics_chart,
            w.HTML("<h3>3. Draft your own story</h3><p>Answer each question in a sentence or two. The checklist "
                   "beside the form updates as you type; your draft stays in this browser tab if you reload.</p>"),
            w.HBox([w.VBox(list(self.fields.values())), w.VBox([self.checklist], layout=w.Layout(width="420px"))]),
            example,
            w.HTML("<h3>4. Your story as told</h3>"), self.preview,
            w.HTML("<h3>5. A card to print or share</h3>"), self.inspiration, self.make_card, self.downloads,
            self.share_link, self.store,
        ]
        for control in (*self.topics.values(), self.scale, self.inspiration):
            control.observe(self._refresh_matches, "value")
        for control in self.fields.values():
            control.observe(self._refresh_draft, "value")
        self._quiet_messages = True  # one message update for the whole start-up
        self._refresh_matches()
        self._refresh_draft()
        self._quiet_messages = False
        self._show_messages()

    def _show_messages(self) -> None:
        if not self._quiet_messages:
            page.show_messages(self.message, self._problems)

    # ------------------------------------------------------------ state

    @property
    def chosen_tags(self) -> tuple[str, ...]:
        return tuple(k for k, box in self.topics.items() if box.value)

    @property
    def state(self) -> StoriesState:
        return StoriesState(self.chosen_tags, self.scale.value, self.inspiration.value)

    @property
    def draft(self) -> stories.Draft:
        return stories.Draft.from_dict({k: f.value for k, f in self.fields.items()})

    def _save(self) -> None:
        self.store.value = json.dumps({"draft": asdict(self.draft), "tags": list(self.chosen_tags),
                                       "scale": self.scale.value, "story": self.inspiration.value})

    def _restore(self, change=None) -> None:
        """Fill the form from the tab's saved draft, once, without overwriting anything typed here."""
        if not self.store.restored or not self.store.value or any(f.value for f in self.fields.values()):
            return
        try:
            saved = json.loads(self.store.value)
            draft = stories.Draft.from_dict(saved.get("draft", {}))
        except (ValueError, AttributeError):
            return  # a damaged saved draft is ignored; the form stays as it is
        self._quiet = True
        try:
            for name, field in self.fields.items():
                field.value = getattr(draft, name)
            if not self.chosen_tags:
                for key in saved.get("tags", []) if isinstance(saved.get("tags"), list) else []:
                    if key in self.topics:
                        self.topics[key].value = True
        finally:
            self._quiet = False
        self._refresh_matches()
        self._refresh_draft()

    # ------------------------------------------------------------ updates

    def _refresh_matches(self, _=None) -> None:
        if self._quiet:
            return
        tags, scale = self.chosen_tags, self.scale.value or None
        update_chart(self.topics_chart, charts.topics_parts(self.bank, tags))
        self.found = stories.match_stories(self.bank, tags, scale, limit=3) if tags or scale else []
        if not tags and not scale:
            self.matches.value = "<p>Tick one or more problems above to see stories that speak to them.</p>"
        elif not self.found:
            self.matches.value = "<p>No story in the bank speaks to that yet. Try a neighbouring problem or any scale.</p>"
        else:
            self.matches.value = "".join(self._story_html(m) for m in self.found)
        self._show_share_link()
        self._save()
        self._show_messages()

    def _show_share_link(self) -> None:
        self.share_link.value = f"Link to this view: <code>{escape(request.page_path())}?{escape(self.state.to_query())}</code>"

    def _story_html(self, found: stories.StoryMatch) -> str:
        """A matched story's card: the same renderer as the book's story bank."""
        return story_card.bank_story_html(self.by_story[found.story], self.figures, found.reasons)

    def _refresh_draft(self, change=None) -> None:
        if self._quiet:
            return
        if change is not None and len(change["new"]) > stories.MAX_FIELD_CHARS:
            self._problems.append(f"Only the first {stories.MAX_FIELD_CHARS:,} characters of a box are kept; "
                                  "a springboard story needs few words.")
            change["owner"].value = change["new"][: stories.MAX_FIELD_CHARS]
            return  # setting the value calls this again with the shortened text
        draft = self.draft
        self.result = stories.check(draft)
        items = "".join(
            f"<li class='{'pcn-right' if c.met else 'pcn-wrong'}'><b>{'Done' if c.met else 'To do'}: {escape(c.label)}</b>"
            f"<br>{escape(c.feedback)}</li>" for c in self.result.checks)
        self.checklist.value = (f"<p><b>{self.result.score} of {self.result.total} elements</b></p>"
                                f"<ul class='pcn-checks'>{items}</ul><p>{escape(self.result.summary())}</p>")
        told = draft.text()
        self.preview.value = (f"<p>{escape(told)}</p><p><small>{len(stories.words(told))} words.</small></p>" if told
                              else "<p>Your story appears here as you write it.</p>")
        if self.downloads.value and self._card_draft != draft:  # an old card no longer matches the draft
            self.downloads.value = ("<p>The draft has changed since the card was made: press <b>Make my story "
                                    "card</b> again for a card of this version.</p>")
        self._save()
        self._show_messages()

    def _inspiring_row(self):
        key = self.inspiration.value or (self.found[0].story if self.found else "")
        return self.by_story[key] if key else None

    def _export(self, _=None) -> None:
        draft, row = self.draft, self._inspiring_row()
        self._card_draft = draft
        result = stories.check(draft)
        card = stories.story_card(draft, result, row, self.figures)
        markdown = stories.story_card_markdown(draft, result, row, self.figures)
        footer = " ".join([*card.sources, card.credit, "Made with PCN Workbook."])
        sections = card.sections()
        links = [story_card.download_link("Markdown (.md)", "story-card.md", "text/markdown", markdown),
                 story_card.download_link("Printable page (.html)", "story-card.html", "text/html",
                                          story_card.card_html("My springboard story", sections, footer))]
        svg = story_card.card_svg("My springboard story", sections, footer)
        try:
            links.append(story_card.download_link("Picture (.png)", "story-card.png", "image/png", story_card.to_png(svg)))
            links.append(story_card.download_link("PDF (.pdf)", "story-card.pdf", "application/pdf", story_card.to_pdf(svg)))
        except Exception as err:  # the converter is a separate engine; any failure still leaves two formats
            self._problems.append(f"The picture and PDF could not be made ({type(err).__name__}); "
                                  "the Markdown and printable page are ready.")
        self.downloads.value = ("<p>Your card (" + escape(result.summary()) + "):</p><p>" + " &nbsp;|&nbsp; ".join(links)
                                + "</p>")
        self._show_messages()


def build(query: str | None = None) -> w.Widget:
    """The app, set from a URL query string (by default the page's own, under Voila)."""
    def make(full: str) -> w.Widget:
        try:
            return StoriesApp(*stories_from_query(split_workshop(full)[1], tuple(stories.TAGS), tuple(stories.SCALES)))
        except data.DatasetError as err:
            return page.dataset_problem(TITLE, err)

    return page.build_app(make, "05_springboard_stories", query)
