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
