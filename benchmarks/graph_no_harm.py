"""Do no harm: the questions of a SQuAD file that ask about a relation the graph types ("Who
founded X?", "Where was X born?"), asked through `ask` with the graph's two settings each off
and on.

The graph ranks such a question's answers (agreement), vetoes some (`graph_veto`) and reads the
sentences of its edges (`graph_answers`). The questions are asked of a store that holds the
file's paragraphs (build it with `kgqa eval qa --squad FILE --store DIR`) four times: both
settings off, one on, the other on, both on. Printed for each: SQuAD v2.0 F1 of the first
answer shown (HasAns F1 and NoAns accuracy), how many first answers differ from both off, and
the p50 of `ask`'s time per question (warm: one question is asked first).

    python benchmarks/graph_no_harm.py --squad data/reader/dev_squad2.json --store DIR
"""

from __future__ import annotations

import argparse
import statistics
import time
from pathlib import Path

COMBINATIONS = [
    {"graph_answers": False, "graph_veto": False},
    {"graph_answers": True, "graph_veto": False},
    {"graph_answers": False, "graph_veto": True},
    {"graph_answers": True, "graph_veto": True},
]


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--squad", type=Path, required=True)
    parser.add_argument("--store", type=Path, required=True)
    parser.add_argument("--show", action="store_true", help="print each changed answer")
    args = parser.parse_args()

    from kgqa.qa.serve.agreement import asked_relations
    from kgqa.qa.serve.service import QAService
    from kgqa.qa.settings import Settings
    from kgqa.qa.squad import load_squad, squad_v2_metrics

    examples = [e for e in load_squad([args.squad]) if asked_relations(e.question)]
    print(f"{len(examples)} questions of {args.squad} ask about a relation the graph types")
    first: dict[str, str] = {}
    for settings in COMBINATIONS:
        service = QAService(Settings(store=args.store, warm=False, **settings))
        preds, scores, seconds = {}, {}, []
        service.ask(examples[0].question)  # models loaded, caches warm
        for e in examples:
            started = time.perf_counter()
            result = service.ask(e.question, top_answers=1)
            seconds.append(time.perf_counter() - started)
            preds[e.qid] = result.answers[0].text if result.answers else ""
            scores[e.qid] = result.answers[0].score if result.answers else float("-inf")
        m = squad_v2_metrics(examples, preds, scores, float("-inf"))
        first = first or dict(preds)
        changed = [e for e in examples if preds[e.qid] != first[e.qid]]
        print(
            ", ".join(f"{k} {'on' if v else 'off'}" for k, v in settings.items())
            + f": F1 {m['f1']:.1f} (HasAns {m.get('HasAns_f1', 0.0):.1f}, NoAns "
            f"{m.get('NoAns_f1', 0.0):.1f}); {len(changed)} first answers differ from both "
            f"off; ask p50 {statistics.median(seconds):.3f} s"
        )
        if args.show:
            for e in changed:
                gold = e.answers[0][0] if e.answers else ""
                print(f"    {e.question} -> {first[e.qid]!r} / {preds[e.qid]!r} (gold {gold!r})")


if __name__ == "__main__":
    main()
