"""Greedy decoding in PyTorch (no grammar) from a checkpoint over token files from prepare-data.ts: exact match
of the parsed JSON per tier, or (--ids) the generated ids as JSON lines, for parity checks with the engine.

    python3 train/greedy.py --ckpt RUN/best.pt --tokens WORK/val --jsonl WORK/val.jsonl --tokenizer WORK/tok --per-tier 50
"""
import argparse
import json
import sys
import os

import numpy as np
import torch

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
from model import Config, Llama  # noqa: E402
from train import byte_decoder, canonical, load_tokens  # noqa: E402


def main() -> None:
    ap = argparse.ArgumentParser()
    ap.add_argument('--ckpt', required=True)
    ap.add_argument('--tokens', required=True)
    ap.add_argument('--jsonl', required=True)
    ap.add_argument('--tokenizer', required=True)
    ap.add_argument('--per-tier', type=int, default=50)
    ap.add_argument('--max-new', type=int, default=400)
    ap.add_argument('--ids', action='store_true', help='print {row, ids} per example instead of scoring')
    ap.add_argument('--logits', action='store_true', help='with --ids: also the logits after the prompt')
    ap.add_argument('--threads', type=int, default=2)
    ap.add_argument('--source', default='', help="score only the examples of this source (the jsonl's 'dataset', edgejson when absent)")
    a = ap.parse_args()
    torch.set_num_threads(a.threads)
    ck = torch.load(a.ckpt, map_location='cpu')
    model = Llama(Config(**ck['config']))
    model.load_state_dict(ck['model'])
    model.eval()
    ids, idx = load_tokens(a.tokens)
    with open(a.jsonl) as f:
        ex = [json.loads(line) for line in f if line.strip()]
    decode = byte_decoder(a.tokenizer)
    stop = next(i for i, b in decode.items() if b == b'<|im_end|>')
    per, taken = {}, {}
    for r, e in enumerate(ex):
        if a.source and e.get('dataset', 'edgejson') != a.source:
            continue
        if taken.get(e['tier'], 0) >= a.per_tier:
            continue
        taken[e['tier']] = taken.get(e['tier'], 0) + 1
        s, p, _ = (int(v) for v in idx[r])
        out = model.greedy(ids[s:s + p].astype(np.int64).tolist(), a.max_new, stop)
        if a.ids:
            rec = {'row': r, 'ids': out}
            if a.logits:
                with torch.no_grad():
                    rec['logits'] = model(torch.tensor([ids[s:s + p].astype(np.int64)]))[0, -1].tolist()
            print(json.dumps(rec), flush=True)
            continue
        text = b''.join(decode[i] for i in out if i != stop).decode('utf-8', errors='replace')
        try:
            ok = canonical(json.loads(text)) == canonical(e['gold'])
        except ValueError:
            ok = False
        h, n = per.get(e['tier'], (0, 0))
        per[e['tier']] = (h + int(ok), n + 1)
    if not a.ids:
        for t, (h, n) in sorted(per.items()):
            print(f'{t}: {h}/{n} = {100 * h / n:.1f}% exact (greedy, no grammar)')


if __name__ == '__main__':
    main()
