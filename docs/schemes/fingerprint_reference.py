#!/usr/bin/env python3
"""Reference implementation of Distill's tenant fingerprints (scheme kgw-fingerprint, version 1),
written from docs/schemes/fingerprint.md and docs/prf.md alone (no code shared with the C# library).
It generates tests/Distill.Tests/TestData/fingerprint_v1_vectors.json, which the C# tests reproduce:
integers exactly, p-values (log10) to 1e-9.

    python3 docs/schemes/fingerprint_reference.py > tests/Distill.Tests/TestData/fingerprint_v1_vectors.json

Needs the standard library and mpmath (the exact p-values are convolutions in 60-digit arithmetic).
"""
import hashlib
import json
import os
import struct
import sys

import mpmath

sys.path.insert(0, os.path.join(os.path.dirname(os.path.abspath(__file__)), ".."))
from prf_reference import M32, M64, Prf, derive, green_value, mix64, words  # noqa: E402

G = 0x9E3779B97F4A7C15
MASTER = bytes(range(32))
P1, P2, P3, P4, P5 = 0x9E3779B185EBCA87, 0xC2B2AE3D27D4EB4F, 0x165667B19E3779F9, 0x85EBCA77C2B2AE63, 0x27D4EB2F165667C5


def rotl(x, r):
    return ((x << r) | (x >> (64 - r))) & M64


def xxh64(data, seed=0):
    """XXH64 (Yann Collet's specification), pure Python."""
    n, i = len(data), 0

    def round_(acc, lane):
        return (rotl((acc + lane * P2) & M64, 31) * P1) & M64

    if n >= 32:
        v = [(seed + P1 + P2) & M64, (seed + P2) & M64, seed, (seed - P1) & M64]
        while i + 32 <= n:
            for k in range(4):
                v[k] = round_(v[k], struct.unpack_from("<Q", data, i + 8 * k)[0])
            i += 32
        h = (rotl(v[0], 1) + rotl(v[1], 7) + rotl(v[2], 12) + rotl(v[3], 18)) & M64
        for k in range(4):
            h = ((h ^ round_(0, v[k])) * P1 + P4) & M64
    else:
        h = (seed + P5) & M64
    h = (h + n) & M64
    while i + 8 <= n:
        h = (rotl(h ^ round_(0, struct.unpack_from("<Q", data, i)[0]), 27) * P1 + P4) & M64
        i += 8
    if i + 4 <= n:
        h = (rotl(h ^ (struct.unpack_from("<I", data, i)[0] * P1 & M64), 23) * P2 + P3) & M64
        i += 4
    while i < n:
        h = (rotl(h ^ (data[i] * P5 & M64), 11) * P1) & M64
        i += 1
    h = ((h ^ (h >> 33)) * P2) & M64
    h = ((h ^ (h >> 29)) * P3) & M64
    return h ^ (h >> 32)


def tenant_from_name(name):
    return xxh64(("distill-tenant/v1\0" + name).encode("utf-8"))


def sin_squared_half_pi(v):
    """The page's polynomial, in the same binary64 operations."""
    use_cos = v > 0.5
    x = ((1.0 - v) if use_cos else v) * (3.141592653589793 / 2.0)
    x2 = x * x
    term = 1.0 if use_cos else x
    total = term
    for k in range(1, 13):
        d = (2.0 * k) * ((2.0 * k) - 1.0) if use_cos else (2.0 * k) * ((2.0 * k) + 1.0)
        term = -term * x2 / d
        total += term
    return total * total


