#!/usr/bin/env python3
"""Writes the toy logits of the shared SynthID-Text processor steps (synthid_vectors.json, processor_steps).

For each step, in order: float32(numpy.random.default_rng(logits_model_seed).standard_normal(32000) * logit_scale),
the formula the vectors' `toy_model` field names; stored as 3 x 32000 little-endian float32 values, gzip-compressed,
in synthid_step_logits.bin.gz. Needs numpy only (made with numpy 1.24.2, the vectors' own version).

When torch is importable, also writes synthid_step_outputs.json: the SHA-256 of the full float32 output
(little-endian bytes) of transformers' SynthIDTextWatermarkLogitsProcessor.update_scores on those logits
(its logic reproduced with torch, one thread), for a bit-for-bit check of the whole vocabulary.
"""
import gzip
import hashlib
import json
import os

import numpy as np

HERE = os.path.dirname(os.path.abspath(__file__))
vectors = json.load(open(os.path.join(HERE, "synthid_vectors.json")))
steps = vectors["processor_steps"]
vocab = vectors["vocab_size"]
logits = [np.float32(np.random.default_rng(s["logits_model_seed"]).standard_normal(vocab) * s["logit_scale"]) for s in steps]
with gzip.GzipFile(os.path.join(HERE, "synthid_step_logits.bin.gz"), "wb", mtime=0) as f:
    for row in logits:
        f.write(row.astype("<f4").tobytes())

try:
    import torch
except ImportError:
    torch = None

if torch is not None:
    torch.set_num_threads(1)
    config = vectors["config"]
    keys = config["keys"]
    table = torch.randint(0, 2, (config["sampling_table_size"],), generator=torch.Generator().manual_seed(config["sampling_table_seed"]))
    multiplier = 6364136223846793005

    def accumulate(h, data):
        for i in range(data.shape[-1]):
            h = (h + data[..., i]) * multiplier + 1
        return h

    outputs = []
    for s, row in zip(steps, logits):
        scores = torch.tensor(row)[None, :]
        context_hash = accumulate(torch.ones(1, dtype=torch.long), torch.tensor([s["context"]]))
        keyed = (context_hash[:, None] + torch.arange(vocab)[None, :]) * multiplier + 1
        keyed = (keyed[:, :, None] + torch.tensor(keys)[None, None, :]) * multiplier + 1
        g = table[keyed % config["sampling_table_size"]]
        probs = torch.softmax(scores, dim=1)
        for d in range(len(keys)):
            mass = (g[:, :, d] * probs).sum(axis=1, keepdims=True)
            probs = probs * (1 + g[:, :, d] - mass)
        log_probs = torch.log(probs)
        log_probs = torch.where(torch.isfinite(log_probs), log_probs, torch.finfo(log_probs.dtype).min)
        outputs.append({
            "logits_model_seed": s["logits_model_seed"],
            "sha256_of_float32_output": hashlib.sha256(log_probs[0].numpy().astype("<f4").tobytes()).hexdigest(),
            "updated_logprob_tokens_0_9": [float(x) for x in log_probs[0, :10]],
        })
    with open(os.path.join(HERE, "synthid_step_outputs.json"), "w") as f:
        json.dump({"torch_version": torch.__version__, "numpy_version": np.__version__, "threads": 1, "steps": outputs}, f, indent=2)
        f.write("\n")
