#!/usr/bin/python3
"""PyTorch reference for bench/model.ts: the same GPT (pre-LayerNorm, tanh-GELU MLP, learned
positions, tied embeddings) trained and sampled on the CPU, to compare tokens/s with the embedded
tfjs-wasm model. Prints one JSON object on stdout.

Run with Debian's /usr/bin/python3 (python3-torch; libopenblas0-pthread for a fast BLAS).
"""
import argparse
import json
import math
import resource
import statistics
import sys
import time


def main() -> None:
    ap = argparse.ArgumentParser()
    ap.add_argument("--vocab", type=int, default=2048)
    ap.add_argument("--ctx", type=int, default=256)
    ap.add_argument("--d", type=int, default=128)
    ap.add_argument("--layers", type=int, default=4)
    ap.add_argument("--heads", type=int, default=4)
    ap.add_argument("--batch", type=int, default=8)
    ap.add_argument("--train-steps", type=int, default=10)
    ap.add_argument("--prompt", type=int, default=16)
    ap.add_argument("--new-tokens", type=int, default=240)
    ap.add_argument("--sample-reps", type=int, default=3)
    ap.add_argument("--threads", type=int, default=0, help="0 = torch default")
    args = ap.parse_args()

    try:
        import torch
        import torch.nn as nn
        import torch.nn.functional as F
    except ImportError as e:  # pragma: no cover
        print(json.dumps({"error": f"torch not importable: {e}", "install": "apt-get install python3-torch libopenblas0-pthread"}))
        return

    if args.threads > 0:
        torch.set_num_threads(args.threads)
    torch.manual_seed(0)

    class Block(nn.Module):
        def __init__(self, d: int, h: int):
            super().__init__()
            self.h = h
            self.ln1 = nn.LayerNorm(d)
            self.qkv = nn.Linear(d, 3 * d)
            self.proj = nn.Linear(d, d)
            self.ln2 = nn.LayerNorm(d)
            self.fc = nn.Linear(d, 4 * d)
            self.out = nn.Linear(4 * d, d)

        def attn(self, x, cache=None):
            b, t, d = x.shape
            q, k, v = self.qkv(self.ln1(x)).split(d, dim=2)
            q = q.view(b, t, self.h, d // self.h).transpose(1, 2)
            k = k.view(b, t, self.h, d // self.h).transpose(1, 2)
            v = v.view(b, t, self.h, d // self.h).transpose(1, 2)
            if cache is not None:
                if cache.get("k") is not None:
                    k = torch.cat([cache["k"], k], dim=2)
                    v = torch.cat([cache["v"], v], dim=2)
                cache["k"], cache["v"] = k, v
            att = (q @ k.transpose(-2, -1)) * (1.0 / math.sqrt(k.shape[-1]))
            tq, tk = q.shape[2], k.shape[2]
            if tq > 1:  # causal mask (a single decoding query sees the whole cache)
                mask = torch.ones(tq, tk, dtype=torch.bool).tril(diagonal=tk - tq)
                att = att.masked_fill(~mask, float("-inf"))
            y = torch.softmax(att, dim=-1) @ v
            return self.proj(y.transpose(1, 2).contiguous().view(b, t, d))

        def forward(self, x, cache=None):
            x = x + self.attn(x, cache)
            return x + self.out(F.gelu(self.fc(self.ln2(x)), approximate="tanh"))

    class GPT(nn.Module):
        def __init__(self):
            super().__init__()
            self.wte = nn.Embedding(args.vocab, args.d)
            self.wpe = nn.Embedding(args.ctx, args.d)
            self.blocks = nn.ModuleList([Block(args.d, args.heads) for _ in range(args.layers)])
            self.lnf = nn.LayerNorm(args.d)

        def forward(self, idx, caches=None, pos0=0):
            t = idx.shape[1]
            pos = torch.arange(pos0, pos0 + t)
            x = self.wte(idx) + self.wpe(pos)
            for i, blk in enumerate(self.blocks):
                x = blk(x, None if caches is None else caches[i])
            return self.lnf(x) @ self.wte.weight.T

    model = GPT()
    # GPT-2 initialisation, as in src/models/embedded/gpt.ts
    with torch.no_grad():
        for name, p in model.named_parameters():
            if name.endswith("bias"):
                p.zero_()
            elif "ln" in name:
                p.fill_(1.0)
            elif name == "wpe.weight":
                p.normal_(0.0, 0.01)
            elif name.endswith("proj.weight") or name.endswith("out.weight"):
                p.normal_(0.0, 0.02 / math.sqrt(2 * args.layers))
            else:
                p.normal_(0.0, 0.02)
    params = sum(p.numel() for p in model.parameters())
    opt = torch.optim.AdamW(model.parameters(), lr=3e-4, betas=(0.9, 0.95), weight_decay=0.01)
    g = torch.Generator().manual_seed(1)
    x = torch.randint(0, args.vocab, (args.batch, args.ctx + 1), generator=g)

    def train_step():
        logits = model(x[:, :-1])
        loss = F.cross_entropy(logits.reshape(-1, args.vocab), x[:, 1:].reshape(-1))
        opt.zero_grad(set_to_none=True)
        loss.backward()
        torch.nn.utils.clip_grad_norm_(model.parameters(), 1.0)
        opt.step()
        return loss.item()

    for _ in range(2):
        train_step()
    step_wall = []
    step_cpu = []
    for _ in range(args.train_steps):
        t0 = time.perf_counter()
        c0 = time.process_time()
        train_step()
        step_wall.append(time.perf_counter() - t0)
        step_cpu.append(time.process_time() - c0)
    tokens_per_step = args.batch * args.ctx

    @torch.no_grad()
    def sample():
        caches = [dict() for _ in range(args.layers)]
        idx = torch.randint(0, args.vocab, (args.batch, args.prompt), generator=g)
        logits = model(idx, caches, 0)[:, -1, :]
        pos = args.prompt
        out = 0
        for _ in range(args.new_tokens):
            probs = torch.softmax(logits, dim=-1)
            nxt = torch.multinomial(probs, 1, generator=g)
            out += nxt.shape[0]
            logits = model(nxt, caches, pos)[:, -1, :]
            pos += 1
        return out

    model.eval()
    sample()
    samp_wall = []
    samp_cpu = []
    generated = 0
    for _ in range(args.sample_reps):
        t0 = time.perf_counter()
        c0 = time.process_time()
        generated = sample()
        samp_wall.append(time.perf_counter() - t0)
        samp_cpu.append(time.process_time() - c0)

    blas = "unknown"
    try:
        with open("/proc/self/maps") as f:
            maps = f.read()
        blas = "openblas" if "openblas" in maps else ("blas (reference?)" if "libblas" in maps else "none linked")
    except OSError:
        pass

    print(json.dumps({
        "torch": torch.__version__,
        "threads": torch.get_num_threads(),
        "blas": blas,
        "params": params,
        "trainTokensPerSecond": tokens_per_step / statistics.median(step_wall),
        "trainTokensPerCpuSecond": tokens_per_step / statistics.median(step_cpu),
        "trainTokensPerSecondBest": tokens_per_step / min(step_wall),
        "trainStepMs": 1000 * statistics.median(step_wall),
        "sampleTokensPerSecond": generated / statistics.median(samp_wall),
        "sampleTokensPerCpuSecond": generated / statistics.median(samp_cpu),
        "sampleTokensPerSecondBest": generated / min(samp_wall),
        "sampleTokens": generated,
        "peakRssMiB": resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024,
        "finalLoss": train_step(),
        "expectedInitialLoss": math.log(args.vocab),
    }))


if __name__ == "__main__":
    sys.exit(main())