class Code:
    def __init__(self, master, share=0.5, length=2048, colluders=8):
        self.f = words(derive(master, "fingerprint/v1"))
        self.length = length
        self.positions = 64 + length
        self.share_threshold = min(int(share * 2**32), M32)
        self.round_keys = [mix64((self.f[1] + (r + 1) * G) & M64) for r in range(8)]
        t = 1.0 / (300.0 * colluders)
        self.thresholds = []
        for i in range(length):
            v = (mix64(self.f[2] ^ mix64(i + 1)) >> 11) * (1.0 / 9007199254740992.0)
            p = t + ((1.0 - (2.0 * t)) * sin_squared_half_pi(v))
            self.thresholds.append(min(max(round(p * 65536.0), 1), 65535))  # Python's round is half-even

    def position(self, seed):
        a = mix64(seed ^ self.f[0])
        hi, lo = a >> 32, a & M32
        if hi < self.share_threshold:
            return (lo * 64) >> 32
        return 64 + ((lo * self.length) >> 32)

    def f_round(self, r, x):
        return mix64(x ^ self.round_keys[r]) >> 32

    def identity_word(self, t):
        a, b = t >> 32, t & M32
        for r in range(8):
            a, b = b, a ^ self.f_round(r, b)
        return (a << 32) | b

    def tenant_of(self, word):
        a, b = word >> 32, word & M32
        for r in reversed(range(8)):
            a, b = b ^ self.f_round(r, a), a
        return (a << 32) | b

    def bit(self, t, q):
        if q < 64:
            return (self.identity_word(t) >> q) & 1
        i = q - 64
        w = mix64((mix64(t ^ self.f[3]) + ((i // 4) + 1) * G) & M64)
        return int(((w >> (16 * (i % 4))) & 0xFFFF) < self.thresholds[i])

    def one_probability(self, q):
        return mpmath.mpf(1) / 2 if q < 64 else mpmath.mpf(self.thresholds[q - 64]) / 65536


def evidence(prf, code, tokens, width, t0):
    split = t0 >> 1
    counts = [[0, 0] for _ in range(code.positions)]
    seen, scored, green = set(), 0, 0
    for i in range(width, len(tokens)):
        seed = prf.left_seed(tokens[i - width:i])
        t = tokens[i]
        if (seed, t) in seen:
            continue
        seen.add((seed, t))
        scored += 1
        u = green_value(seed, t)
        if u < t0:
            green += 1
            counts[code.position(seed)][0 if u < split else 1] += 1
    return counts, scored, green


def log10_p(code, counts, tenant):
    """Exact P(M >= M_T) for a tenant whose bits are independent Bernoulli(p_q), by convolution."""
    mpmath.mp.dps = 60
    dist = {0: mpmath.mpf(1)}
    observed = 0
    for q in range(code.positions):
        n0, n1 = counts[q]
        d = n1 - n0
        if d == 0:
            continue
        p = code.one_probability(q)
        if code.bit(tenant, q):
            observed += d
        new = {}
        for s, m in dist.items():
            new[s] = new.get(s, 0) + (1 - p) * m
            new[s + d] = new.get(s + d, 0) + p * m
        dist = new
    tail = sum(m for s, m in dist.items() if s >= observed)
    return float(mpmath.log10(tail))


def pooled_score(code, counts, tenant, centred):
    slope = 0.0
    if centred:
        xy = xx = 0.0
        for q in range(code.positions):
            n0, n1 = counts[q]
            if n0 + n1 > 0:
                x = 2.0 * (0.5 if q < 64 else code.thresholds[q - 64] / 65536.0) - 1.0
                xy += x * ((n1 - n0) / (n0 + n1))
                xx += x * x
        slope = xy / xx if xx > 0 else 0.0
    score = 0.0
    for q in range(code.positions):
        n0, n1 = counts[q]
        p = 0.5 if q < 64 else code.thresholds[q - 64] / 65536.0
        if centred:
            w = 0.0 if n0 + n1 == 0 else ((n1 - n0) / (n0 + n1)) - (slope * ((2.0 * p) - 1.0))
        else:
            w = float((n1 > n0) - (n1 < n0))
        if w == 0.0:
            continue
        score += w * (p / (1.0 - p)) ** 0.5 * -1.0 if not code.bit(tenant, q) else w * ((1.0 - p) / p) ** 0.5
    return score


def main():
    vocab, width, t0 = 32000, 2, min(int(0.5 * 2**32), M32)
    prf = Prf(derive(MASTER, "scheme/kgw/v1"))
    code = Code(MASTER)
    names = ["acme", "globex", "", "tenant-0", "\u00e9t\u00e9", "a-very-long-reseller-name-of-more-than-thirty-two-bytes-and-more"]
    acme = tenant_from_name("acme")

    # A watermarked sequence for acme: three steps in four take the first token (from a keyed
    # start) in acme's colour at that step's position; the fourth is arbitrary.
    tokens, x = [1, 2], 777
    for step in range(400):
        x = (x * 6364136223846793005 + 1442695040888963407) & M64
        start = (x >> 33) % vocab
        if step % 4 == 3:
            tokens.append(start)
            continue
        seed = prf.left_seed(tokens[-width:])
        b = code.bit(acme, code.position(seed))
        lo, hi = (0, t0 >> 1) if b == 0 else (t0 >> 1, t0)
        t = start
        while not (lo <= green_value(seed, t) < hi):
            t = (t + 1) % vocab
        tokens.append(t)
    tokens += tokens[50:120]  # a repeated stretch: deduplication must count it once
    counts, scored, green = evidence(prf, code, tokens, width, t0)
    innocent = tenant_from_name("tenant-3")

    out = {
        "source": "docs/schemes/fingerprint_reference.py (independent of the C# code); spec in docs/schemes/fingerprint.md",
        "masterKeyHex": MASTER.hex(),
        "subKeyWords": [str(w) for w in code.f],
        "tenantNames": [{"name": n, "value": str(tenant_from_name(n))} for n in names if n],
        "identityWords": [{"tenant": str(t), "word": str(code.identity_word(t))} for t in [0, 1, 42, M64, acme]],
        "tardosThresholdsFirst32": code.thresholds[:32],
        "tardosThresholdsSha256": hashlib.sha256(",".join(map(str, code.thresholds)).encode()).hexdigest(),
        "positions": [{"context": c, "seed": str(prf.left_seed(c)), "position": code.position(prf.left_seed(c))}
                      for c in [[1, 2], [3, 4], [100, 200], [31999, 0], [5, 5]]],
        "positionsOfMix64Sha256": hashlib.sha256(",".join(str(code.position(mix64(s))) for s in range(10000)).encode()).hexdigest(),
        "codewords": [{"tenant": str(t), "first128": "".join(str(code.bit(t, q)) for q in range(128)),
                       "sha256": hashlib.sha256("".join(str(code.bit(t, q)) for q in range(code.positions)).encode()).hexdigest()}
                      for t in [acme, innocent, 7]],
        "sequence": tokens,
        "scored": scored,
        "green": green,
        "countsSha256": hashlib.sha256(",".join(f"{a}:{b}" for a, b in counts).encode()).hexdigest(),
        "traces": [{"tenant": str(t), "log10PValue": log10_p(code, counts, t)} for t in [acme, innocent]],
        "pooledScores": [{"tenant": str(t), "centred": pooled_score(code, counts, t, True), "symmetric": pooled_score(code, counts, t, False)}
                         for t in [acme, innocent]],
    }
    print(json.dumps(out, indent=1))


if __name__ == "__main__":
    main()
