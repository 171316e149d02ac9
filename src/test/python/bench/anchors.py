"""What users would run instead of the Java engine, replayed on the engine's exact batches.

Reads the batches the Java engine ran (unpadded token ids per row, ``EngineBenchmark --batches-out``) and
times, with the same threads, a first pass over every batch and then ``--passes`` more (default 3), whose
median is the timed figure:

- ``hf``: a Hugging Face scoring script as users write it: ``AutoModelForCausalLM`` with SDPA attention, the
  batch right-padded under an attention mask, the full logits, ``log_softmax`` and a gather of each next
  token's log-probability. On stories260K (the llama2.c checkpoint converted to a Hugging Face Llama, checked
  against the exporter's own model) and on a random-weight Qwen2 saved with ``save_pretrained`` (``--hf-model``).

- ``artefact`` (``--artefact DIR``): the exported TorchScript module the Java engine runs, called from Python on
  the same batches (its ``forward``, whose reductions are converted to lists as the script's log-probabilities
  are), which tells the module's own speed from what the Java side adds.

llama.cpp runs apart, in the benchmark-only environment (``llama_cpp_anchor.py``), and compares its
log-probabilities with the ones ``--logprobs-out`` writes here.

Prints the result as JSON and writes it to ``--result-out``.

    jobs/python.sh src/test/python/bench/anchors.py --batches batches.json --threads N \\
        (--checkpoint stories260K.bin | --hf-model DIR | --artefact DIR) --result-out FILE [--logprobs-out FILE]
        [--passes 3]
"""

import argparse
import json
import os
import resource
import statistics
import sys
import time

import torch
import transformers

from endoreward_export.artefact import pad_right


def read_replay(path):
    """The engine's batches (unpadded token ids per row), its pad id, and their real token count."""
    with open(path, encoding="utf-8") as f:
        replay = json.load(f)
    batches = replay["batches"]
    return batches, replay["pad_token_id"], sum(len(row) for rows in batches for row in rows)


def use_threads(threads):
    """``threads`` intra-op threads and one inter-op thread, as the engine runs."""
    torch.set_num_threads(threads)
    torch.set_num_interop_threads(1)


