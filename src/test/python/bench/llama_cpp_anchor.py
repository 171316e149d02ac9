"""llama.cpp as a user would score with it, replayed on the Java engine's exact batches.

Runs in the benchmark-only environment (``src/test/python/bench/requirements.txt``: llama-cpp-python,
built from source, and NumPy). Loads ``stories260K.gguf`` with every position's logits kept
(``logits_all``) and its key/value cache in float32 (``--kv-cache``; llama.cpp's default is float16, whose
rounding moves stories260K's log-probabilities by up to about 0.02), evaluates each row as llama-cpp-python
takes them (one sequence at a time, after a reset), and computes each next token's log-probability from the logits with a float32 log-softmax and a
gather in NumPy. A first pass over every batch is followed by ``--passes`` more (default 3), whose median
is the timed figure, as the Hugging Face anchor does. With ``--compare-to`` (the Hugging Face anchor's ``--logprobs-out``), also reports the
largest difference between the two runtimes' log-probabilities. Prints the result as JSON and writes
it to ``--result-out``.

    python llama_cpp_anchor.py --gguf stories260K.gguf --batches batches.json --threads N \\
        --result-out FILE [--compare-to logprobs.json] [--passes 3] [--kv-cache f32|f16]
"""

import argparse
import json
import resource
import statistics
import sys
import time

import llama_cpp
import numpy as np


KV_CACHE_TYPES = {"f32": llama_cpp.GGML_TYPE_F32, "f16": llama_cpp.GGML_TYPE_F16}


def main(argv):
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--gguf", required=True)
    parser.add_argument("--batches", required=True)
    parser.add_argument("--threads", type=int, required=True)
    parser.add_argument("--compare-to")
    parser.add_argument("--passes", type=int, default=3)
    parser.add_argument("--kv-cache", choices=sorted(KV_CACHE_TYPES), default="f32")
    parser.add_argument("--result-out", required=True)
    args = parser.parse_args(argv)
    with open(args.batches, encoding="utf-8") as f:
        batches = json.load(f)["batches"]
    tokens = sum(len(row) for rows in batches for row in rows)
    width = max(len(row) for rows in batches for row in rows)
    llm = llama_cpp.Llama(model_path=args.gguf, n_ctx=width, n_batch=width, n_ubatch=width, n_threads=args.threads,
                          n_threads_batch=args.threads, logits_all=True, verbose=False,
                          type_k=KV_CACHE_TYPES[args.kv_cache], type_v=KV_CACHE_TYPES[args.kv_cache])

    def logprobs_of(row):
        llm.reset()
        llm.eval(row)
        logits = np.asarray(llm.scores[:len(row)], dtype=np.float32)  # [T, V]
        top = logits.max(axis=-1, keepdims=True)
        logsumexp = top[:, 0] + np.log(np.exp(logits - top).sum(axis=-1))  # [T]
        return (logits[np.arange(len(row) - 1), row[1:]] - logsumexp[:-1]).tolist()  # [T - 1]

    seconds = []
    for _ in range(1 + args.passes):
        start = time.perf_counter()
        outputs = [[logprobs_of(row) for row in rows] for rows in batches]
        seconds.append(time.perf_counter() - start)
    result = {"anchor": "llama.cpp", "model": "stories260K.gguf", "runtime": f"llama-cpp-python {llama_cpp.__version__}, {args.kv_cache} KV cache",
              "tokens": tokens, "first_pass_seconds": seconds[0],
              "passes": args.passes, "seconds": statistics.median(seconds[1:]),
              "tokens_per_second": tokens / statistics.median(seconds[1:]), "threads": args.threads,
              "peak_rss_bytes": resource.getrusage(resource.RUSAGE_SELF).ru_maxrss * 1024}
    if args.compare_to:
        with open(args.compare_to, encoding="utf-8") as f:
            reference = json.load(f)
        result["largest_logprob_difference_to_hf"] = max(
            abs(x - y) for ours, theirs in zip(outputs, reference) for a, b in zip(ours, theirs) for x, y in zip(a, b))
    print(json.dumps(result))
    with open(args.result_out, "w", encoding="utf-8") as f:
        json.dump(result, f, indent=2)
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
