"""The trust app's words: what each step says before the learner touches anything.

Ideas from Ben Gowland's essays ("A Network of Primary Care Networks?", "Can independent GP
organisations operate as a collective?", "Operating in an ICS: Single Point of Access", "Getting
Representation Right", The General Practice Blog) and Nicky Case's "The Evolution of Trust"; the
wording is ours.
"""

from __future__ import annotations

STEPS = (
    ("hook", "Start"), ("strategies", "1 Players"), ("match", "2 A match"), ("noise", "3 Mistakes"),
    ("tournament", "4 The room"), ("evolution", "5 Evolution"), ("communication", "6 Talking"),
    ("decisions", "7 Deciding"), ("access", "8 One door"), ("sandbox", "Sandbox"),
)

TRUST_QUESTIONS = (
    "Will the other clinical director speak up properly for my PCN?",
    "Will they tell me about an opportunity before they take it themselves?",
    "If I accept a worse deal for the sake of the group, will they do the same for me next time?",
    "If someone else represents us, will my own practices still back me?",
    "Am I getting a fair share of what we pool?",
)

HOOK = (
    "<p>Five PCNs in one place could send one clinical director to a meeting instead of five, speak to the "
    "system with one voice, and share admin, finance, recruitment, training and HR. Gowland's essay "
    "<i>A Network of Primary Care Networks?</i> names what stops them: trust. Before a clinical director "
    "lets someone else act for their PCN, they ask questions like these:</p><ol>"
    + "".join(f"<li>{q}</li>" for q in TRUST_QUESTIONS)
    + "</ol><p>Sharing means giving up some control, and nobody gives up control to someone they do not trust. "
    "This chapter turns that into a game you can play with numbers: when does trust grow, and what kills it? "
    "Press <b>Next</b> or choose a step above. Every step keeps the settings you choose.</p>"
)

INTROS = {
    "strategies": (
        "<p>Each round, every pair of clinical directors either <b>shares</b> (passes on an opportunity, pulls their "
        "weight for the group) or <b>hoards</b> (keeps it for their own PCN). With Nicky Case's scores: both share, "
        "both gain 2; both hoard, nobody gains; one shares while the other hoards, the sharer loses 1 and the hoarder "
        "gains 3. Hoarding always pays more in a single round, yet two sharers do better than two hoarders. Here are "
        "eight habits a director might have. S = shared, H = hoarded.</p>"),
    "match": (
        "<p>Pick two habits and watch them meet for several rounds in a row. Nobody makes mistakes yet. "
        "Try a habit against itself, and try the one-round trick (set rounds to 1).</p>"),
    "noise": (
        "<p>Real messages go astray: an email is missed, a remark is taken the wrong way, a share is read as a hoard. "
        "Here each move comes out the opposite of what was meant with the chance you set. Black triangles mark the "
        "mistakes. Watch what one misunderstanding does to two directors who always pay back in kind.</p>"),
    "tournament": (
        "<p>Now a whole room: every director meets every other director for one match, and scores add up. "
        "Change how many of each habit are in the room.</p>"),
    "evolution": (
        "<p>After each tournament the lowest scorers copy the habits of the highest (Case replaces the bottom five "
        "with copies of the top five). Run it for several generations: which habit takes over the network?</p>"),
    "communication": (
        "<p>Gowland's advice to groups without formal authority is to over-communicate: if you think you have "
        "said it twice as often as you need to, you are about at the minimum. Here time spent communicating cuts "
        "the chance of a mistake but costs something each round. Find where it pays. The shape of the curve is "
        "our illustration, not a measurement.</p>"),
    "decisions": (
        "<p>A group with no boss still has to decide. A vote is quick, but every vote makes losers, and losers "
        "who keep losing stop doing what was agreed. Consensus is slower, but nobody walks away. The same "
        "proposals go to both. The numbers are illustrative; the mechanism is Gowland's "
        "(<i>Can independent GP organisations operate as a collective?</i>).</p>"),
    "access": (
        "<p>When the system wants something from general practice and there is no single front door, it asks "
        "one PCN after another until one says yes. Gowland's answer (<i>Operating in an ICS: Single Point of "
        "Access</i>) is one point of access, run by one or two named people rather than a meeting, who decide "
        "how a request is handled: on a meeting agenda, as a paper, as a message to the group, or sent back for "
        "more work first.</p>"),
    "sandbox": (
        "<p>Everything at once. Change the scores of the game itself: what happens when sharing pays less, or "
        "hoarding pays more?</p>"),
}

REPRESENTATION = (
    "<h3>Who speaks for whom?</h3><p>Gowland's <i>Getting Representation Right</i>: a front door and a voice only "
    "work when practices trust the people in them. Prefer one or two named individuals (relationships build, "
    "messages stay consistent, and the system cannot play one off against another). Review how they are doing "
    "regularly instead of binding them with a rigid mandate. The two usual failures are reporting back and "
    "following actions through, so give representatives admin support.</p>"
)
