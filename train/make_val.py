"""The validation split: examples of a fresh generator seed whose text appears in no training file and not in
the test split, capped per tier.

    python3 train/make_val.py --candidates extra3.jsonl --exclude a.jsonl,b.jsonl,test.jsonl --per-tier 200 --out val.jsonl
"""
import argparse
import json

ap = argparse.ArgumentParser()
ap.add_argument('--candidates', required=True)
ap.add_argument('--exclude', required=True)
ap.add_argument('--per-tier', type=int, default=200)
ap.add_argument('--out', required=True)
a = ap.parse_args()

seen = set()
for p in a.exclude.split(','):
    with open(p) as f:
        seen.update(json.loads(line)['text'] for line in f if line.strip())
count, out = {}, []
with open(a.candidates) as f:
    for line in f:
        if not line.strip():
            continue
        e = json.loads(line)
        if e['text'] in seen or count.get(e['tier'], 0) >= a.per_tier:
            continue
        count[e['tier']] = count.get(e['tier'], 0) + 1
        out.append(line if line.endswith('\n') else line + '\n')
with open(a.out, 'w') as f:
    f.writelines(out)
print(f'val: {dict(sorted(count.items()))} -> {a.out}')
