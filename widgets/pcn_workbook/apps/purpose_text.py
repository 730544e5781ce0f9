"""The what-is-a-PCN-for app's words: what each step says before the learner touches anything.

Ideas from Ben Gowland, "What is a Primary Care Network for?" (The General Practice Blog, Ockham
Healthcare), which reports Dr Robin Miller's lessons at second hand; the PCC report "Cheshire takes
its own steps to primary care at scale" (8 May 2017: Helen Northall, Dr Mike Smith, Dr Phil Yates);
and Becky Malby, "Primary Care & Scale. Who should we be collaborating with?" (2018). The wording
is ours.
"""

from __future__ import annotations

STEPS = (
    ("hook", "Start"), ("compass", "1 Compass"), ("statement", "2 Three questions"),
    ("readiness", "3 Ready?"), ("reasons", "4 Why form one?"), ("summary", "Summary"),
)

HOOK = (
    "<p>A Primary Care Network is a group of neighbouring "
    "practices serving roughly 30,000 to 50,000 people. Ben Gowland's essay <i>What is a Primary Care Network "
    "for?</i> starts from two ways of answering its own title. One looks <b>inward</b>: practices pool effort "
    "to keep core general practice going, with new roles, demand handled together, a leaner back office and "
    "new technology (his example is Granta Medical Practices). The other looks <b>outward</b>, at the health "
    "of the community those 30,000 to 50,000 people make up: prevention, the wider causes of ill health, and "
    "health and social care joined up (Dr Steph Coughlin and colleagues in City and Hackney).</p>"
    "<p>This app walks through four questions a network should be able to answer: which way it faces, what "
    "its purpose is and whether everyone holds it, whether its practices are ready, and whether it formed "
    "for sound reasons.</p>"
)

HOOK_QUESTION = "Gowland sets out the two options. Where does his essay end up?"
HOOK_CHOICES = (
    ("Inward: first keep the practices afloat", "inward"),
    ("Outward: aim at the community's health", "outward"),
    ("Not a choice: both, starting with gains for the practices", "both"),
)
HOOK_ANSWER = "both"
HOOK_VERDICT = (
    "Gowland ends up refusing the either/or. If a network is a vehicle for transforming general practice, "
    "it can widen the team and change general practice's place in its community while also making the "
    "practices sustainable; a leader may need early, modest wins for the practices to bring them towards the "
    "wider change."
)

INTROS = {
    "compass": (
        "<p>Place your own PCN (or the network you know best) on the two axes: how much of its effort goes "
        "<b>inward</b>, to keeping its practices viable, and how much goes <b>outward</b>, to the health of its "
        "community. The cited reference points are the workbook's reading of the sources, not their scores.</p>"),
    "statement": (
        "<p>At a Cheshire event on working at scale (reported by Primary Care Commissioning, May 2017), Dr Mike "
        "Smith put three questions to any group of practices. Write one line that says what your network is for, "
        "and the workbook checks it against them.</p>"
        "<p>The check looks for cue words and nothing more: it cannot tell a real purpose from a slogan, and a "
        "good statement can miss the cues. Use it to start a conversation, not to mark one.</p>"),
    "readiness": (
        "<p>Becky Malby puts a <b>readiness stage</b> before any collaboration: the foundations each practice "
        "needs (its data on demand, a wider mix of skills, a working back office, links with other providers, "
        "learning fast) before it shares or merges work. At the Cheshire event Dr Phil Yates listed what leaders "
        "should weigh when they choose a model of working at scale, from ownership and vision to income and time "
        "to plan. The workbook turns both lists into sixteen items scored 1 (not started) to 4 (established).</p>"
        "<p>The chart shows five <b>imaginary</b> practices (seeded, illustrative scores, not data about any real "
        "network). Look at the spread, not the average: a network whose practices disagree about where they "
        "stand has found something to talk about. Yates's warning applies too: a federation moves at the pace of "
        "its slowest member.</p>"),
    "reasons": (
        "<p>Smith told the Cheshire event that many federations were struggling, some going bust, because they "
        "had formed for the wrong reasons; he named three of them. Helen Northall, opening the event, listed what "
        "working at scale can achieve, and Smith and Phil Yates pointed to better places to find work than CCG "
        "contracts. Sort each reason below into sound or unsound, then read why.</p>"),
    "summary": (
        "<p>What you found, step by step. Move your PCN on the compass again if your view has changed; the link "
        "at the bottom keeps your placement (never what you typed).</p>"),
}

COMPASS_TAKEAWAY = (
    "Where would the other practices in your network put it? How far apart their placements sit is the "
    "conversation to have."
)
STATEMENT_PLACEHOLDER = "Our network exists to ..."
READINESS_HELP = (
    "Score your own practice on each item (1 not started, 4 established). Once every item has a score, "
    "you appear on the chart as <b>You</b> beside the five imaginary practices."
)
SORT_HELP = "Choose sound or unsound for each reason. Feedback appears as you sort."

# Shown under the compass: the essay's turn, with Miller's lessons at second hand (Gowland's account).
VEHICLE = (
    "<p><b>A vehicle for transformation, or this year's initiative?</b> Gowland tells of an interview with "
    "Dr Robin Miller (Health Services Management Centre, University of Birmingham) about Miller's research on "
    "transforming primary care. Two lessons stayed with him, as he reports them: transformation needs a "
    "redesign built on what general practice is for, not only small steps, with practices looking past their "
    "own histories and interests to people and communities; and once practices work beyond their own "
    "boundaries, the GP's role shifts from the trusted one-to-one relationship towards contributing to a "
    "wider team, influencing rather than directing. So, Gowland asks, is a PCN a real vehicle for change, or "
    "an initiative to put up with until the next one arrives? If it is the first, the two axes stop being a "
    "choice.</p>"
)