def hf_from_llama2c(checkpoint):
    """stories260K as a Hugging Face LlamaForCausalLM, and the exporter's eager model to check it against."""
    from transformers import LlamaConfig, LlamaForCausalLM

    from endoreward_export.llama2c import read_llama2c_checkpoint

    source = read_llama2c_checkpoint(checkpoint)
    c = source.config
    config = LlamaConfig(hidden_size=c.dim, intermediate_size=c.hidden_dim, num_hidden_layers=c.n_layers,
                         num_attention_heads=c.n_heads, num_key_value_heads=c.n_kv_heads, vocab_size=c.vocab_size,
                         max_position_embeddings=c.max_seq_len, rms_norm_eps=c.norm_eps, rope_theta=c.rope_theta,
                         tie_word_embeddings=c.tied_embeddings, attn_implementation="sdpa")
    model = LlamaForCausalLM(config)
    state = source.state_dict()

    def halves(weight, heads):
        # llama2.c rotates adjacent pairs (2i, 2i+1); Hugging Face rotates the two halves of each head.
        rows, columns = weight.shape
        return weight.view(heads, rows // heads // 2, 2, columns).transpose(1, 2).reshape(rows, columns)

    converted = {"model.embed_tokens.weight": state["tok_embeddings.weight"], "model.norm.weight": state["norm.weight"],
                 "lm_head.weight": state["output.weight"]}
    for i in range(c.n_layers):
        p, q = f"layers.{i}.", f"model.layers.{i}."
        converted.update({
            q + "self_attn.q_proj.weight": halves(state[p + "attention.wq.weight"], c.n_heads),
            q + "self_attn.k_proj.weight": halves(state[p + "attention.wk.weight"], c.n_kv_heads),
            q + "self_attn.v_proj.weight": state[p + "attention.wv.weight"],
            q + "self_attn.o_proj.weight": state[p + "attention.wo.weight"],
            q + "mlp.gate_proj.weight": state[p + "feed_forward.w1.weight"],
            q + "mlp.down_proj.weight": state[p + "feed_forward.w2.weight"],
            q + "mlp.up_proj.weight": state[p + "feed_forward.w3.weight"],
            q + "input_layernorm.weight": state[p + "attention_norm.weight"],
            q + "post_attention_layernorm.weight": state[p + "ffn_norm.weight"],
        })
    model.load_state_dict(converted, strict=False)
    return model.eval(), source


def hf_logprobs(model, ids, mask):
    """What a user's scoring script computes: each next token's log-probability, [B, T-1]."""
    logits = model(input_ids=ids, attention_mask=mask).logits  # [B, T, V]
    logprobs = torch.log_softmax(logits.float(), dim=-1)
    return logprobs[:, :-1].gather(-1, ids[:, 1:, None]).squeeze(-1)


def timed_passes(run_batch, batches, passes):
    """Seconds of a first pass over every batch and the median seconds of the next ``passes``, and the outputs."""
    seconds = []
    for _ in range(1 + passes):
        start = time.perf_counter()
        outputs = [run_batch(rows) for rows in batches]
        seconds.append(time.perf_counter() - start)
    return seconds[0], statistics.median(seconds[1:]), outputs


def hf_anchor(name, model, batches, pad, tokens, passes):
    def run_batch(rows):
        ids, mask = pad_right(rows, pad)
        with torch.inference_mode():
            logprobs = hf_logprobs(model, ids, mask)
        return [logprobs[b, :len(row) - 1].tolist() for b, row in enumerate(rows)]

    first, timed, outputs = timed_passes(run_batch, batches, passes)
    parameters = sum(p.numel() for p in model.parameters())
    runtime = f"transformers {transformers.__version__}, torch {torch.__version__}, SDPA, float32"
    return {"anchor": "Hugging Face script", "model": name, "runtime": runtime, "parameters": parameters, "tokens": tokens, "first_pass_seconds": first,
            "passes": passes, "seconds": timed, "tokens_per_second": tokens / timed}, outputs


def artefact_anchor(directory, batches, pad, tokens, passes):
    module = torch.jit.load(os.path.join(directory, "model.pt"))

    def run_batch(rows):
        ids, mask = pad_right(rows, pad)
        with torch.inference_mode():
            next_logit, logsumexp = module(ids, mask)  # [B, T] each
        return [(next_logit[b, :len(row)].tolist(), logsumexp[b, :len(row)].tolist()) for b, row in enumerate(rows)]

    first, timed, _ = timed_passes(run_batch, batches, passes)
    return {"anchor": "the artefact's module from Python", "model": os.path.basename(os.path.normpath(directory)),
            "runtime": f"TorchScript, torch {torch.__version__}", "tokens": tokens, "first_pass_seconds": first,
            "passes": passes, "seconds": timed, "tokens_per_second": tokens / timed}


def main(argv):
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--batches", required=True)
    parser.add_argument("--threads", type=int, required=True)
    parser.add_argument("--checkpoint")
    parser.add_argument("--hf-model")
    parser.add_argument("--artefact")
    parser.add_argument("--logprobs-out")
    parser.add_argument("--passes", type=int, default=3)
    parser.add_argument("--result-out", required=True)
    args = parser.parse_args(argv)
    use_threads(args.threads)
    batches, pad, tokens = read_replay(args.batches)
    if args.artefact:
        result = artefact_anchor(args.artefact, batches, pad, tokens, args.passes)
        logprobs = None
    elif args.checkpoint:
        model, source = hf_from_llama2c(args.checkpoint)
        ids, mask = pad_right(batches[0], pad)
        with torch.inference_mode():
            expected = source(ids, mask).float()
            actual = model(input_ids=ids, attention_mask=mask).logits
        difference = (expected - actual)[mask.bool()].abs().max().item()
        if difference > 1e-3:
            raise SystemExit(f"Cannot compare with Hugging Face: the converted stories260K differs from the"
                             f" checkpoint by {difference:.3g} in a logit")
        result, logprobs = hf_anchor("stories260K as LlamaForCausalLM", model, batches, pad, tokens, args.passes)
        result["largest_logit_difference_to_checkpoint"] = difference
    else:
        model = transformers.AutoModelForCausalLM.from_pretrained(args.hf_model, attn_implementation="sdpa",
                                                     torch_dtype=torch.float32).eval()
        result, logprobs = hf_anchor(os.path.basename(os.path.normpath(args.hf_model)), model, batches, pad, tokens,
                                     args.passes)
    result["threads"] = args.threads
    result["peak_rss_bytes"] = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss * 1024
    print(json.dumps(result))
    with open(args.result_out, "w", encoding="utf-8") as f:
        json.dump(result, f, indent=2)
    if args.logprobs_out and logprobs is not None:
        with open(args.logprobs_out, "w", encoding="utf-8") as f:
            json.dump(logprobs, f)  # [batch][row][position]
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
