#!/usr/bin/env python3
"""Reference implementation of Distill's Gumbel-max scheme version 1, written from
docs/schemes/gumbel.md and docs/prf.md alone (no code shared with the C# library). It generates the
known-answer vectors in tests/Distill.Tests/TestData/gumbel_v1_vectors.json, which the C# tests must
reproduce bit for bit (the p-values to 1e-9 relative).

    python3 docs/schemes/gumbel_reference.py > tests/Distill.Tests/TestData/gumbel_v1_vectors.json

Needs the standard library and mpmath (for the exact Gamma tails). Python's math.log is the C
library's log, as .NET's Math.Log is; the vectors were produced on x64 Linux (glibc).
"""
import hashlib
import hmac
import json
import math
import struct

import mpmath

M64 = (1 << 64) - 1
M32 = (1 << 32) - 1
STRIDE = 0x9E3779B97F4A7C15
MASTER = bytes(range(32))


def hkdf_sha256(ikm, info, length=32):
    prk = hmac.new(b"\0" * 32, ikm, hashlib.sha256).digest()
    okm, t, i = b"", b"", 1
    while len(okm) < length:
        t = hmac.new(prk, t + info + bytes([i]), hashlib.sha256).digest()
        okm += t
        i += 1
    return okm[:length]


def derive(master, purpose, tenant=""):
    return hkdf_sha256(master, f"distill/v1/{len(purpose)}:{purpose}/{tenant}".encode("utf-8"))


def mix64(z):
    z = ((z ^ (z >> 30)) * 0xBF58476D1CE4E5B9) & M64
    z = ((z ^ (z >> 27)) * 0x94D049BB133111EB) & M64
    return z ^ (z >> 31)


class Gumbel:
    def __init__(self, master):
        self.k0, self.k1, self.k2, self.k3 = struct.unpack("<4Q", derive(master, "scheme/gumbel/v1"))

    def token_hash(self, t):
        return mix64(mix64((t & M32) ^ self.k0) ^ self.k1)

    def context_seed(self, context):
        s = self.k2
        for c in context:
            s = mix64(s ^ self.token_hash(c))
        return s

    def variant_word(self, v):
        return mix64((self.k3 + v) & M64)

    def step_seed(self, context_seed, v):
        return mix64(context_seed ^ self.variant_word(v))


def word(seed, t):
    return mix64((seed + t * STRIDE) & M64)


def uniform(w):
    return float(((w >> 12) << 1) | 1) * 2.0 ** -53


def complement(w):
    return float((((~w & M64) >> 12) << 1) | 1) * 2.0 ** -53


def value(seed, t):
    return -math.log(complement(word(seed, t)))


def choose(logits, seed):
    best, best_key = -1, math.inf
    for v, l in enumerate(logits):
        if l == -math.inf:
            continue
        key = math.log(-math.log(uniform(word(seed, v)))) - l
        if best < 0 or key < best_key:
            best, best_key = v, key
    return best


def fixed(x):
    return int(x * 4294967296.0)  # x * 2^32 is exact in binary floating point; truncation = floor


def detect(g, tokens, h, variants, dedup=True):
    seen = set()
    prefix = repeated = scored = 0
    sums = [0] * variants
    for i, t in enumerate(tokens):
        if i < h:
            prefix += 1
            continue
        c = g.context_seed(tokens[i - h:i])
        if dedup and c in seen:
            repeated += 1
            continue
        seen.add(c)
        scored += 1
        for v in range(variants):
            sums[v] += fixed(value(g.step_seed(c, v), t))
    best = None
    for s in sums:
        x = mpmath.mpf(s) / 2 ** 32
        lp = mpmath.log10(mpmath.gammainc(scored, x, mpmath.inf, regularized=True))
        best = lp if best is None or lp < best else best
    log10p = min(mpmath.mpf(0), best + mpmath.log10(variants))
    return {"scored": scored, "skippedPrefix": prefix, "skippedRepeated": repeated,
            "fixedSums": [str(s) for s in sums], "log10PValue": float(log10p)}


def main():
    mpmath.mp.dps = 40
    g = Gumbel(MASTER)
    contexts = [[0], [1, 2, 3, 4], [50256, 199999, 7, 7], [5] * 16]
    ctx = g.context_seed([1, 2, 3, 4])
    tokens_probe = [0, 1, 2, 3, 100, 31999, 50256, 128255, 200018]
    seed0 = g.step_seed(ctx, 0)
    small = [0.0, -0.5, -1.0, 1.5, 0.25, -2.0, -math.inf, 0.875, -0.25, -3.0, 0.625, 0.125, -1.5, 1.125, -0.75, 0.375]
    big = []
    for i in range(1000):
        z = mix64(i + 0x1234)
        big.append(-math.inf if z % 13 == 0 else (z % 1024) / 64.0 - 8.0)
    stream = [mix64(i + 99) % 1000 for i in range(200)]
    stream = stream + stream[40:100]
    out = {
        "source": "docs/schemes/gumbel_reference.py (independent of the C# code); spec in docs/schemes/gumbel.md",
        "masterKeyHex": MASTER.hex(),
        "subKeyHex": derive(MASTER, "scheme/gumbel/v1").hex(),
        "keyWords": [str(g.k0), str(g.k1), str(g.k2), str(g.k3)],
        "contextSeeds": [{"context": c, "seed": str(g.context_seed(c))} for c in contexts],
        "variantWords": [str(g.variant_word(v)) for v in range(4)],
        "stepSeeds": [{"context": [1, 2, 3, 4], "variant": v, "seed": str(g.step_seed(ctx, v))} for v in range(4)],
        "words": [{"seed": str(seed0), "token": t, "word": str(word(seed0, t)), "r": repr(uniform(word(seed0, t))),
                   "q": repr(complement(word(seed0, t))), "value": repr(value(seed0, t))} for t in tokens_probe],
        "choices": [{"logits": "small" if logits is small else "big", "seed": str(s), "token": choose(logits, s)}
                    for logits in (small, big) for s in (seed0, g.step_seed(ctx, 1), 0, 1, M64, 0x0123456789ABCDEF)],
        "smallLogits": [repr(x) if x != -math.inf else "-Infinity" for x in small],
        "detection": {
            "vocabularySize": 1000,
            "tokens": stream,
            "cases": [dict(contextWidth=h, variants=k, deduplicate=d, **detect(g, stream, h, k, d))
                      for (h, k, d) in ((4, 1, True), (4, 1, False), (2, 3, True), (1, 1, True))],
        },
    }
    print(json.dumps(out, indent=1))


if __name__ == "__main__":
    main()
