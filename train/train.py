"""Trains the Llama model of model.py on token files written by prepare-data.ts (encode mode).

Loss: cross-entropy on the answer tokens (the JSON and the <|im_end|> after it) with weight 1, and on a random
--prompt-sample share of the prompt tokens with --prompt-weight (a little language modelling of the texts and
schemas). Logits are computed only where a loss is taken, which skips most of the LM head's work. AdamW, linear warmup then
cosine decay to --min-lr-frac of the peak. Length-bucketed batches of at most --batch-tokens tokens (padded),
right padding so the causal mask alone keeps real tokens from seeing pads.

The schedule's progress is max(step / --steps, elapsed / --time-budget): with a time budget the run anneals
and stops on time whatever the CPU share it gets (the steps it took are logged; rerun with that --steps and no
budget to repeat it exactly).

Checkpoints (model, optimizer, config, step) go to OUT/ckpt.pt every --ckpt-every steps and at the end;
OUT/best.pt keeps the one with the lowest validation answer loss. Progress: OUT/log.txt.
"""
import argparse
import json
import math
import os
import random
import struct
import time

import numpy as np
import torch
import torch.nn.functional as F

from model import Config, Llama


def load_tokens(prefix: str):
    ids = np.fromfile(prefix + '.bin', dtype=np.uint16)
    idx = np.fromfile(prefix + '.idx', dtype=np.int32).reshape(-1, 3)
    return ids, idx


def init_weights(path: str) -> dict:
    """A checkpoint's weights, or those of an HF folder written by export.py (e.g. models/default, F16), so
    training can go on from the shipped model when the checkpoints are gone."""
    if not os.path.isdir(path):
        return torch.load(path, map_location='cpu')['model']
    with open(os.path.join(path, 'model.safetensors'), 'rb') as f:
        n = struct.unpack('<Q', f.read(8))[0]
        header = json.loads(f.read(n))
        data = f.read()
    state = {}
    for name, h in header.items():
        if name == '__metadata__':
            continue
        a, b = h['data_offsets']
        arr = np.frombuffer(data[a:b], dtype={'F16': '<f2', 'F32': '<f4'}[h['dtype']]).reshape(h['shape'])
        state[name[len('model.'):] if name.startswith('model.') else name] = torch.from_numpy(arr.astype(np.float32))
    return state


def byte_decoder(tokenizer_dir: str):
    """id -> bytes, from tokenizer.json (byte-level alphabet undone), for decoding greedy outputs."""
    from bpe import bytes_to_unicode
    inv = {ch: b for b, ch in enumerate(bytes_to_unicode())}
    with open(os.path.join(tokenizer_dir, 'tokenizer.json')) as f:
        tok = json.load(f)
    table = {}
    for s, i in tok['model']['vocab'].items():
        table[i] = bytes(inv[ch] for ch in s)
    for t in tok['added_tokens']:
        table[t['id']] = t['content'].encode()
    return table


class Batches:
    """Length-bucketed batches: shuffle, cut into pools, sort each pool by length, pack greedily under the
    token budget (rows x longest row), shuffle the batches."""

    def __init__(self, idx, batch_tokens: int, max_len: int, seed: int, pool: int = 512, keep_prob=None):
        keep = idx[:, 2] <= max_len
        self.keep_prob = keep_prob  # per-row probability of being used in an epoch (None: all)
        self.dropped = int((~keep).sum())
        self.rows = np.nonzero(keep)[0]
        self.idx, self.budget, self.pool = idx, batch_tokens, pool
        self.rng = random.Random(seed)

    def epoch(self):
        order = list(self.rows)
        if self.keep_prob is not None:
            order = [r for r in order if self.keep_prob[r] >= 1 or self.rng.random() < self.keep_prob[r]]
        self.rng.shuffle(order)
        batches = []
        for p in range(0, len(order), self.pool):
            chunk = sorted(order[p:p + self.pool], key=lambda r: self.idx[r, 2])
            cur, longest = [], 0
            for r in chunk:
                n = int(self.idx[r, 2])
                if cur and max(longest, n) * (len(cur) + 1) > self.budget:
                    batches.append(cur)
                    cur, longest = [], 0
                cur.append(r)
                longest = max(longest, n)
            if cur:
                batches.append(cur)
        self.rng.shuffle(batches)
        return batches


