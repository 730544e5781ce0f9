"""The trust app: a guided walk (hook, one idea per step, then a sandbox) through the sharing game,
over-communication, vote against consensus and a single point of access.

Thin by design: the game is ``models.trust``, collective decisions ``models.decisions``, pictures
``charts.trust``, words ``trust_text``. Only the current step is computed; each step's charts are
built the first time it is shown, so the page opens fast.
"""

from __future__ import annotations

from dataclasses import replace
from functools import lru_cache
from html import escape

import ipywidgets as w

from ..charts import trust as charts
from ..charts.live import live_chart, update_chart
from ..models import decisions, trust
from . import page, request
from .request import split_workshop, with_workshop
from . import trust_text as text
from .state import MIX_LIMIT, TRUST_LIMITS, TrustState, trust_from_query

TITLE = "Trust between practices and their leaders"
WIDE = {"style": {"description_width": "220px"}, "layout": w.Layout(width="680px")}
SEEDS = range(40)  # runs averaged where the app shows "on average"
CURVE_SEEDS = range(200)  # the communication curve is jagged with fewer
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


class TrustApp(w.VBox):
    """The chapter app as one widget; controls are attributes so tests can drive it."""

    def __init__(self, state: TrustState, problems: list[str]):
        super().__init__()
        self.add_class("pcn-app")
        self._problems = list(problems)
        self.seed = state.seed
        self._hold = False
        names = [(s.name, k) for k, s in trust.STRATEGIES.items()]
        self.step = w.ToggleButtons(options=[(label, key) for key, label in text.STEPS], value=state.step,
                                    style={"button_width": "104px"}).add_class("pcn-steps")
        self.back = w.Button(description="Back", icon="arrow-left", layout=w.Layout(width="120px"))
        self.next = w.Button(description="Next", icon="arrow-right", button_style="primary", layout=w.Layout(width="120px"))
        self.back.on_click(lambda _: self._move(-1))
        self.next.on_click(lambda _: self._move(+1))
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
        self.practices = _slider(w.IntSlider, "practices", state.practices, 1, "Practices", "pcn-practices")
        self.meetings = _slider(w.IntSlider, "meetings", state.meetings, 1, "Meetings", "pcn-meetings")
        self.rogue_step = _slider(w.FloatSlider, "rogue_step", state.rogue_step, 0.01, "Patience lost per defeat",
                                  "pcn-rogue-step", ".0%")
        self.consensus_meetings = _slider(w.IntSlider, "consensus_meetings", state.consensus_meetings, 1,
                                          "Meetings per consensus", "pcn-consensus-meetings")
        self.p_yes = _slider(w.FloatSlider, "p_yes", state.p_yes, 0.05, "Chance one PCN says yes", "pcn-p-yes", ".0%")
        self.pcns = _slider(w.IntSlider, "pcns", state.pcns, 1, "PCNs the system can ask", "pcn-pcns")

        self.charts: dict[str, w.Widget] = {}  # live charts, made the first time their step is shown
        self.slots = {name: w.VBox() for name in ("match", "tournament", "evolution", "communication", "decisions", "access")}
        self._pages: dict[str, list[w.Widget]] = {}
        self.step_text = w.HTML()
        self.nav = w.HBox([self.back, self.next])
        self.children = [page.header(TITLE, "A guided walk through trust in a network of PCNs: a sharing game between "
                                            "clinical directors, then how groups decide and how the system gets a yes. "
                                            "Ideas from Ben Gowland (<i>The General Practice Blog</i>) and Nicky Case "
                                            "(<i>The Evolution of Trust</i>)."),
                         self.step, self.message, self.step_text, self.body, self.narrative, self.nav, self.share_link]
        self.step.observe(self._show_step, "value")
        for control in (self.a, self.b, self.rounds, self.noise, self.generations, self.replace, self.effort, self.cost,
                        self.practices, self.meetings, self.rogue_step, self.consensus_meetings, self.p_yes, self.pcns,
                        *self.payoffs.values(), *self.mix.values()):
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
                          practices=self.practices.value, meetings=self.meetings.value,
                          rogue_step=round(self.rogue_step.value, 2), consensus_meetings=self.consensus_meetings.value,
                          p_yes=round(self.p_yes.value, 2), pcns=self.pcns.value)

    def _move(self, delta: int) -> None:
        keys = [k for k, _ in text.STEPS]
        self.step.value = keys[max(0, min(len(keys) - 1, keys.index(self.step.value) + delta))]

    def _show_step(self, _=None) -> None:
        key = self.step.value
        self.step_text.value = text.HOOK if key == "hook" else text.INTROS[key]
        self.back.disabled = key == text.STEPS[0][0]
        self.next.disabled = key == text.STEPS[-1][0]
        self.body.children = self._controls(key)
        self._refresh()

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
                "tournament": lambda: [bold("Directors in the room"), self.mix_box, *game, self.slots["tournament"]],
                "evolution": lambda: [bold("Directors at the start"), self.mix_box, *game, self.generations, self.replace,
                                      self.slots["evolution"]],
                "communication": lambda: [self.a, self.b, self.noise, self.effort, self.cost, self.slots["communication"]],
                "decisions": lambda: [self.practices, self.meetings, self.rogue_step, self.consensus_meetings,
                                      self.slots["decisions"]],
                "access": lambda: [self.p_yes, self.pcns, self.slots["access"], w.HTML(text.REPRESENTATION)],
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
        except (trust.TrustError, decisions.DecisionError) as err:
            self._problems.append(str(err))
        self._problems.extend(notes)
        page.show_messages(self.message, self._problems)
        self.share_link.value = (f"Link to this view: <code>{escape(request.page_path())}?"
                                 f"{escape(self.state.to_query())}</code>")

    def _draw(self, name: str, template, parts: dict) -> None:
        if name not in self.charts:
            self.charts[name] = live_chart(template().properties(**parts), f"pcn-{name}-chart")
            self.slots[name].children = [self.charts[name]]
        else:
            update_chart(self.charts[name], parts)

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

    def _render_tournament(self, payoffs) -> str:
        result = trust.tournament(self._mix(), self.rounds.value, self.noise.value, self.seed, payoffs)
        self.last_tournament = result
        self._draw("tournament", charts.tournament_template, charts.tournament_parts(result))
        best = result.by_strategy()[0]
        return (f"<p>{len(result.players)} directors, {result.rounds} rounds a match: <b>{escape(best['name'])}</b> "
                f"did best, with {best['mean_score']:.1f} points per player. {result.cooperation:.0%} of all moves were "
                "to share.</p>")

    def _render_evolution(self, payoffs) -> str:
        result = trust.evolve(self._mix(), self.generations.value, self.rounds.value, self.noise.value,
                              min(self.replace.value, sum(self._mix().values()) // 2), self.seed, payoffs)
        self.last_evolution = result
        self._draw("evolution", charts.evolution_template, charts.evolution_parts(result))
        winner = result.winner()
        verdict = (f"Only <b>{escape(trust.STRATEGIES[winner].name)}</b> is left." if winner
                   else "Several habits are still in the network.")
        return (f"<p>After {len(result.counts) - 1} generations: {verdict} Sharing went from {result.cooperation[0]:.0%} of moves in the first generation to "
                f"<b>{result.cooperation[-1]:.0%}</b> in the last.</p>")

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

    def _decision_settings(self) -> decisions.DecisionSettings:
        return replace(decisions.DecisionSettings(), practices=self.practices.value, meetings=self.meetings.value,
                       rogue_step=self.rogue_step.value, consensus_meetings=self.consensus_meetings.value, seed=self.seed)

    def _render_decisions(self, payoffs) -> str:
        settings = self._decision_settings()
        rows = decisions.compare_over_seeds(settings, seeds=SEEDS)
        self._draw("decisions", charts.decisions_template, charts.decisions_parts(rows))
        end = {r["regime"]: r for r in rows if r["meeting"] == settings.meetings}
        vote, agree = end[decisions.VOTE], end[decisions.CONSENSUS]
        overtake = decisions.overtake_meeting(rows)
        verdict = (f"Consensus starts slower and is ahead for good from meeting <b>{overtake}</b>." if overtake
                   else "Over this many meetings consensus does not catch up; try more meetings or less patience.")
        return (f"<p>After {settings.meetings} meetings, on average over {len(SEEDS)} runs: voting delivered "
                f"<b>{vote['value']:.1f}</b> with {vote['rogue']:.1f} of {settings.practices} practices gone rogue; "
                f"consensus delivered <b>{agree['value']:.1f}</b> and kept every practice in. {verdict}</p>"
                f"<p><i>{escape(decisions.CAVEAT)}</i></p>")

    def _render_access(self, payoffs) -> str:
        table = decisions.asks_table(self.p_yes.value, self.pcns.value)
        result = decisions.compare_access(self.p_yes.value, self.pcns.value)
        self._draw("access", charts.access_template, charts.access_parts(table, result.gatekeeper_yes))
        return (f"<p>If each PCN would say yes to this request with a chance of {self.p_yes.value:.0%}, a system free to "
                f"ask {self.pcns.value} PCNs in turn gets a yes <b>{result.shopping_yes:.0%}</b> of the time; one front "
                f"door that answers for everyone, <b>{result.gatekeeper_yes:.0%}</b>.</p>")

    def _render_sandbox(self, payoffs) -> str:
        return self._render_tournament(payoffs) + self._render_evolution(payoffs)


def build(query: str | None = None) -> w.Widget:
    """The app, set from a URL query string (by default the page's own, under Voila)."""
    code, query = split_workshop(request.query_string() if query is None else query)
    state, problems = trust_from_query(query, tuple(trust.STRATEGIES))
    return with_workshop(TrustApp(state, problems), "04_trust", code)
