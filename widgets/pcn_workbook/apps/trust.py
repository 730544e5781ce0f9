"""The trust app: a guided walk (hook, one idea per step, then a sandbox) through the sharing game,
mistakes, the room, evolution, over-communication and the golden thread to the practices.

Thin by design: the game is ``models.trust``, pictures ``charts.trust``, words ``trust_text``. Only
the current step is computed; each step's charts are built the first time it is shown, so the page
opens fast. As in Case's essay, the room and evolution steps ask for a one-click prediction before
their chart appears. Voting, the front door and representation moved to the app ``deciding``; an
old link to those steps gets a pointer there (the server redirects it first, see ``serve``).
"""

from __future__ import annotations

from functools import lru_cache
from html import escape

import ipywidgets as w

from ..charts import trust as charts
from ..models import trust
from . import page
from .request import split_workshop
from . import trust_text as text
from .state import MIX_LIMIT, TRUST_LIMITS, TrustState, moved_step, trust_from_query

TITLE = "Trust between leaders"
DECIDING = "04b_deciding_together.ipynb"  # where the old steps 7 and 8 live now
WIDE = {"style": {"description_width": "220px"}, "layout": w.Layout(width="680px")}
SEEDS = range(40)  # runs averaged where the app shows "on average"
CURVE_SEEDS = range(200)  # the communication curve is jagged with fewer
THREAD_SEEDS = range(200)
PRESETS = [("Choose a starting room...", ""), ("Case: 23 sharers, 1 hoarder, 1 tit for tat", "few_rounds"),
           ("Case: 15 sharers, 5 hoarders, 5 tit for tat", "evolution"),
           ("Case: 13 hoarders and 3 each of four others", "mistakes")]


def _slider(kind, name: str, value, step, description: str, css: str, fmt: str | None = None):
    _, lo, hi = TRUST_LIMITS[name]
    extra = {"readout_format": fmt} if fmt else {}
    slider = kind(value=value, min=lo, max=hi, step=step, description=description, continuous_update=False, **WIDE, **extra)
    return slider.add_class(css)


def moves(result, player: int) -> str:
    return " ".join(pair[player] for pair in result.actions)


class Prediction(w.VBox):
    """A one-click prediction before a chart is shown (Case asks "who do you think wins?").

    ``choice`` is None until the reader clicks: the key they chose, or "" for "Just show me".
    """

    def __init__(self, name: str, question: str, on_choose):
        super().__init__()
        self.add_class("pcn-predict").add_class(f"pcn-predict-{name}")
        self.choice: str | None = None
        self.label = ""
        self._on_choose = on_choose
        self._keys: list[tuple[str, str]] = []
        self.question = w.HTML(f"<p><b>{escape(question)}</b> Click one; the chart appears after.</p>")
        self.buttons = w.HBox(layout=w.Layout(flex_flow="row wrap"))
        self.skip = w.Button(description="Just show me", layout=w.Layout(width="160px")).add_class("pcn-predict-skip")
        self.skip.on_click(lambda _: self.choose("", ""))
        self.children = [self.question, self.buttons]

    def offer(self, options: list[tuple[str, str]]) -> None:
        """(label, key) for each choice; rebuilt only when the choices change and nothing is chosen yet."""
        if self.choice is not None or options == self._keys:
            return
        self._keys = list(options)
        buttons = []
        for label, key in options:
            b = w.Button(description=label, layout=w.Layout(width="auto")).add_class(f"pcn-predict-{key}")
            b.on_click(lambda _b, k=key, lab=label: self.choose(k, lab))
            buttons.append(b)
        self.buttons.children = [*buttons, self.skip]

    def choose(self, key: str, label: str) -> None:
        if self.choice is not None:
            return
        self.choice, self.label = key, label
        self.children = []
        self._on_choose()


