"""Do no harm: single-passage questions that the multi-hop parser takes, asked with and without it.

Every question of a SQuAD file whose shape `kgqa.qa.multihop.parse` reads (a chain, a
comparison, a yes/no or a relative clause) is asked through `ask` of a store that holds the
file's paragraphs (build it with `kgqa eval qa --squad FILE --store DIR`), once with the
setting multihop on and once off; SQuAD v2.0 F1 of the first answer shown is printed for both,
with the p50 and p95 of `ask`'s time per question (warm: one question is asked first).
(`kgqa eval qa` reads the retrieved passages directly, so it never takes the multi-hop path.)
With `--all`, every question of the file is asked: the second search for a bridge, which only
questions that no passage answers take, is measured there (unanswerable ones among them).

    python benchmarks/multihop_no_harm.py --squad data/reader/dev_squad2.json --store DIR [--all]
"""

from __future__ import annotations

import argparse
import statistics
import time
from pathlib import Path


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--squad", type=Path, required=True)
    parser.add_argument("--store", type=Path, required=True)
    parser.add_argument("--all", action="store_true", help="Ask every question of the file.")
    args = parser.parse_args()

    from kgqa.qa.multihop.parse import parse
    from kgqa.qa.serve.service import QAService
    from kgqa.qa.settings import Settings
    from kgqa.qa.squad import load_squad, squad_v2_metrics

    examples = [e for e in load_squad([args.squad]) if args.all or parse(e.question) is not None]
    print(
        f"{len(examples)} questions of {args.squad}"
        + ("" if args.all else " take a multi-hop shape")
    )
    for multihop in (False, True):
        service = QAService(Settings(store=args.store, multihop=multihop))
        preds, scores, taken, seconds = {}, {}, 0, []
        service.ask(examples[0].question)  # models loaded, caches warm
        for e in examples:
            started = time.perf_counter()
            result = service.ask(e.question, top_answers=1)
            seconds.append(time.perf_counter() - started)
            taken += bool(result.path)
            preds[e.qid] = result.answers[0].text if result.answers else ""
            scores[e.qid] = result.answers[0].score if result.answers else float("-inf")
        m = squad_v2_metrics(examples, preds, scores, float("-inf"))
        print(
            f"multihop {'on ' if multihop else 'off'}: F1 {m['f1']:.1f} "
            f"(HasAns {m.get('HasAns_f1', 0.0):.1f}, NoAns {m.get('NoAns_f1', 0.0):.1f}); "
            f"multi-hop path taken {taken} times; ask p50 {statistics.median(seconds):.3f} s, "
            f"p95 {sorted(seconds)[int(0.95 * (len(seconds) - 1))]:.3f} s"
        )


if __name__ == "__main__":
    main()