def make_batch(ids, idx, rows, prompt_weight: float, prompt_sample: float = 1.0):
    n = max(int(idx[r, 2]) for r in rows)
    x = torch.zeros((len(rows), n - 1), dtype=torch.long)
    y = torch.zeros((len(rows), n - 1), dtype=torch.long)
    w = torch.zeros((len(rows), n - 1))
    for i, r in enumerate(rows):
        s, p, t = (int(v) for v in idx[r])
        seq = torch.from_numpy(ids[s:s + t].astype(np.int64))
        x[i, :t - 1] = seq[:-1]
        y[i, :t - 1] = seq[1:]
        if prompt_weight > 0:          # targets inside the prompt: a random --prompt-sample share of them
            w[i, :p - 1] = prompt_weight * (torch.rand(p - 1) < prompt_sample).float()
        w[i, p - 1:t - 1] = 1.0        # targets that are answer tokens (first answer token predicted at p-1)
    return x, y, w


def weighted_loss(model, x, y, w, device='cpu', amp=None):
    # Batches are drawn on the CPU (the same random stream on every device), then moved.
    x, y, w = x.to(device), y.to(device), w.to(device)
    sel = w > 0
    with torch.autocast(device_type=device.split(':')[0], dtype=torch.bfloat16, enabled=amp == 'bf16'):
        logits = model(x, select=sel)
    ce = F.cross_entropy(logits.float(), y[sel], reduction='none')
    return (ce * w[sel]).sum() / w[sel].sum()


@torch.no_grad()
def val_answer_loss(model, ids, idx, rows, batch_tokens):
    model.eval()
    tot, cnt = 0.0, 0
    rows = sorted(rows, key=lambda r: idx[r, 2])
    i = 0
    while i < len(rows):
        j = i + 1
        while j < len(rows) and idx[rows[j], 2] * (j - i + 1) <= batch_tokens:
            j += 1
        x, y, w = make_batch(ids, idx, rows[i:j], 0.0)
        dev = model.rope_cos.device
        x, y, w = x.to(dev), y.to(dev), w.to(dev)
        sel = w > 0
        ce = F.cross_entropy(model(x, select=sel).float(), y[sel], reduction='none')
        tot += float((ce * w[sel]).sum())
        cnt += float(w.sum())
        i = j
    model.train()
    return tot / max(cnt, 1)


def canonical(v):
    return json.dumps(v, sort_keys=True)


