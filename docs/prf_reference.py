#!/usr/bin/env python3
"""Reference implementation of Distill's PRF version 1 and KGW version 1 scoring, written from
docs/prf.md alone (no code shared with the C# library). It generates the known-answer vectors in
tests/Distill.Tests/TestData/kgw_v1_vectors.json, which the C# tests must reproduce bit for bit.

    python3 docs/prf_reference.py > tests/Distill.Tests/TestData/kgw_v1_vectors.json

Needs only the standard library; the exact binomial p-values use mpmath when it is installed.
"""
import hashlib
import hmac
import json
import struct

M64 = (1 << 64) - 1
M32 = (1 << 32) - 1


def hkdf_sha256(ikm, info, length=32, salt=b""):
    prk = hmac.new(salt or b"\0" * 32, ikm, hashlib.sha256).digest()
    okm, t, i = b"", b"", 1
    while len(okm) < length:
        t = hmac.new(prk, t + info + bytes([i]), hashlib.sha256).digest()
        okm += t
        i += 1
    return okm[:length]


def derive(master, purpose, tenant=""):
    info = f"distill/v1/{len(purpose)}:{purpose}/{tenant}".encode("utf-8")
    return hkdf_sha256(master, info)


def key_id(master):
    return hmac.new(master, b"distill/key-id/v1", hashlib.sha256).digest()[:8].hex()


def words(key):
    return struct.unpack("<4Q", key)


def mix64(z):
    z = ((z ^ (z >> 30)) * 0xBF58476D1CE4E5B9) & M64
    z = ((z ^ (z >> 27)) * 0x94D049BB133111EB) & M64
    return z ^ (z >> 31)


class Prf:
    def __init__(self, subkey):
        self.k0, self.k1, self.k2, self.k3 = words(subkey)

    def token_hash(self, t):
        return mix64(mix64((t & M32) ^ self.k0) ^ self.k1)

    def left_seed(self, context):
        s = self.k2
        for c in context:
            s = mix64(s ^ self.token_hash(c))
        return s

    def self_seed(self, previous, candidate):
        hc = self.token_hash(candidate)
        a = hc | 1
        m = min((self.token_hash(w) * a) & M64 for w in list(previous) + [candidate])
        return mix64(m ^ self.k3)


def green_value(seed, t):
    x = (t & M32) ^ (seed & M32)
    x ^= x >> 16
    x = (x * 0x21F0AAAD) & M32
    x ^= x >> 15
    x ^= seed >> 32
    x = (x * 0x735A2D97) & M32
    x ^= x >> 15
    return x


def threshold(gamma):
    import math
    return min(math.floor(gamma * 2**32), M32)


def score(prf, tokens, seeding, width, gamma, dedup):
    thr = threshold(gamma)
    prefix = width - 1 if seeding == "SelfHash" else width
    seen = set()
    out = {"tokens": len(tokens), "skippedPrefix": 0, "skippedRepeated": 0, "scored": 0, "green": 0, "perToken": []}
    for i, t in enumerate(tokens):
        if i < prefix:
            out["skippedPrefix"] += 1
            out["perToken"].append("Prefix")
            continue
        ctx = tokens[i - prefix:i]
        seed = prf.self_seed(ctx, t) if seeding == "SelfHash" else prf.left_seed(ctx)
        green = green_value(seed, t) < thr
        if dedup and (seed, t) in seen:
            out["skippedRepeated"] += 1
            out["perToken"].append("Repeated")
            continue
        seen.add((seed, t))
        out["scored"] += 1
        out["green"] += int(green)
        out["perToken"].append("Green" if green else "Red")
    return out


def log10_upper_tail(k, n, p):
    try:
        import mpmath
    except ImportError:
        return None
    mpmath.mp.dps = 60
    if k <= 0:
        return 0.0
    return float(mpmath.log10(mpmath.betainc(k, n - k + 1, 0, p, regularized=True)))


def main():
    master = bytes(range(32))
    sub = derive(master, "scheme/kgw/v1")
    prf = Prf(sub)
    thr = threshold(0.25)
    tokens_probe = [0, 1, 2, 3, 100, 50256, 199999, 200018, 2**31 - 1]
    vectors = {
        "source": "docs/prf_reference.py (independent of the C# code); spec in docs/prf.md",
        "masterKeyHex": master.hex(),
        "keyId": key_id(master),
        "derivations": [
            {"purpose": p, "tenant": t, "keyHex": derive(master, p, t).hex()}
            for p, t in [("scheme/kgw/v1", ""), ("scheme/kgw/v1", "tenant-42"), ("fingerprint", "acme")]
        ],
        "prfKeyWords": [str(w) for w in words(sub)],
        "tokenHash": [{"token": t, "hash": str(prf.token_hash(t))} for t in tokens_probe],
        "leftSeed": [{"context": c, "seed": str(prf.left_seed(c))} for c in [[0], [1], [50256], [1, 2], [100, 200, 300, 400]]],
        "selfSeed": [{"previous": p, "candidate": c, "seed": str(prf.self_seed(p, c))}
                     for p, c in [([1, 2, 3], 4), ([4, 3, 2], 1), ([7, 7, 7], 7), ([100], 200), ([200019 - 1, 0, 5], 9)]],
        "greenValue": [{"seed": str(s), "token": t, "value": green_value(s, t)}
                       for s in [0, 1, M64, prf.left_seed([1])] for t in [0, 1, 31999, 200018]],
        "greenLists": [],
        "detections": [],
    }
    for ctx in [[0], [1], [12345]]:
        seed = prf.left_seed(ctx)
        for vocab in [32000, 200019]:
            green = [t for t in range(vocab) if green_value(seed, t) < thr]
            vectors["greenLists"].append({
                "context": ctx, "vocabularySize": vocab, "gamma": 0.25, "seed": str(seed), "count": len(green),
                "first20": green[:20], "sha256": hashlib.sha256(",".join(map(str, green)).encode()).hexdigest(),
            })
    # A 300-token sequence with a repeated stretch (tokens 200..259 repeat 100..159).
    x, seq = 12345, []
    for _ in range(300):
        x = (x * 6364136223846793005 + 1442695040888963407) & M64
        seq.append((x >> 33) % 32000)
    seq[200:260] = seq[100:160]
    for seeding, width in [("LeftHash", 1), ("LeftHash", 3), ("SelfHash", 4)]:
        for gamma in [0.25, 0.5]:
            for dedup in [True, False]:
                r = score(prf, seq, seeding, width, gamma, dedup)
                r.update({"seeding": seeding, "contextWidth": width, "gamma": gamma, "deduplicate": dedup,
                          "log10PValue": log10_upper_tail(r["green"], r["scored"], threshold(gamma) / 2**32)})
                vectors["detections"].append(r)
    vectors["sequence"] = seq
    print(json.dumps(vectors, indent=1))


if __name__ == "__main__":
    main()
