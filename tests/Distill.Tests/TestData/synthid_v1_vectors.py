#!/usr/bin/env python3
"""Reference implementation of Distill's SynthID-Text version 1 g-values and tournament, written
from docs/schemes/synthid.md alone. It prints the known-answer vectors that
tests/Distill.Tests/SynthId/SynthIdPrfVectorTests.cs checks bit for bit:

    python3 tests/Distill.Tests/TestData/synthid_v1_vectors.py > tests/Distill.Tests/TestData/synthid_v1_vectors.json
"""
import hashlib
import hmac
import json
import struct

M64 = (1 << 64) - 1
M32 = (1 << 32) - 1


def hkdf_sha256(ikm, info, length=32):
    prk = hmac.new(b"\0" * 32, ikm, hashlib.sha256).digest()
    okm, t, i = b"", b"", 1
    while len(okm) < length:
        t = hmac.new(prk, t + info + bytes([i]), hashlib.sha256).digest()
        okm += t
        i += 1
    return okm[:length]


def mix64(z):
    z = ((z ^ (z >> 30)) * 0xBF58476D1CE4E5B9) & M64
    z = ((z ^ (z >> 27)) * 0x94D049BB133111EB) & M64
    return z ^ (z >> 31)


class SynthId:
    def __init__(self, master):
        purpose = "scheme/synthid/v1"
        sub = hkdf_sha256(master, f"distill/v1/{len(purpose)}:{purpose}/".encode())
        self.k0, self.k1, self.k2, self.k3 = struct.unpack("<4Q", sub)

    def token_hash(self, t):
        return mix64(mix64((t & M32) ^ self.k0) ^ self.k1)

    def context_seed(self, context):
        s = self.k2
        for c in context:
            s = mix64(s ^ self.token_hash(c))
        return s

    def g_word(self, seed, t):
        return mix64(mix64(seed ^ self.token_hash(t)) ^ self.k3)


def tournament(p, words, depth):
    p = list(p)
    for l in range(depth):
        zero = 0.0
        for i in range(len(p)):
            zero += 0.0 if (words[i] >> l) & 1 else p[i]
        win, lose = 1.0 + zero, zero
        p = [p[i] * (win if (words[i] >> l) & 1 else lose) for i in range(len(p))]
    return p


def main():
    master = bytes(range(32))
    s = SynthId(master)
    cases = [
        ([1, 2, 3, 4], 5),
        ([0, 0, 0, 0], 0),
        ([11, 22, 33, 44], 127_999),
        ([50_000, 7, 99, 123], 42),
        ([4_000_000_000 & 0x7FFFFFFF, 1, 2, 3], 9),
    ]
    vectors = []
    for context, token in cases:
        seed = s.context_seed(context)
        vectors.append({
            "context": context,
            "token": token,
            "tokenHash": f"{s.token_hash(token):016x}",
            "contextSeed": f"{seed:016x}",
            "gWord": f"{s.g_word(seed, token):016x}",
        })

    # The tournament over four candidates after context [1, 2, 3, 4], depth 30.
    ids = [10, 20, 30, 40]
    p = [0.4, 0.3, 0.2, 0.1]
    seed = s.context_seed([1, 2, 3, 4])
    words = [s.g_word(seed, t) for t in ids]
    out = tournament(p, words, 30)
    print(json.dumps({
        "masterKey": master.hex(),
        "purpose": "scheme/synthid/v1",
        "vectors": vectors,
        "tournament": {
            "context": [1, 2, 3, 4],
            "candidates": ids,
            "probabilities": p,
            "depth": 30,
            "resultBits": [f"{struct.unpack('<Q', struct.pack('<d', x))[0]:016x}" for x in out],
        },
    }, indent=2))


if __name__ == "__main__":
    main()