@torch.no_grad()
def greedy_exact(model, ids, idx, rows, gold, tiers, decode, stop, log=None, show=2):
    """Greedy decoding without a grammar, exact match of the parsed JSON against gold, per tier."""
    model.eval()
    per = {}
    for k, r in enumerate(rows):
        s, p, t = (int(v) for v in idx[r])
        out = model.greedy(ids[s:s + p].astype(np.int64).tolist(), max_new=t - p + 64, stop=stop)
        text = b''.join(decode[i] for i in out if i != stop).decode('utf-8', errors='replace')
        try:
            ok = canonical(json.loads(text)) == canonical(gold[r])
        except ValueError:
            ok = False
        hit, n = per.get(tiers[r], (0, 0))
        per[tiers[r]] = (hit + int(ok), n + 1)
        if log and k < show:
            log(f'  sample {tiers[r]}: {text[:300]}' + ('  [exact]' if ok else f'\n  gold: {canonical(gold[r])[:300]}'))
    model.train()
    return per


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument('--data', required=True, help='comma-separated token prefixes (train)')
    ap.add_argument('--val', required=True, help='token prefix of the validation set')
    ap.add_argument('--val-jsonl', required=True, help='the validation examples (gold answers for exact match)')
    ap.add_argument('--tokenizer', required=True)
    ap.add_argument('--out', required=True)
    ap.add_argument('--dim', type=int, default=256)
    ap.add_argument('--layers', type=int, default=6)
    ap.add_argument('--heads', type=int, default=8)
    ap.add_argument('--kv-heads', type=int, default=2)
    ap.add_argument('--hidden', type=int, default=688)
    ap.add_argument('--max-len', type=int, default=1024)
    ap.add_argument('--steps', type=int, default=3000)
    ap.add_argument('--time-budget', type=float, default=0, help='minutes; 0 = none')
    ap.add_argument('--batch-tokens', type=int, default=8192)
    ap.add_argument('--lr', type=float, default=2e-3)
    ap.add_argument('--min-lr-frac', type=float, default=0.1)
    ap.add_argument('--warmup', type=int, default=100)
    ap.add_argument('--wd', type=float, default=0.1)
    ap.add_argument('--prompt-weight', type=float, default=0.1)
    ap.add_argument('--prompt-sample', type=float, default=0.25, help='share of prompt targets that get the loss')
    ap.add_argument('--tier-keep', default='', help='e.g. complex=0.25: share of a tier used per epoch')
    ap.add_argument('--eval-every', type=int, default=250)
    ap.add_argument('--eval-n', type=int, default=24, help='validation examples greedy-decoded at each eval')
    ap.add_argument('--ckpt-every', type=int, default=100)
    ap.add_argument('--seed', type=int, default=1234)
    ap.add_argument('--threads', type=int, default=2)
    ap.add_argument('--resume', default='', help='checkpoint to go on from (weights, optimizer, step, clock)')
    ap.add_argument('--resume-elapsed', type=float, default=0, help='minutes on the clock at --resume (old checkpoints)')
    ap.add_argument('--val-copy', default='', help='token files (comma-separated) of the copy task on validation texts: answer loss logged at each eval')
    ap.add_argument('--device', default='auto', help='auto (cuda when available, else cpu), cpu, cuda or cuda:N')
    ap.add_argument('--amp', default='none', choices=['none', 'bf16'], help='bf16 autocast of the forward pass (CUDA); the loss stays f32')
    ap.add_argument('--init', default='', help='checkpoint (or HF folder from export.py) to start from (weights only)')
    a = ap.parse_args()

    torch.set_num_threads(a.threads)
    device = ('cuda' if torch.cuda.is_available() else 'cpu') if a.device == 'auto' else a.device
    if device.startswith('cuda') and not torch.cuda.is_available():
        raise SystemExit(f'--device {device}: this PyTorch sees no CUDA device (torch {torch.__version__})')
    torch.manual_seed(a.seed)   # seeds CUDA's generators too
    random.seed(a.seed)
    os.makedirs(a.out, exist_ok=True)
    logf = open(os.path.join(a.out, 'log.txt'), 'a')

    def log(msg):
        line = f'[{time.strftime("%H:%M:%S")}] {msg}'
        print(line, flush=True)
        logf.write(line + '\n')
        logf.flush()

    with open(os.path.join(a.tokenizer, 'tokenizer.json')) as f:
        tokj = json.load(f)
    vocab = len(tokj['model']['vocab']) + len(tokj['added_tokens'])
    stop = next(t['id'] for t in tokj['added_tokens'] if t['content'] == '<|im_end|>')
    decode = byte_decoder(a.tokenizer)

    parts = [load_tokens(p) for p in a.data.split(',')]
    offs, ids_l, idx_l = 0, [], []
    for ids_p, idx_p in parts:
        q = idx_p.copy()
        q[:, 0] += offs
        ids_l.append(ids_p)
        idx_l.append(q)
        offs += len(ids_p)
    ids, idx = np.concatenate(ids_l), np.concatenate(idx_l)
    tiers = []
    for p in a.data.split(','):
        with open(p + '.meta.jsonl') as f:
            tiers += [json.loads(line)['tier'] for line in f if line.strip()]
    tier_keep = {k: float(v) for k, v in (kv.split('=') for kv in a.tier_keep.split(',') if kv)}
    keep_prob = np.array([tier_keep.get(t, 1.0) for t in tiers])
    vids, vidx = load_tokens(a.val)
    copy_vals = [(p, *load_tokens(p)) for p in a.val_copy.split(',') if p]
    with open(a.val_jsonl) as f:
        vex = [json.loads(line) for line in f if line.strip()]
    vgold = [e['gold'] for e in vex]
    vtier = [e['tier'] for e in vex]
    assert len(vex) == len(vidx), 'val jsonl and token files differ'

    cfg = Config(vocab_size=vocab, dim=a.dim, n_layers=a.layers, n_heads=a.heads, n_kv_heads=a.kv_heads,
                 hidden_dim=a.hidden, max_seq_len=a.max_len)
    model = Llama(cfg)
    if a.init:
        model.load_state_dict(init_weights(a.init))
    model.to(device)
    batches = Batches(idx, a.batch_tokens, a.max_len, a.seed, keep_prob=keep_prob)
    log(f'config {cfg.to_dict()} params {model.n_params():,}')
    log(f'train: {len(idx)} examples ({batches.dropped} longer than {a.max_len} dropped), {int(idx[:, 2].sum()):,} tokens, '
        f'answer tokens {int((idx[:, 2] - idx[:, 1]).sum()):,}; val: {len(vidx)} examples, max len {int(vidx[:, 2].max())}')
    log(f'args {vars(a)}')
    log(f'device {device}' + (f' ({torch.cuda.get_device_name(device)})' if device.startswith('cuda') else '') + f', amp {a.amp}')
    log('tiers: ' + ', '.join(f'{t} {tiers.count(t)} (keep {tier_keep.get(t, 1.0)})' for t in sorted(set(tiers))))

    decay = [p for n, p in model.named_parameters() if p.dim() >= 2]
    no_decay = [p for n, p in model.named_parameters() if p.dim() < 2]
    opt = torch.optim.AdamW([{'params': decay, 'weight_decay': a.wd}, {'params': no_decay, 'weight_decay': 0.0}],
                            lr=a.lr, betas=(0.9, 0.95), eps=1e-8)

    # A fixed validation subset for greedy exact match: round-robin over tiers so each is seen.
    rng = random.Random(a.seed + 1)
    by_tier = {}
    fits = [r for r in range(len(vidx)) if vidx[r, 2] <= a.max_len]
    for r in fits:
        by_tier.setdefault(vtier[r], []).append(r)
    for rows in by_tier.values():
        rng.shuffle(rows)
    em_rows = []
    while len(em_rows) < min(a.eval_n, len(vidx)):
        for t in sorted(by_tier):
            if by_tier[t] and len(em_rows) < a.eval_n:
                em_rows.append(by_tier[t].pop())
    # Validation loss: up to 400 rows of each source (edgejson, opendomain, each corpus: the val jsonl's
    # 'dataset' field), so one source cannot hide another; logged per source when there are several.
    vsource = [e.get('dataset', 'edgejson') for e in vex]
    src_rows = {}
    for r in fits:
        src_rows.setdefault(vsource[r], []).append(r)
    src_rows = {k: v[:400] for k, v in sorted(src_rows.items())}
    loss_rows = [r for rows in src_rows.values() for r in rows]

    def per_source_loss():
        if len(src_rows) < 2:
            return ''
        return ' (' + ', '.join(f'{k} {val_answer_loss(model, vids, vidx, rows, a.batch_tokens):.4f}' for k, rows in src_rows.items()) + ')'

    def lr_at(progress, step):
        if step < a.warmup:
            return a.lr * (step + 1) / a.warmup
        p = min(1.0, progress)
        return a.lr * (a.min_lr_frac + (1 - a.min_lr_frac) * 0.5 * (1 + math.cos(math.pi * p)))

    def save(path, step, extra=None):
        torch.save({'model': model.state_dict(), 'config': cfg.to_dict(), 'step': step, 'args': vars(a),
                    'opt': opt.state_dict(), 'elapsed': time.time() - t0, 'seen': seen, 'epoch': epoch,
                    'best': best, **(extra or {})}, path + '.tmp')
        os.replace(path + '.tmp', path)

    t0 = time.time()
    step, seen, epoch = 0, 0, 0
    best = float('inf')
    if a.resume:
        # Go on from a checkpoint: weights, optimizer, step, tokens seen and elapsed time (the schedule's clock).
        # The data order is reshuffled from seed + step (the examples seen before are a small share).
        ck = torch.load(a.resume, map_location=device)
        model.load_state_dict(ck['model'])
        if 'opt' in ck:
            opt.load_state_dict(ck['opt'])
        step, seen, epoch, best = ck['step'], ck.get('seen', 0), ck.get('epoch', 1) - 1, ck.get('best', best)
        t0 = time.time() - (a.resume_elapsed * 60 if a.resume_elapsed else ck['elapsed'])
        batches.rng = random.Random(a.seed + step)
        torch.manual_seed(a.seed + step)
        log(f'resumed from {a.resume}: step {step}, {seen:,} tokens, {(time.time() - t0) / 60:.1f} min elapsed')
    ema = None
    done = False
    last = (time.time(), seen)
    while not done:
        epoch += 1
        for rows in batches.epoch():
            elapsed = time.time() - t0
            progress = step / a.steps
            if a.time_budget > 0:
                progress = max(progress, elapsed / (a.time_budget * 60))
            if progress >= 1.0:
                done = True
                break
            lr = lr_at(progress, step)
            for g in opt.param_groups:
                g['lr'] = lr
            x, y, w = make_batch(ids, idx, rows, a.prompt_weight, a.prompt_sample)
            loss = weighted_loss(model, x, y, w, device, a.amp)
            opt.zero_grad(set_to_none=True)
            loss.backward()
            torch.nn.utils.clip_grad_norm_(model.parameters(), 1.0)
            opt.step()
            step += 1
            seen += int(x.numel())
            ema = float(loss) if ema is None else 0.95 * ema + 0.05 * float(loss)
            if step % 10 == 0:
                el = time.time() - t0
                recent = (seen - last[1]) / max(1e-9, time.time() - last[0])
                last = (time.time(), seen)
                log(f'step {step} epoch {epoch} loss {float(loss):.4f} ema {ema:.4f} lr {lr:.2e} '
                    f'tok/s {seen / el:.0f} (last 10 steps {recent:.0f}) elapsed {el / 60:.1f}m progress {progress:.3f}')
            if step % a.ckpt_every == 0:
                save(os.path.join(a.out, 'ckpt.pt'), step)
            if step % a.eval_every == 0:
                vl = val_answer_loss(model, vids, vidx, loss_rows, a.batch_tokens)
                per = greedy_exact(model, vids, vidx, em_rows, vgold, vtier, decode, stop, log)
                for name, cids, cidx in copy_vals:
                    rows = [r for r in range(min(200, len(cidx))) if cidx[r, 2] <= a.max_len]   # copies of long texts can outgrow the context
                    log(f'eval step {step}: copy-task val answer loss {val_answer_loss(model, cids, cidx, rows, a.batch_tokens):.4f} ({os.path.basename(name)})')
                log(f'eval step {step}: val answer loss {vl:.4f}{per_source_loss()}; greedy exact (no grammar, {len(em_rows)} val) '
                    + ', '.join(f'{t} {h}/{n}' for t, (h, n) in sorted(per.items())))
                if vl < best:
                    best = vl
                    save(os.path.join(a.out, 'best.pt'), step, {'val_answer_loss': vl})
    save(os.path.join(a.out, 'ckpt.pt'), step)
    vl = val_answer_loss(model, vids, vidx, loss_rows, a.batch_tokens)
    if vl < best:
        save(os.path.join(a.out, 'best.pt'), step, {'val_answer_loss': vl})
    log(f'done: {step} steps, {epoch} epochs, {seen:,} tokens, {(time.time() - t0) / 60:.1f} min, final val answer loss {vl:.4f}, ema loss {ema:.4f}')
    extra = per_source_loss()
    if extra:
        log(f'final val answer loss by source{extra}')


if __name__ == '__main__':
    main()
