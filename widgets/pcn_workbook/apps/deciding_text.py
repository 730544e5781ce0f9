"""The deciding-together app's words: what each step says before the learner touches anything.

Ideas from Ben Gowland's essays "Local General Practice Inc", "Can independent GP organisations
operate as a collective?", "Operating in an ICS: Single Point of Access" and "Getting
Representation Right" (The General Practice Blog, Ockham Healthcare); the wording is ours.
"""

from __future__ import annotations

from html import escape

STEPS = (
    ("hook", "Start"), ("decisions", "1 Vote or agree"), ("access", "2 One door"),
    ("representation", "3 Who speaks?"), ("sandbox", "Sandbox"),
)

HOOK = (
    "<p>Gowland's <i>Local General Practice Inc</i> argues that each place needs one leadership board for "
    "general practice: at the very least the clinical directors of its PCNs and the chair of the LMC, and the "
    "federation where there is one. It works best small (one LMC, fewer than ten PCNs, one federation), set up by general practice "
    "rather than by the system, with general practice setting its agenda, and chaired by whoever the others trust "
    "most, whatever their job title.</p>"
    "<p>Such a board has no formal authority: taking part is voluntary, and a PCN that dislikes a decision can go "
    "its own way (<i>Can independent GP organisations operate as a collective?</i>). This app asks three questions "
    "of it: how does it decide, how does the system get in, and who speaks for it?</p>"
)

HOOK_QUESTION = (
    "A group of eight practices meets 48 times. Either it votes on one proposal at every meeting, or it works "
    "each proposal through to consensus, which takes two meetings. Which do you think has delivered more by "
    "the last meeting?"
)
HOOK_CHOICES = (("The vote: twice as many decisions", "vote"), ("Consensus", "consensus"), ("About the same", "same"))

INTROS = {
    "decisions": (
        "<p>Gowland has worked with many professions, and GPs, he says, are the fondest of a vote: one person, one "
        "vote feels clean. The trouble is that every vote makes losers, and the losers are the ones who take matters "
        "into their own hands. A vote can also be a shortcut that skips the work of finding a way forward everyone "
        "can sign up to. Consensus is hard and slow, but it is how a group with no boss takes decisions that "
        "everybody stands by.</p><p>In the model the same proposals go to both ways of deciding. A practice on the "
        "losing side of a vote may stop implementing what the group decides, and the more often it has lost, the "
        "likelier that becomes. The numbers are illustrative; the mechanism is Gowland's.</p>"),
    "access": (
        "<p>When the system wants something from general practice and there is no single way in, it can ask one PCN "
        "after another until one says yes. Gowland's answer (<i>Operating in an ICS: Single Point of Access</i>) is "
        "a front door that works only if <b>every</b> GP organisation (PCNs, the federation, the LMC) sends "
        "approaches back to it. It is run by one or at most two people, not a meeting: a meeting has no filter. They "
        "decide whether a request earns time at the leadership meeting, a paper sent round, a message to the group, "
        "or more work before it comes at all.</p><p>The stakes are high: the Fuller report left each area to find "
        "its own way of working with general practice, and if general practice cannot show it can act as one "
        "partner, the local answer may be to put practices under an acute or community trust. A door also lets "
        "general practice keep control of its own agenda.</p>"),
    "representation": (
        "<p>A GP is needed at a system meeting; somebody volunteers, or is volunteered, and general practice is "
        "represented. Or is it? Whom does that GP speak for: themselves, their practice, their PCN, or all of local "
        "general practice? If nobody agreed beforehand what they may sign up to, they are giving a view, and general "
        "practice was not really in the room (<i>Getting Representation Right</i>).</p>"
        "<p>Gowland's advice: one or two key people rather than a different GP each time, because much is decided "
        "in the relationships around the table, and the system cannot play one representative off against "
        "another; where the load must be shared, one or two leads who brief the representatives and hear back from "
        "them; a process built on trust with a regular review, not a rigid list of what may be agreed; and care "
        "with the two usual failures, reporting back and seeing actions through, both mostly for lack of time.</p>"
        "<p>Set how your representation works and watch what general practice keeps over a year of meetings. "
        "The numbers are the workbook's illustration.</p>"),
    "sandbox": (
        "<p>Everything at once, with one more setting: how differently the practices value a proposal. When "
        "every practice values a proposal alike, a vote has few losers; when they differ widely, it has many.</p>"),
}

# Labels of the representation controls, and the two ways of working the chart compares yours with.
MANDATE_LABELS = (("Nothing agreed", "none"), ("A rigid mandate", "rigid"), ("Trust, reviewed", "review"))
PRESET_HELP = ("Start from: <b>Whoever volunteers</b> (six GPs in turn, no brief, nothing agreed, no process for "
               "reporting back, no admin support) or <b>Gowland's advice</b> (two key people, briefed and "
               "debriefed, trusted and reviewed, a process for reporting back, admin support).")


def outcome_table(means: dict[str, float], words: dict[str, str], meetings: int) -> str:
    """The meetings of one way of working by outcome, as an HTML table (counts are averages)."""
    rows = "".join(f"<tr><td>{means[k]:.1f}</td><td>{escape(words[k])}</td></tr>" for k in words if means[k] >= 0.05)
    return (f"<table class='pcn-outcomes'><thead><tr><th>Meetings (of {meetings})</th><th>What happened</th></tr>"
            f"</thead><tbody>{rows}</tbody></table>")
