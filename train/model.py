"""A Llama decoder in plain PyTorch (1.13 works): RMSNorm, rotate-half RoPE (the Hugging Face layout, so the
exported q/k weights need no permutation), grouped-query attention, SwiGLU MLP, optionally tied embeddings.
Parameter names mirror Hugging Face's LlamaForCausalLM without the `model.` prefix (see export.py)."""
import math
from dataclasses import dataclass, asdict

import torch
import torch.nn as nn
import torch.nn.functional as F


@dataclass
class Config:
    vocab_size: int = 3072
    dim: int = 256
    n_layers: int = 6
    n_heads: int = 8
    n_kv_heads: int = 2
    hidden_dim: int = 688
    max_seq_len: int = 1024
    rope_theta: float = 10000.0
    norm_eps: float = 1e-5
    tie_embeddings: bool = True

    @property
    def head_dim(self) -> int:
        return self.dim // self.n_heads

    def to_dict(self) -> dict:
        return asdict(self)


class RMSNorm(nn.Module):
    def __init__(self, dim: int, eps: float):
        super().__init__()
        self.eps = eps
        self.weight = nn.Parameter(torch.ones(dim))

    def forward(self, x):
        return x * torch.rsqrt(x.pow(2).mean(-1, keepdim=True) + self.eps) * self.weight


def rope_tables(head_dim: int, n: int, theta: float):
    inv = 1.0 / (theta ** (torch.arange(0, head_dim, 2).float() / head_dim))
    freqs = torch.outer(torch.arange(n).float(), inv)
    emb = torch.cat([freqs, freqs], dim=-1)  # (n, head_dim): HF layout, frequency j used at j and j + hd/2
    return emb.cos(), emb.sin()


def rotate_half(x):
    h = x.shape[-1] // 2
    return torch.cat([-x[..., h:], x[..., :h]], dim=-1)


class Attention(nn.Module):
    def __init__(self, c: Config):
        super().__init__()
        self.c = c
        hd = c.head_dim
        self.q_proj = nn.Linear(c.dim, c.n_heads * hd, bias=False)
        self.k_proj = nn.Linear(c.dim, c.n_kv_heads * hd, bias=False)
        self.v_proj = nn.Linear(c.dim, c.n_kv_heads * hd, bias=False)
        self.o_proj = nn.Linear(c.n_heads * hd, c.dim, bias=False)

    def forward(self, x, cos, sin, mask, cache=None):
        b, t, _ = x.shape
        c, hd = self.c, self.c.head_dim
        q = self.q_proj(x).view(b, t, c.n_heads, hd).transpose(1, 2)
        k = self.k_proj(x).view(b, t, c.n_kv_heads, hd).transpose(1, 2)
        v = self.v_proj(x).view(b, t, c.n_kv_heads, hd).transpose(1, 2)
        q = q * cos + rotate_half(q) * sin
        k = k * cos + rotate_half(k) * sin
        if cache is not None:
            if cache.get('k') is not None:
                k = torch.cat([cache['k'], k], dim=2)
                v = torch.cat([cache['v'], v], dim=2)
            cache['k'], cache['v'] = k, v
        rep = c.n_heads // c.n_kv_heads
        if rep > 1:
            k = k.repeat_interleave(rep, dim=1)
            v = v.repeat_interleave(rep, dim=1)
        att = (q @ k.transpose(-2, -1)) * (1.0 / math.sqrt(hd))
        if mask is not None:
            att = att + mask
        att = F.softmax(att, dim=-1)
        y = (att @ v).transpose(1, 2).reshape(b, t, c.n_heads * hd)
        return self.o_proj(y)


class MLP(nn.Module):
    def __init__(self, c: Config):
        super().__init__()
        self.gate_proj = nn.Linear(c.dim, c.hidden_dim, bias=False)
        self.up_proj = nn.Linear(c.dim, c.hidden_dim, bias=False)
        self.down_proj = nn.Linear(c.hidden_dim, c.dim, bias=False)

    def forward(self, x):
        return self.down_proj(F.silu(self.gate_proj(x)) * self.up_proj(x))


class Block(nn.Module):
    def __init__(self, c: Config):
        super().__init__()
        self.input_layernorm = RMSNorm(c.dim, c.norm_eps)
        self.self_attn = Attention(c)
        self.post_attention_layernorm = RMSNorm(c.dim, c.norm_eps)
        self.mlp = MLP(c)

    def forward(self, x, cos, sin, mask, cache=None):
        x = x + self.self_attn(self.input_layernorm(x), cos, sin, mask, cache)
        return x + self.mlp(self.post_attention_layernorm(x))


class Llama(nn.Module):
    def __init__(self, c: Config):
        super().__init__()
        self.c = c
        self.embed_tokens = nn.Embedding(c.vocab_size, c.dim)
        self.layers = nn.ModuleList([Block(c) for _ in range(c.n_layers)])
        self.norm = RMSNorm(c.dim, c.norm_eps)
        self.lm_head = None if c.tie_embeddings else nn.Linear(c.dim, c.vocab_size, bias=False)
        cos, sin = rope_tables(c.head_dim, c.max_seq_len, c.rope_theta)
        self.register_buffer('rope_cos', cos, persistent=False)
        self.register_buffer('rope_sin', sin, persistent=False)
        self.apply(self._init)
        # GPT-2 style: shrink the residual projections with depth.
        for n, p in self.named_parameters():
            if n.endswith('o_proj.weight') or n.endswith('down_proj.weight'):
                nn.init.normal_(p, 0.0, 0.02 / math.sqrt(2 * c.n_layers))

    @staticmethod
    def _init(m):
        if isinstance(m, (nn.Linear, nn.Embedding)):
            nn.init.normal_(m.weight, 0.0, 0.02)

    def forward(self, ids, caches=None, pos0: int = 0, select=None):
        """ids (b, t) -> logits (b, t, vocab). With caches (a list of dicts, one per layer) the new keys and
        values are appended and attention covers the cached positions too (greedy decoding). With select (a
        boolean (b, t) mask) only those positions get logits, (n_selected, vocab): the LM head is skipped
        where no loss is taken."""
        b, t = ids.shape
        x = self.embed_tokens(ids)
        cos = self.rope_cos[pos0:pos0 + t][None, None]
        sin = self.rope_sin[pos0:pos0 + t][None, None]
        mask = None
        if t > 1:
            total = pos0 + t
            mask = torch.full((t, total), float('-inf'), device=ids.device).triu(pos0 + 1)[None, None]
        for i, layer in enumerate(self.layers):
            x = layer(x, cos, sin, mask, None if caches is None else caches[i])
        x = self.norm(x)
        if select is not None:
            x = x[select]
        w = self.embed_tokens.weight if self.lm_head is None else self.lm_head.weight
        return x @ w.t()

    def n_params(self) -> int:
        return sum(p.numel() for p in self.parameters())

    @torch.no_grad()
    def greedy(self, prompt: list, max_new: int, stop: int) -> list:
        caches = [{} for _ in self.layers]
        dev = self.rope_cos.device
        logits = self(torch.tensor([prompt], device=dev), caches, 0)
        out, pos = [], len(prompt)
        for _ in range(max_new):
            nxt = int(logits[0, -1].argmax())
            out.append(nxt)
            if nxt == stop or pos >= self.c.max_seq_len:
                break
            logits = self(torch.tensor([[nxt]], device=dev), caches, pos)
            pos += 1
        return out
