"""Checkpoint -> Hugging Face folder the engine loads: config.json (LlamaForCausalLM), model.safetensors
(written by hand: 8-byte little-endian header length, JSON header, raw little-endian tensors), plus the
tokenizer.json / tokenizer_config.json the model was trained with.

    python3 train/export.py --ckpt OUT/best.pt --tokenizer TOKDIR --out models/default [--dtype F16]
"""
import argparse
import json
import os
import shutil
import struct

import numpy as np
import torch


def hf_tensors(state: dict, tied: bool) -> dict:
    out = {}
    for name, t in state.items():
        if name.startswith('rope_'):
            continue
        hf = name if name.startswith('lm_head') else 'model.' + name
        out[hf] = t
    if tied:
        out.pop('lm_head.weight', None)
    return out


def write_safetensors(path: str, tensors: dict, dtype: str, metadata: dict | None = None) -> None:
    np_dtype = {'F16': np.float16, 'F32': np.float32}[dtype]
    header, blobs, offset = {}, [], 0
    for name in sorted(tensors):
        arr = tensors[name].detach().cpu().float().numpy().astype(np_dtype)
        data = np.ascontiguousarray(arr).astype('<' + arr.dtype.str[1:]).tobytes()
        header[name] = {'dtype': dtype, 'shape': list(arr.shape), 'data_offsets': [offset, offset + len(data)]}
        blobs.append(data)
        offset += len(data)
    if metadata:
        header['__metadata__'] = {k: str(v) for k, v in metadata.items()}
    hjson = json.dumps(header, separators=(',', ':')).encode()
    hjson += b' ' * (-len(hjson) % 8)  # align the data section to 8 bytes
    with open(path, 'wb') as f:
        f.write(struct.pack('<Q', len(hjson)))
        f.write(hjson)
        for b in blobs:
            f.write(b)


def hf_config(c: dict, bos: int, eos: int, dtype: str) -> dict:
    return {
        'architectures': ['LlamaForCausalLM'], 'model_type': 'llama',
        'hidden_size': c['dim'], 'intermediate_size': c['hidden_dim'], 'num_hidden_layers': c['n_layers'],
        'num_attention_heads': c['n_heads'], 'num_key_value_heads': c['n_kv_heads'],
        'head_dim': c['dim'] // c['n_heads'], 'vocab_size': c['vocab_size'],
        'max_position_embeddings': c['max_seq_len'], 'rope_theta': c['rope_theta'], 'rope_scaling': None,
        'rms_norm_eps': c['norm_eps'], 'tie_word_embeddings': c['tie_embeddings'], 'hidden_act': 'silu',
        'attention_bias': False, 'mlp_bias': False, 'bos_token_id': bos, 'eos_token_id': eos,
        'pad_token_id': bos, 'torch_dtype': {'F16': 'float16', 'F32': 'float32'}[dtype],
    }


def main() -> None:
    ap = argparse.ArgumentParser()
    ap.add_argument('--ckpt', required=True)
    ap.add_argument('--tokenizer', required=True)
    ap.add_argument('--out', required=True)
    ap.add_argument('--dtype', default='F16', choices=['F16', 'F32'])
    ap.add_argument('--copy-bias', type=float, default=None,
                    help="the copy bias jsonlm should use by default with this model (generation_config.json jsonlm_copy_bias)")
    ap.add_argument('--grounded', action='store_true',
                    help="recommend grounded strings (generation_config.json jsonlm_grounded; extract/grounded.ts)")
    ap.add_argument('--value-choice', action='store_true',
                    help="recommend value choice (generation_config.json jsonlm_value_choice; extract/value-choice.ts)")
    a = ap.parse_args()
    ck = torch.load(a.ckpt, map_location='cpu')
    c = ck['config']
    with open(os.path.join(a.tokenizer, 'tokenizer.json')) as f:
        tok = json.load(f)
    ids = {t['content']: t['id'] for t in tok['added_tokens']}
    os.makedirs(a.out, exist_ok=True)
    tensors = hf_tensors(ck['model'], c['tie_embeddings'])
    write_safetensors(os.path.join(a.out, 'model.safetensors'), tensors, a.dtype, {'format': 'pt'})
    with open(os.path.join(a.out, 'config.json'), 'w') as f:
        json.dump(hf_config(c, ids['<|endoftext|>'], ids['<|im_end|>'], a.dtype), f, indent=2)
    with open(os.path.join(a.out, 'generation_config.json'), 'w') as f:
        gen = {'bos_token_id': ids['<|endoftext|>'], 'eos_token_id': ids['<|im_end|>'], 'do_sample': False}
        if a.copy_bias is not None:
            gen['jsonlm_copy_bias'] = a.copy_bias
        if a.value_choice:
            gen['jsonlm_value_choice'] = True
        if a.grounded:
            gen['jsonlm_grounded'] = True
        json.dump(gen, f, indent=2)
    for name in ('tokenizer.json', 'tokenizer_config.json'):
        shutil.copyfile(os.path.join(a.tokenizer, name), os.path.join(a.out, name))
    n = sum(t.numel() for t in tensors.values())
    print(f'export: step {ck.get("step")}, {n:,} parameters, {a.dtype} -> {a.out}')


if __name__ == '__main__':
    main()
