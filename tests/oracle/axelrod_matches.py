"""Play matches with the Axelrod library and print them as JSON (runs in .venv-oracle, not .venv).

stdin: a JSON list of jobs {"a": key, "b": key, "rounds": n, "noise": p, "seed": s or null}, keys
being the workbook's strategy names. stdout: {"strategies": the keys this oracle knows, "matches":
per job, {"actions": ["SH", ...], "scores": [[x, y], ...]}, or null for a strategy it does not
know} with S = share (C) and H = hoard (D), under Nicky Case's payoffs. One process answers
everything: importing axelrod takes most of its time.
"""

import json
import sys

import axelrod as axl

ORACLE = {
    "always_share": axl.Cooperator,
    "always_hoard": axl.Defector,
    "tit_for_tat": axl.TitForTat,
    "tit_for_two_tats": axl.TitFor2Tats,
    "grudger": axl.Grudger,
    "detective": axl.Detective,
    "win_stay_lose_shift": axl.WinStayLoseShift,
}
GAME = axl.Game(r=2, s=-1, t=3, p=0)  # Case's payoffs in Axelrod's (R, S, T, P) terms
LETTER = {axl.Action.C: "S", axl.Action.D: "H"}


def play(job: dict) -> dict | None:
    if job["a"] not in ORACLE or job["b"] not in ORACLE:
        return None
    match = axl.Match((ORACLE[job["a"]](), ORACLE[job["b"]]()), turns=job["rounds"], game=GAME,
                      noise=job["noise"], seed=job["seed"])
    actions = ["".join(LETTER[x] for x in pair) for pair in match.play()]
    return {"actions": actions, "scores": [[float(x), float(y)] for x, y in match.scores()]}


if __name__ == "__main__":
    print(json.dumps({"strategies": sorted(ORACLE), "matches": [play(job) for job in json.load(sys.stdin)]}))
