"""Plain-English commentary on the five regimes, rebuilt from the numbers on every change.

Returns HTML; every name that came from data or a URL is escaped.
"""

from __future__ import annotations

from html import escape
from collections.abc import Sequence

from ..charts.theme import money
from ..models.gainshare import RULES, Group, Outcome

RULE_LABELS = {r.key: r.label for r in RULES}


def narrate(outcomes: Sequence[Outcome], group: Group, tolerance: float, rule: str, ceiling: float) -> str:
    independent, veto, bundle, transfers, merger = outcomes
    labels = {c.key: c.label for c in group.changes}
    share = (lambda x: f"{x / ceiling:.0%}") if ceiling > 0 else (lambda x: "all")
    lines = [
        f"<p><b>Alone</b>, the {len(group.practices)} practices gain {money(independent.group_benefit)} a year from these changes. "
        f"<b>Acting as one</b>, they could gain {money(ceiling)}.</p>"
    ]
    if ceiling <= 0:
        lines.append("<p>None of the changes on the table pays for this group, so there is no paradox to solve: "
                     "try adding changes or making the practices larger.</p>")
        return "\n".join(lines)

    blocked = [f"{_names(who)} blocks {escape(labels[c])}" for c, who in veto.blocked_by.items() if c in labels]
    passed = _names([labels[c] for c in veto.adopted]) if veto.adopted else "nothing"
    verb = "go ahead" if len(veto.adopted) > 1 else "goes ahead"
    lines.append(
        f"<p><b>Change by change</b> (tolerance £{tolerance:g} per patient): {passed} {verb}"
        + (f"; {'; '.join(blocked)}" if blocked else "")
        + f". The group realises {money(veto.group_benefit)} ({share(veto.group_benefit)} of what it could).</p>"
    )
    if bundle.note:
        lines.append(f"<p><b>As a bundle</b>: {_names(bundle.blocked_by['bundle'])} would still lose too much, so the bundle fails.</p>")
    else:
        worse = bundle.losers
        lines.append(
            f"<p><b>As a bundle</b>: gains on one change offset losses on another; it passes and realises {money(bundle.group_benefit)}"
            + (f", but {_names(worse)} {'is' if len(worse) == 1 else 'are'} worse off than today." if worse else ", with nobody worse off than today.")
            + "</p>"
        )
    rule_label = escape(RULE_LABELS[rule])
    if transfers.note:
        lines.append(f"<p><b>With a gainshare</b> ({rule_label}): {_names(transfers.blocked_by['gainshare'])} would be worse off than going alone, so it is refused.</p>")
    else:
        lines.append(
            f"<p><b>With a gainshare</b> ({rule_label}): the group realises {money(transfers.group_benefit)} "
            f"and each practice still takes {transfers.autonomy_index:.0%} of its decisions alone.</p>"
        )
    lines.append(f"<p><b>A full merger</b> also realises {money(merger.group_benefit)}, but no practice decides anything alone.</p>")
    best = max((veto, bundle, transfers), key=lambda o: (round(o.group_benefit), o.autonomy_index))
    lines.append(
        f"<p class='pcn-takeaway'>Short of merging, the most this group keeps is {money(best.group_benefit)} "
        f"({share(best.group_benefit)}) while each practice keeps {best.autonomy_index:.0%} of its say: "
        "to keep autonomy, practices give some of it up.</p>"
    )
    return "\n".join(lines)


def _names(names: Sequence[str]) -> str:
    names = [escape(n) for n in names]
    return names[0] if len(names) == 1 else ", ".join(names[:-1]) + " and " + names[-1]


# The app's opening prediction (the chapter's hook asks the same kind of question in the book).
PREDICTIONS = (("all", "A: all of it"), ("some", "B: some of it"), ("none", "C: none of it"))


def reveal_prediction(guess: str, outcomes: Sequence[Outcome], ceiling: float, tolerance: float) -> str:
    """The answer to the opening prediction, from the model: what change-by-change voting collects."""
    veto = outcomes[1]
    if ceiling <= 0:
        return "<p>Nothing on the table pays for this group, so there is nothing to collect either way.</p>"
    got = veto.group_benefit
    actual = "all" if got >= ceiling - 0.5 else ("none" if got <= 0.5 else "some")
    said = dict(PREDICTIONS)[guess] if guess in dict(PREDICTIONS) else "?"
    verdict = "Right." if guess == actual else f"Not this time: the answer is {dict(PREDICTIONS)[actual]}."
    blocked = len(veto.blocked_by)
    count = "One change is" if blocked == 1 else f"{blocked} changes are"
    why = (f" {count} blocked by a practice that would lose more than £{tolerance:g} a patient."
           if blocked else " Nobody loses more than the tolerance, so nothing is blocked.")
    return (f"<p>You said {escape(said)}. {verdict} Voting change by change, the group collects "
            f"{money(got)} of the {money(ceiling)} it could gain ({got / ceiling:.0%}).{why} "
            "Now move the tolerance and the gainshare rule below.</p>")


def pressure_text(rows: Sequence[dict]) -> str:
    """One sentence on the merger-pressure chart, from ``gainshare.merger_pressure`` rows."""
    if not rows:
        return "<p>No change is on the table.</p>"
    last = rows[-1]
    first_gap = next((r for r in rows if r["left"] > 0.5), None)
    if first_gap is None:
        return (f"<p>With all {len(rows)} changes on the table, deciding change by change collects everything "
                f"the group could gain ({money(last['ceiling'])}), so there is no money reason to merge at this "
                "tolerance. Lower it and watch the gap open.</p>")
    return (f"<p>The gap opens when <b>{escape(first_gap['label'])}</b> comes onto the table. With all "
            f"{len(rows)} changes, deciding change by change leaves {money(last['left'])} a year "
            f"({last['share_left']:.0%}) that only a merger or a gainshare collects, and with a gainshare each "
            f"practice takes only {last['autonomy_gainshare']:.0%} of its decisions alone.</p>")
