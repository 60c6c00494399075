"""Run-to-run spread of the CK+ ablation: one table over several runs of the same folds with other
training seeds (`training.ablation --seed N --out DIR`), or with other fold fine-tuning recipes
(`--recipe`, with `--title` and `--out`).

    /usr/bin/python3 -m training.seed_summary training/results/ckplus-fold-generators \
        training/results/ckplus-fold-generators/seed1 training/results/ckplus-fold-generators/seed2

Writes seeds.md beside the first run's report (or --out) and prints it.
"""
import argparse
import json
import statistics as st
from pathlib import Path

VARIANTS = ["identity", "autoencoder", "vae", "gan", "true_neutral"]


SEEDS_TITLE = "CK+ ablation over training seeds"
SEEDS_INTRO = "runs of the same subject-independent folds, each with other training seeds (`training.ablation --seed`)"


def summary(run_dirs, title=SEEDS_TITLE, intro=SEEDS_INTRO):
    runs = []
    for d in run_dirs:
        f = Path(d) / "ablation.json"
        if not f.is_file():
            raise SystemExit(f"seed_summary: {f} not found (give folders written by training.ablation --out)")
        r = json.loads(f.read_text())
        missing = [v for v in VARIANTS if v not in r.get("ckplus", {}).get("variants", {})]
        if missing:
            raise SystemExit(f"seed_summary: {f} has no CK+ results for {', '.join(missing)}")
        runs.append(r)
    acc = {v: [r["ckplus"]["variants"][v]["accuracy"] for r in runs] for v in VARIANTS}
    n = len(runs)
    lines = [f"# {title}", "",
             f"{n} {intro}; pooled 10-fold accuracy per run. Reports: "
             + ", ".join(f"`{d}/ablation.md`" for d in run_dirs) + ".", "",
             "| reference | " + " | ".join(f"run {i + 1}" for i in range(n)) + " | mean | sd | mean - identity | "
             "standard error of that difference |",
             "|---|" + "---|" * n + "---|---|---|---|"]
    for v in VARIANTS:
        a = acc[v]
        row = f"| {v} | " + " | ".join(f"{x:.4f}" for x in a) + f" | {st.mean(a):.4f} | "
        row += f"{st.stdev(a):.4f} | " if n > 1 else "- | "
        if v == "identity":
            row += "- | - |"
        else:
            d = [x - i for x, i in zip(a, acc["identity"])]
            se = st.stdev(d) / n ** 0.5 if n > 1 else float("nan")
            row += f"{st.mean(d):+.4f} | {se:.4f} |"
        lines.append(row)
    lines += ["", "`true_neutral` is evaluated on the test images that have a neutral frame (747 of 774), so its "
              "difference is not paired with the others'. Standard error of a difference: over the runs' "
              "paired differences (sd / sqrt(runs))."]
    return "\n".join(lines) + "\n"


def main(argv=None):
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("runs", nargs="+", help="folders with an ablation.json each (same folds)")
    ap.add_argument("--title", default=SEEDS_TITLE)
    ap.add_argument("--intro", default=SEEDS_INTRO, help="what the runs are, after their count")
    ap.add_argument("--out", type=Path, default=None, help="markdown file (default: seeds.md in the first run)")
    args = ap.parse_args(argv)
    text = summary(args.runs, args.title, args.intro)
    (args.out or Path(args.runs[0]) / "seeds.md").write_text(text)
    print(text)


if __name__ == "__main__":
    main()