@lru_cache(maxsize=1)
def strategies_table() -> str:
    """Each strategy in words, with its first five moves against a constant sharer and a constant hoarder."""
    rows = []
    for key, s in trust.STRATEGIES.items():
        kind = ("never hoards first" if s.nice else "may hoard first") + (", forgives" if s.forgiving else "")
        first = {o: moves(trust.match(key, o, rounds=5, seed=0), 0) for o in ("always_share", "always_hoard")}
        rows.append(f"<tr><td><b>{escape(s.name)}</b><br><small>Case: {escape(s.case_name)}</small></td>"
                    f"<td>{escape(s.description)}<br><small>{kind}</small></td>"
                    f"<td><code>{first['always_share']}</code></td><td><code>{first['always_hoard']}</code></td></tr>")
    return ("<table class='pcn-strategies'><thead><tr><th>Habit</th><th>What it does</th><th>First 5 moves vs "
            "Always share</th><th>First 5 moves vs Always hoard</th></tr></thead><tbody>" + "".join(rows) + "</tbody></table>")


class TrustApp(page.StepWalk, w.VBox):
    """The chapter app as one widget; controls are attributes so tests can drive it."""

    TEXT = text

    def __init__(self, state: TrustState, problems: list[str], moved: str = "", moved_query: str = ""):
        super().__init__()
        self.add_class("pcn-app")
        self._problems = list(problems)
        self.seed = state.seed
        self._hold = False
        names = [(s.name, k) for k, s in trust.STRATEGIES.items()]
        self._build_walk(state.step, button_width="104px")
        self.body = w.VBox().add_class("pcn-step-body")
        self.message = w.HTML().add_class("pcn-message")
        self.narrative = w.HTML().add_class("pcn-narrative")
        self.share_link = w.HTML().add_class("pcn-share-link")

        self.a = w.Dropdown(options=names, value=state.a, description="Director A's habit", **WIDE).add_class("pcn-player-a")
        self.b = w.Dropdown(options=names, value=state.b, description="Director B's habit", **WIDE).add_class("pcn-player-b")
        self.rounds = _slider(w.IntSlider, "rounds", state.rounds, 1, "Rounds a match", "pcn-rounds")
        self.noise = _slider(w.FloatSlider, "noise", state.noise, 0.01, "Chance of a mistake", "pcn-noise", ".0%")
        self.luck = w.Button(description="Play again (new luck)", layout=w.Layout(width="220px"))
        self.luck.on_click(self._new_luck)
        self.payoffs = {
            name: _slider(w.FloatSlider, name, getattr(state, name), 0.5, label, f"pcn-payoff-{name}", ".1f")
            for name, label in (("both_share", "Both share: each gets"), ("sucker", "Shared, was let down"),
                                ("temptation", "Hoarded on a sharer"), ("both_hoard", "Both hoard: each gets"))}
        mix = dict(state.mix)
        self.mix = {key: w.IntSlider(value=mix.get(key, 0), min=0, max=MIX_LIMIT, description=s.name,
                                     continuous_update=False, style={"description_width": "170px"},
                                     layout=w.Layout(width="420px")).add_class(f"pcn-mix-{key}")
                    for key, s in trust.STRATEGIES.items()}
        self.preset = w.Dropdown(options=PRESETS, value="", description="Start from", **WIDE).add_class("pcn-preset")
        self.preset.observe(self._load_preset, "value")
        self.mix_box = w.VBox([self.preset, w.GridBox(list(self.mix.values()),
                                                       layout=w.Layout(grid_template_columns="repeat(2, 440px)"))])
        self.generations = _slider(w.IntSlider, "generations", state.generations, 1, "Generations", "pcn-generations")
        self.replace = _slider(w.IntSlider, "replace", state.replace, 1, "Replaced each generation", "pcn-replace")
        cost = trust.DEFAULT_COMMUNICATION_COST if state.cost is None else state.cost
        self.effort = _slider(w.FloatSlider, "effort", state.effort, 0.05, "Effort communicating", "pcn-effort", ".0%")
        self.cost = _slider(w.FloatSlider, "cost", cost, 0.1, "Cost at full effort", "pcn-cost", ".1f")
        self.links = _slider(w.IntSlider, "links", state.links, 1, "Links to a practice", "pcn-links")
        self.link_noise = _slider(w.FloatSlider, "link_noise", state.link_noise, 0.01, "Garbled at each link",
                                  "pcn-link-noise", ".0%")

        self.charts: dict[str, w.Widget] = {}  # live charts, made the first time their step is shown
        self.slots = {name: w.VBox() for name in ("match", "tournament", "evolution", "communication", "thread")}
        # The room and evolution steps show their chart only once the reader has predicted (the
        # sandbox shows the same slots straight away).
        self.predictions = {name: Prediction(name, text.PREDICT[name], self._refresh) for name in ("tournament", "evolution")}
        self.gates = {name: w.VBox([self.slots[name]], layout=w.Layout(display="none")) for name in self.predictions}
        self._pages: dict[str, list[w.Widget]] = {}
        self.step_text = w.HTML()
        href = DECIDING + (f"?{moved_query.lstrip('?')}" if moved_query.strip("?") else "")
        self.moved = w.HTML(text.MOVED.format(step=escape(moved), href=escape(href)) if moved else "").add_class("pcn-moved")
        self.nav = w.HBox([self.back, self.next])
        self.children = [page.header(TITLE, "A guided walk through trust in a network of PCNs: a sharing game between "
                                            "clinical directors, what mistakes do to it, and the golden thread from a "
                                            "leadership group to its practices. Ideas from Ben Gowland (<i>The General "
                                            "Practice Blog</i>) and Nicky Case (<i>The Evolution of Trust</i>)."),
                         self.moved, self.step, self.message, self.step_text, self.body, self.narrative, self.nav,
                         self.share_link]
        self.step.observe(self._show_step, "value")
        for control in (self.a, self.b, self.rounds, self.noise, self.generations, self.replace, self.effort, self.cost,
                        self.links, self.link_noise, *self.payoffs.values(), *self.mix.values()):
            control.observe(self._refresh, "value")
        self._show_step()

    # ------------------------------------------------------------ state and navigation

    @property
    def state(self) -> TrustState:
        mix = tuple((k, s.value) for k, s in self.mix.items() if s.value)
        return TrustState(step=self.step.value, a=self.a.value, b=self.b.value, rounds=self.rounds.value,
                          noise=round(self.noise.value, 2), seed=self.seed,
                          **{k: float(s.value) for k, s in self.payoffs.items()}, mix=mix,
                          generations=self.generations.value, replace=self.replace.value,
                          effort=round(self.effort.value, 2),
                          cost=None if self.cost.value == trust.DEFAULT_COMMUNICATION_COST else round(self.cost.value, 2),
                          links=self.links.value, link_noise=round(self.link_noise.value, 2))

    def _controls(self, key: str) -> list[w.Widget]:
        """The step's controls, chart places and notes; built on the first visit, then reused."""
        if key not in self._pages:
            game = [self.rounds, self.noise, self.luck]
            bold = lambda words: w.HTML(f"<b>{words}</b>")  # noqa: E731
            self._pages[key] = {
                "hook": lambda: [],
                "strategies": lambda: [w.HTML(strategies_table())],
                "match": lambda: [self.a, self.b, self.rounds, self.slots["match"]],
                "noise": lambda: [self.a, self.b, *game, self.slots["match"]],
                "tournament": lambda: [bold("Directors in the room"), self.mix_box, *game, self.predictions["tournament"],
                                       self.gates["tournament"]],
                "evolution": lambda: [bold("Directors at the start"), self.mix_box, *game, self.generations, self.replace,
                                      self.predictions["evolution"], self.gates["evolution"]],
                "communication": lambda: [self.a, self.b, self.noise, self.effort, self.cost, self.slots["communication"]],
                "thread": lambda: [self.links, self.link_noise, self.effort, self.slots["thread"]],
                "sandbox": lambda: [bold("Scores of the game"), *self.payoffs.values(), bold("Directors"), self.mix_box,
                                    *game, self.generations, self.replace, self.slots["tournament"], self.slots["evolution"]],
            }[key]()
        return self._pages[key]

    def _load_preset(self, _=None) -> None:
        if not self.preset.value:
            return
        mix = trust.CASE_MIXES[self.preset.value]
        self._hold = True  # one refresh for the whole room, not one per slider
        try:
            for key, slider in self.mix.items():
                slider.value = mix.get(key, 0)
        finally:
            self._hold = False
        self.preset.value = ""
        self._refresh()

    def _new_luck(self, _=None) -> None:
        self.seed = (self.seed + 1) % (TRUST_LIMITS["seed"][2] + 1)
        self._refresh()

    # ------------------------------------------------------------ computing the current step

    def _refresh(self, _=None) -> None:
        if self._hold:
            return
        key = self.step.value
        payoffs = trust.Payoffs(**{k: float(s.value) for k, s in self.payoffs.items()})
        notes = payoffs.warnings() if key in ("sandbox", "match", "noise", "tournament", "evolution") else []
        try:
            self.narrative.value = getattr(self, f"_render_{key}")(payoffs)
        except trust.TrustError as err:
            self._problems.append(str(err))
        self._problems.extend(notes)
        page.show_messages(self.message, self._problems)
        self._show_share_link()

    def _render_hook(self, payoffs) -> str:
        return ""

    def _render_strategies(self, payoffs) -> str:
        return ("<p>Which of these habits do you recognise in your own network? Which would you want in the "
                "person who represents you?</p>")

    def _render_match(self, payoffs, noise: float = 0.0) -> str:
        result = trust.match(self.a.value, self.b.value, self.rounds.value, noise, self.seed, payoffs)
        self.last_match = result
        self._draw("match", charts.match_template, charts.match_parts(result))
        a, b = (trust.STRATEGIES[k].name for k in (result.a, result.b))
        both = sum(1 for x, y in result.actions if x == y == trust.SHARE)
        lines = [f"<p><b>{escape(a)}</b> scored <b>{result.totals[0]:g}</b> and <b>{escape(b)}</b> scored "
                 f"<b>{result.totals[1]:g}</b> over {result.rounds} rounds; they both shared in {both} of them.</p>"]
        if noise:
            lines.append(f"<p>{result.mistakes} move(s) came out wrong. {self._forgiveness(payoffs)}</p>")
        return "".join(lines)

    def _render_noise(self, payoffs) -> str:
        return self._render_match(payoffs, self.noise.value)

    def _forgiveness(self, payoffs) -> str:
        rates = {}
        for key in ("tit_for_tat", "tit_for_two_tats"):
            runs = [trust.match(key, key, self.rounds.value, self.noise.value, s, payoffs).cooperation for s in SEEDS]
            rates[key] = sum(runs) / len(runs)
        return (f"Over {len(SEEDS)} runs at this chance of a mistake, two Tit for tat players shared "
                f"{rates['tit_for_tat']:.0%} of the time and two Tit for two tats players {rates['tit_for_two_tats']:.0%}.")

    def _mix(self) -> dict[str, int]:
        return {k: s.value for k, s in self.mix.items() if s.value}

    def _waiting(self, name: str, options: list[tuple[str, str]]) -> bool:
        """True (and the choices offered) while the step's prediction is still to be made."""
        guess = self.predictions[name]
        guess.offer(options)
        if guess.choice is None:
            self.gates[name].layout.display = "none"
            return True
        self.gates[name].layout.display = ""
        return False

    def _habits_in_room(self) -> list[tuple[str, str]]:
        return [(trust.STRATEGIES[k].name, k) for k in self._mix()]

    def _verdict(self, name: str, right: bool) -> str:
        guess = self.predictions[name]
        if not guess.choice:
            return ""
        said = "Your prediction was right." if right else "Not this time."
        return f"<p>You predicted <b>{escape(guess.label)}</b>. {said}</p>"

    def _render_tournament(self, payoffs, gated: bool = True) -> str:
        if gated and self._waiting("tournament", self._habits_in_room()):
            return "<p>Make your prediction above to see the room play.</p>"
        result = trust.tournament(self._mix(), self.rounds.value, self.noise.value, self.seed, payoffs)
        self.last_tournament = result
        self._draw("tournament", charts.tournament_template, charts.tournament_parts(result))
        ranked = result.by_strategy()
        best = ranked[0]
        top = {r["strategy"] for r in ranked if r["mean_score"] == best["mean_score"]}
        tie = (f" (level with {', '.join(escape(r['name']) for r in ranked[1:] if r['strategy'] in top)})"
               if len(top) > 1 else "")
        verdict = self._verdict("tournament", self.predictions["tournament"].choice in top) if gated else ""
        return (f"{verdict}<p>{len(result.players)} directors, {result.rounds} rounds a match: <b>{escape(best['name'])}</b>"
                f"{tie} did best, with {best['mean_score']:.1f} points per player. {result.cooperation:.0%} of all moves "
                "were to share.</p>")

    def _render_evolution(self, payoffs, gated: bool = True) -> str:
        if gated and self._waiting("evolution", self._habits_in_room() + [(text.SEVERAL, "several")]):
            return "<p>Make your prediction above to see the network evolve.</p>"
        result = trust.evolve(self._mix(), self.generations.value, self.rounds.value, self.noise.value,
                              min(self.replace.value, sum(self._mix().values()) // 2), self.seed, payoffs)
        self.last_evolution = result
        self._draw("evolution", charts.evolution_template, charts.evolution_parts(result))
        winner = result.winner()
        verdict = (f"Only <b>{escape(trust.STRATEGIES[winner].name)}</b> is left." if winner
                   else "Several habits are still in the network.")
        said = self._verdict("evolution", self.predictions["evolution"].choice == (winner or "several")) if gated else ""
        return (f"{said}<p>After {len(result.counts) - 1} generations: {verdict} Sharing went from "
                f"{result.cooperation[0]:.0%} of moves in the first generation to <b>{result.cooperation[-1]:.0%}</b> "
                "in the last.</p>")

    def _render_communication(self, payoffs) -> str:
        curve = trust.communication_curve(self.a.value, self.b.value, self.noise.value, self.rounds.value,
                                          cost=self.cost.value, seeds=CURVE_SEEDS, payoffs=payoffs)
        self._draw("communication", charts.communication_template, charts.communication_parts(curve, self.effort.value))
        best = trust.best_effort(curve)
        here = trust.effective_noise(self.noise.value, self.effort.value)
        change = (f"At {self.effort.value:.0%} effort the chance of a mistake falls from {self.noise.value:.0%} to "
                  f"<b>{here:.1%}</b>." if self.effort.value else
                  f"With no extra effort the chance of a mistake stays at <b>{self.noise.value:.0%}</b>.")
        return (f"<p>{change} What is left after paying for the talking is highest at about "
                f"<b>{best['effort']:.0%}</b> effort ({best['net']:.2f} a round against {curve[0]['net']:.2f} with no "
                "extra effort).</p>")

    def _render_thread(self, payoffs) -> str:
        effort, links, m = self.effort.value, self.links.value, self.link_noise.value
        efforts = (0.0, effort) if effort else (0.0,)
        rows = trust.golden_thread(m, efforts, rounds=self.rounds.value, seeds=THREAD_SEEDS, payoffs=payoffs)
        self.last_thread = rows
        self._draw("thread", charts.thread_template, charts.thread_parts(rows, effort, links))
        at = {(r["effort"], r["links"]): r for r in rows}
        here, direct = at[(0.0, links)], at[(0.0, 1)]
        lines = [f"<p>With {links} link(s), each garbling a message {m:.0%} of the time, a move between the group and a "
                 f"practice is misread <b>{here['noise']:.1%}</b> of the time, and the practice backs the group in "
                 f"<b>{here['backing']:.0%}</b> of its moves (a direct connection: {direct['backing']:.0%}).</p>"]
        if effort:
            mine = at[(float(effort), links)]
            lines.append(f"<p>At {effort:.0%} effort on every link the move is misread {mine['noise']:.1%} of the time "
                         f"and the practice backs the group in <b>{mine['backing']:.0%}</b> of its moves.</p>")
        else:
            lines.append("<p>Raise the effort to see what over-communicating along the whole thread does.</p>")
        return "".join(lines) + (f"<p><i>Both sides play Tit for tat, {self.rounds.value} rounds, averaged over "
                                 f"{len(THREAD_SEEDS)} runs. Illustrative only.</i></p>")

    def _render_sandbox(self, payoffs) -> str:
        return self._render_tournament(payoffs, gated=False) + self._render_evolution(payoffs, gated=False)


def build(query: str | None = None) -> w.Widget:
    """The app, set from a URL query string (by default the page's own, under Voila)."""
    def make(full: str) -> w.Widget:
        rest = split_workshop(full)[1]
        state, problems = trust_from_query(rest, tuple(trust.STRATEGIES))
        return TrustApp(state, problems, moved=moved_step(rest) or "", moved_query=full)

    return page.build_app(make, "04_trust", query)
