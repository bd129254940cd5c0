"""The training mix in numbers: per token file (and per source inside it), examples, tokens, answer tokens,
example length p50 / p99 / max, and how many exceed the context. Plain Python (no numpy), so the data half of
the recipe runs on a machine without PyTorch.

    python3 train/mix_stats.py --work WORK --names "base x2 open corpora val" [--max-len 1024]
"""
import argparse
import json
from array import array

ap = argparse.ArgumentParser()
ap.add_argument('--work', required=True)
ap.add_argument('--names', required=True, help='token file prefixes in WORK, space-separated')
ap.add_argument('--max-len', type=int, default=1024)
a = ap.parse_args()


def pct(xs, q):
    return xs[min(len(xs) - 1, int(q * len(xs)))]


print(f'{"file":8} {"source":28} {"examples":>9} {"tokens":>12} {"answer tok":>11} {"p50":>5} {"p99":>5} {"max":>5} {">ctx":>5}')
total = [0, 0, 0]
for name in a.names.split():
    idx = array('i')
    with open(f'{a.work}/{name}.idx', 'rb') as f:
        idx.frombytes(f.read())
    with open(f'{a.work}/{name}.meta.jsonl') as f:
        src = [json.loads(line).get('source', 'edgejson') for line in f if line.strip()]
    rows = {}
    for i, s in enumerate(src):
        rows.setdefault(s, []).append((idx[3 * i + 2], idx[3 * i + 2] - idx[3 * i + 1]))
    for s, rs in sorted(rows.items()):
        lens = sorted(r[0] for r in rs)
        ans = sum(r[1] for r in rs)
        print(f'{name:8} {s:28} {len(lens):9,} {sum(lens):12,} {ans:11,} {pct(lens, 0.5):5} {pct(lens, 0.99):5} '
              f'{lens[-1]:5} {sum(1 for x in lens if x > a.max_len):5}')
        if name not in ('val', 'valcopy'):
            total[0] += len(lens)
            total[1] += sum(lens)
            total[2] += ans
print(f'{"training":8} {"(all but val)":28} {total[0]:9,} {total[1]:12,} {total[2]:11,}')
