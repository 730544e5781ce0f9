"""The trust app's words: what each step says before the learner touches anything.

Ideas from Ben Gowland's essays ("A Network of Primary Care Networks?" and "Can independent GP
organisations operate as a collective?", The General Practice Blog) and Nicky Case's "The
Evolution of Trust"; the wording is ours. Voting, the front door and representation moved to the
chapter "Deciding together" (``deciding_text``).
"""

from __future__ import annotations

from html import escape

STEPS = (
    ("hook", "Start"), ("strategies", "1 Players"), ("match", "2 A match"), ("noise", "3 Mistakes"),
    ("tournament", "4 The room"), ("evolution", "5 Evolution"), ("communication", "6 Talking"),
    ("thread", "7 Thread"), ("sandbox", "Sandbox"),
)

# Gowland's four reasons for a network of PCNs, in his order ("A Network of Primary Care Networks?").
REASONS = (
    ("Support", "Clinical directors are new to leading and PCNs are new bodies. Working alongside other CDs, "
                "they learn what is being asked of them and whether and how to meet it, swap intelligence, and "
                "are less likely to end up isolated, to make mistakes nobody meant, or to be picked on by the system."),
    ("Capacity", "One clinical director can go to a meeting on behalf of five, which frees time for building "
                 "relationships between the practices at home."),
    ("One voice", "All the PCNs of an area saying the same thing carry weight; two that contradict each other "
                  "weaken local general practice as a whole."),
    ("Shared resources", "Pooling admin, finance, recruitment, training and HR makes the small PCN budget go much "
                         "further."),
)

TRUST_QUESTIONS = (
    "Will the other clinical director speak up properly for my PCN?",
    "Will they tell me about an opportunity before they take it themselves?",
    "If I accept a worse deal for the sake of the group, will they do the same for me next time?",
    "If someone else represents us, will my own practices still back me?",
    "Am I getting a fair share of what we pool?",
)

HOOK = (
    "<p>Gowland's essay <i>A Network of Primary Care Networks?</i> gives four reasons for the PCNs of one area "
    "to work together:</p><ol>"
    + "".join(f"<li><b>{escape(name)}.</b> {escape(text)}</li>" for name, text in REASONS)
    + "</ol><p>So why do so few manage it, and why did some older alliances between localities fall away once "
    "PCNs arrived? His answer is trust. Before a clinical director lets someone else act for their PCN, they "
    "ask questions like these:</p><ol>"
    + "".join(f"<li>{escape(q)}</li>" for q in TRUST_QUESTIONS)
    + "</ol><p>Sharing means giving up some control, and nobody gives up control to someone they do not trust. "
    "This app turns that into a game you can play with numbers: when does trust grow, and what kills it? "
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
        "Change how many of each habit are in the room. <b>Before the chart appears, say who you think will "
        "do best.</b></p>"),
    "evolution": (
        "<p>After each tournament the lowest scorers copy the habits of the highest (Case replaces the bottom five "
        "with copies of the top five). Run it for several generations: which habit takes over the network? "
        "<b>Predict first.</b></p>"),
    "communication": (
        "<p>Gowland's advice to groups without formal authority is to over-communicate: if you think you have "
        "said it twice as often as you need to, you are about at the minimum. Here time spent communicating cuts "
        "the chance of a mistake but costs something each round. Find where it pays. The shape of the curve is "
        "our illustration, not a measurement.</p>"),
    "thread": (
        "<p>Gowland's over-communication is not only between clinical directors. A leadership group that has no "
        "formal authority needs a <b>golden thread</b> to every practice: if the practices do not know what the "
        "group is for, how it runs and why it matters, its decisions carry no mandate, and whoever sits in between "
        "(a PCN, a federation) is left explaining them. He warns that building governance structures first only "
        "papers over the cracks: a practice that is unhappy goes its own way whatever the structure says.</p>"
        "<p>Here the group and one practice play the sharing game, but every move passes along a chain of links "
        "(group, then PCN, then practice manager, then partners), and each link can garble it. One link is a "
        "direct connection. Set the chain, the chance of a message going astray at each link, and the effort "
        "spent communicating at every link. The numbers are our illustration.</p>"),
    "sandbox": (
        "<p>Everything at once. Change the scores of the game itself: what happens when sharing pays less, or "
        "hoarding pays more?</p>"),
}

PREDICT = {
    "tournament": "Who do you think scores best in this room?",
    "evolution": "Which habit do you think will be left when the network has settled?",
}
SEVERAL = "Several habits survive"

MOVED = (
    "<p><b>Voting, the front door and representation now have their own chapter.</b> This link asked for the "
    "step <i>{step}</i>, which is in <a href='{href}'>Deciding together</a>, with the same settings.</p>"
)
