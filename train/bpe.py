"""Byte-level BPE trainer: pre-token counts in (from `prepare-data words`, already spelled in GPT-2's
byte-to-unicode alphabet and split by the same Digits(individual) + ByteLevel pre-tokenizer the
tokenizer.json declares), tokenizer.json + tokenizer_config.json out, in the Hugging Face format that
@huggingface/tokenizers loads.

Ids: 0 <|endoftext|>, 1 <|im_start|>, 2 <|im_end|> (added tokens, special), 3..258 the 256 byte symbols in
byte order, then one token per merge in the order learned. Digits are isolated by the pre-tokenizer, so
no token ever holds two digits (numbers are copied digit by digit).

    python3 train/bpe.py --words words.json --vocab-size 3072 --out DIR
"""
import argparse
import json
import os
from collections import defaultdict

SPECIAL = ['<|endoftext|>', '<|im_start|>', '<|im_end|>']

CHATML_TEMPLATE = (
    "{% for message in messages %}{{ '<|im_start|>' + message['role'] + '\\n' + message['content'] + '<|im_end|>' + '\\n' }}{% endfor %}"
    "{% if add_generation_prompt %}{{ '<|im_start|>assistant\\n' }}{% endif %}")


def bytes_to_unicode() -> list:
    """GPT-2's table: byte -> printable character (printable Latin-1 bytes stand for themselves, the other 68
    move to U+0100 and up in byte order)."""
    out, shifted = [], 0
    for b in range(256):
        printable = 0x21 <= b <= 0x7e or 0xa1 <= b <= 0xac or 0xae <= b <= 0xff
        out.append(chr(b) if printable else chr(256 + shifted))
        shifted += 0 if printable else 1
    return out


def train_merges(counts: dict, n_merges: int, min_freq: int = 2) -> list:
    """Classic BPE: repeatedly merge the most frequent adjacent pair. Pair counts are kept incrementally
    (pair -> count, pair -> words holding it), so each merge touches only the words that contain it.
    Ties break on the pair itself, so the result is deterministic."""
    words = [list(w) for w in counts]
    freqs = [counts[w] for w in counts]
    pair_count = defaultdict(int)
    where = defaultdict(set)
    for i, w in enumerate(words):
        for a, b in zip(w, w[1:]):
            pair_count[(a, b)] += freqs[i]
            where[(a, b)].add(i)
    merges = []
    while len(merges) < n_merges and pair_count:
        best = max(pair_count.items(), key=lambda kv: (kv[1], kv[0]))
        (a, b), c = best
        if c < min_freq:
            break
        merges.append((a, b))
        merged = a + b
        for i in list(where[(a, b)]):
            w, f = words[i], freqs[i]
            for x, y in zip(w, w[1:]):
                pair_count[(x, y)] -= f
                if pair_count[(x, y)] <= 0:
                    del pair_count[(x, y)]
                where[(x, y)].discard(i)
            nw, j = [], 0
            while j < len(w):
                if j + 1 < len(w) and w[j] == a and w[j + 1] == b:
                    nw.append(merged)
                    j += 2
                else:
                    nw.append(w[j])
                    j += 1
            words[i] = nw
            for x, y in zip(nw, nw[1:]):
                pair_count[(x, y)] += f
                where[(x, y)].add(i)
        where.pop((a, b), None)
        pair_count.pop((a, b), None)
    return merges


def tokenizer_files(merges: list) -> tuple:
    vocab = {}
    for i, ch in enumerate(bytes_to_unicode()):
        vocab[ch] = len(SPECIAL) + i
    for a, b in merges:
        if a + b not in vocab:
            vocab[a + b] = len(SPECIAL) + len(vocab)
    tok = {
        'version': '1.0', 'truncation': None, 'padding': None,
        'added_tokens': [{'id': i, 'content': s, 'single_word': False, 'lstrip': False, 'rstrip': False,
                          'normalized': False, 'special': True} for i, s in enumerate(SPECIAL)],
        'normalizer': None,
        'pre_tokenizer': {'type': 'Sequence', 'pretokenizers': [
            {'type': 'Digits', 'individual_digits': True},
            {'type': 'ByteLevel', 'add_prefix_space': False, 'trim_offsets': True, 'use_regex': True}]},
        'post_processor': None,
        'decoder': {'type': 'ByteLevel', 'add_prefix_space': True, 'trim_offsets': True, 'use_regex': True},
        'model': {'type': 'BPE', 'dropout': None, 'unk_token': None, 'continuing_subword_prefix': None,
                  'end_of_word_suffix': None, 'fuse_unk': False, 'byte_fallback': False, 'ignore_merges': False,
                  'vocab': vocab, 'merges': [f'{a} {b}' for a, b in merges]},
    }
    cfg = {
        'added_tokens_decoder': {str(i): {'content': s, 'lstrip': False, 'normalized': False, 'rstrip': False,
                                          'single_word': False, 'special': True} for i, s in enumerate(SPECIAL)},
        'additional_special_tokens': ['<|im_start|>', '<|im_end|>'],
        'bos_token': '<|endoftext|>', 'eos_token': '<|im_end|>', 'pad_token': '<|endoftext|>',
        'unk_token': None, 'add_bos_token': False, 'add_eos_token': False,
        'clean_up_tokenization_spaces': False, 'model_max_length': 1024,
        'tokenizer_class': 'GPT2Tokenizer', 'chat_template': CHATML_TEMPLATE,
    }
    return tok, cfg


def main() -> None:
    ap = argparse.ArgumentParser()
    ap.add_argument('--words', required=True)
    ap.add_argument('--vocab-size', type=int, default=3072)
    ap.add_argument('--out', required=True)
    a = ap.parse_args()
    with open(a.words) as f:
        counts = json.load(f)
    n_merges = a.vocab_size - len(SPECIAL) - 256
    merges = train_merges(counts, n_merges)
    tok, cfg = tokenizer_files(merges)
    os.makedirs(a.out, exist_ok=True)
    with open(os.path.join(a.out, 'tokenizer.json'), 'w') as f:
        json.dump(tok, f, ensure_ascii=False)
    with open(os.path.join(a.out, 'tokenizer_config.json'), 'w') as f:
        json.dump(cfg, f, indent=2, ensure_ascii=False)
    print(f'bpe: {len(merges)} merges, vocab {len(SPECIAL) + len(tok["model"]["vocab"])} -> {a.out}')


if __name__ == '__main__':
    main()
