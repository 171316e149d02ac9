"""Small random Hugging Face causal LMs of real transformers architectures, their tokenizer, and float64 references.

Shared by the Java tests' fixture (hf_fixture.py), the Python tests, the benchmarks and gpu/check_hf_export.py.
Every model is built from a config (two layers, hidden size 64, a 320-token vocabulary) with random
weights; nothing is downloaded. The references run transformers' own eager forward in float64 on one
unpadded sequence at a time and take full logits, as reference_rewards.py does for llama2.c models.
"""

import contextlib
import io
from pathlib import Path
import sys
from typing import Callable, Dict, List

REPO_ROOT = Path(__file__).resolve().parents[3]
for folder in (REPO_ROOT / "src" / "main" / "python", Path(__file__).resolve().parent):
    if str(folder) not in sys.path:
        sys.path.insert(0, str(folder))

import torch  # noqa: E402
import transformers  # noqa: E402
from tokenizers import Tokenizer, decoders, models, pre_tokenizers, processors, trainers  # noqa: E402

from endoreward_export import cli  # noqa: E402
import reference_rewards  # noqa: E402

VOCAB_SIZE = 320
"""Size the tokenizer is trained to, and so the models' vocabulary."""
MAX_LENGTH = 128
WINDOW = 16
"""Sliding window of the families that have one: shorter than most test sequences."""
CORPUS = [
    "Once upon a time there was a little robot who loved to read.",
    "The quick brown fox jumps over the lazy dog.",
    "Reward models score responses; language models predict tokens.",
    "Ünïcödé text, numbers 12345 and punctuation!?",
] * 20
CHAT_TEMPLATE = ("{% for message in messages %}<s>{{ message['role'] }}: {{ message['content'] }}</s>"
                 "{% endfor %}{% if add_generation_prompt %}<s>assistant: {% endif %}")
DTYPES = ("float32", "bfloat16", "float16")
TOLERANCES = {"float32": (1e-4, False), "bfloat16": (5e-2, True), "float16": (1e-2, True)}
"""(bound, relative) on an artefact's difference from the float64 reference per dtype: absolute, or relative to
max(1, |reference|). About twice the largest difference measured over FAMILIES on the CPU (TestHfFamilies,
which holds the same bounds, gives the figures)."""


def common_ids(tokenizer) -> dict:
    return dict(vocab_size=len(tokenizer), bos_token_id=tokenizer.bos_token_id, eos_token_id=tokenizer.eos_token_id,
                pad_token_id=tokenizer.pad_token_id)


def decoder_only_sizes(tokenizer, **extra) -> dict:
    """Sizes shared by the Llama-like families: 2 layers, hidden 64, 4 query and 2 key/value heads."""
    return dict(common_ids(tokenizer), hidden_size=64, intermediate_size=128, num_hidden_layers=2, num_attention_heads=4,
                num_key_value_heads=2, max_position_embeddings=MAX_LENGTH, **extra)


FAMILIES: Dict[str, Callable] = {
    # untied output layer, rotary positions
    "llama": lambda t: transformers.LlamaConfig(**decoder_only_sizes(t, tie_word_embeddings=False)),
    "qwen2": lambda t: transformers.Qwen2Config(**decoder_only_sizes(t, tie_word_embeddings=True)),
    # per-head q/k norms
    "qwen3": lambda t: transformers.Qwen3Config(**decoder_only_sizes(t, head_dim=16, tie_word_embeddings=True)),
    # sliding window on every layer
    "mistral": lambda t: transformers.MistralConfig(**decoder_only_sizes(t, sliding_window=WINDOW)),
    # tied, sliding and full layers, soft-capped attention scores (traced with eager attention) and logits
    "gemma2": lambda t: transformers.Gemma2Config(**decoder_only_sizes(
        t, head_dim=16, sliding_window=WINDOW, layer_types=["sliding_attention", "full_attention"],
        attn_logit_softcapping=3.0, final_logit_softcapping=4.0)),
    # tied, sliding and full layers with SDPA, soft-capped logits
    "gemma3": lambda t: transformers.Gemma3TextConfig(**decoder_only_sizes(
        t, head_dim=16, sliding_window=WINDOW, layer_types=["sliding_attention", "full_attention"],
        final_logit_softcapping=4.0)),
    # fused qkv and gate/up projections, sliding window
    "phi3": lambda t: transformers.Phi3Config(**decoder_only_sizes(t, sliding_window=WINDOW)),
    # learned absolute positions, tied
    "gpt2": lambda t: transformers.GPT2Config(**common_ids(t), n_positions=MAX_LENGTH, n_embd=64, n_layer=2, n_head=4),
    # partial rotary embeddings, parallel residual, untied
    "gpt_neox": lambda t: transformers.GPTNeoXConfig(
        **common_ids(t), hidden_size=64, intermediate_size=128, num_hidden_layers=2, num_attention_heads=4,
        max_position_embeddings=MAX_LENGTH, rotary_pct=0.5, tie_word_embeddings=False),
    # learned positions offset by 2, tied
    "opt": lambda t: transformers.OPTConfig(
        **common_ids(t), hidden_size=64, ffn_dim=128, num_hidden_layers=2, num_attention_heads=4,
        max_position_embeddings=MAX_LENGTH, word_embed_proj_dim=64),
}
"""The families the Java tests score, by name: a config factory taking the tokenizer."""

EXTRA_FAMILIES: Dict[str, Callable] = {
    # an output layer with a bias
    "phi": lambda t: transformers.PhiConfig(**decoder_only_sizes(t)),
    # logits multiplied by logit_scale, tied
    "cohere": lambda t: transformers.CohereConfig(**decoder_only_sizes(t, logit_scale=0.25)),
    # logits divided by logits_scaling
    "granite": lambda t: transformers.GraniteConfig(**decoder_only_sizes(t, logits_scaling=4.0)),
}
"""Families the Python tests export besides :data:`FAMILIES`, for the output layer's variants."""


def build_tokenizer(folder: Path, add_bos: bool = True,
                    chat_template: bool = True) -> transformers.PreTrainedTokenizerFast:
    """A byte-level BPE trained on a few sentences, with <s>, </s> and <pad>, saved into ``folder``."""
    tokenizer = Tokenizer(models.BPE())
    tokenizer.pre_tokenizer = pre_tokenizers.ByteLevel(add_prefix_space=False)
    tokenizer.decoder = decoders.ByteLevel()
    trainer = trainers.BpeTrainer(vocab_size=VOCAB_SIZE, special_tokens=["<s>", "</s>", "<pad>"],
                                  initial_alphabet=pre_tokenizers.ByteLevel.alphabet(), show_progress=False)
    tokenizer.train_from_iterator(CORPUS, trainer)
    if add_bos:
        tokenizer.post_processor = processors.TemplateProcessing(
            single="<s> $A", pair="<s> $A <s> $B", special_tokens=[("<s>", tokenizer.token_to_id("<s>"))])
    fast = transformers.PreTrainedTokenizerFast(tokenizer_object=tokenizer, bos_token="<s>", eos_token="</s>",
                                                pad_token="<pad>")
    if chat_template:
        fast.chat_template = CHAT_TEMPLATE
    fast.save_pretrained(folder)
    return fast


def build_model(family: str, tokenizer, seed: int = 0) -> torch.nn.Module:
    """A float32 model of ``family`` with random weights, scaled up so its logits spread out."""
    config = {**FAMILIES, **EXTRA_FAMILIES}[family](tokenizer)
    torch.manual_seed(seed)
    model = transformers.AutoModelForCausalLM.from_config(config)
    with torch.no_grad():
        for parameter in model.parameters():
            if parameter.dim() >= 2:
                parameter.normal_(0.0, 0.2)
    return model.eval()


def build_source(folder: Path, family: str, add_bos: bool = True, chat_template: bool = True):
    """Saves a random model of ``family`` and the tokenizer into ``folder``, as a user's model folder is; returns the tokenizer."""
    tokenizer = build_tokenizer(folder, add_bos, chat_template)
    build_model(family, tokenizer).save_pretrained(folder)
    return tokenizer


def export(source: Path, output: Path, dtype: str) -> int:
    """Exports ``source`` through the exporter's command line, in this process; returns its exit status."""
    with contextlib.redirect_stdout(io.StringIO()):  # the command prints the manifest
        return cli.main(["--format", "hf", "--model", str(source), "--output", str(output), "--dtype", dtype])


def float64_model(source: Path, dtype: str) -> torch.nn.Module:
    """The model of ``source`` with the weights an export at ``dtype`` holds (rounded to it), computing in float64
    with eager attention."""
    model = transformers.AutoModelForCausalLM.from_pretrained(source, dtype=getattr(torch, dtype),
                                                              attn_implementation="eager")
    return model.double().eval()


def logits_of(model: torch.nn.Module) -> Callable[[torch.Tensor], torch.Tensor]:
    """``input_ids`` [1, T] -> float64 logits [1, T, V] of one unpadded row."""
    return lambda input_ids: model(input_ids=input_ids, use_cache=False).logits


def reference_rewards_of(model: torch.nn.Module, prompt_ids: List[int], response_ids: List[int], alpha: float,
                         gamma: float, terminal: str) -> dict:
    """reference_rewards.sequence_rewards on a transformers model."""
    return reference_rewards.sequence_rewards(logits_of(model), prompt_ids, response_ids, alpha, gamma, terminal)


def mixed_pairs(tokenizer, seed: int = 11) -> List[dict]:
    """Prompt/response token pairs of mixed lengths, 2 to MAX_LENGTH tokens: tokenised text, then random ids
    for the long ones; every prompt starts with BOS."""
    generator = torch.Generator().manual_seed(seed)
    text = tokenizer(" ".join(CORPUS[:8]), add_special_tokens=False)["input_ids"]
    pairs = []
    for prompt_length, response_length in ((1, 1), (3, 2), (6, 12), (4, 35), (30, 47), (60, MAX_LENGTH - 60)):
        ids = text if prompt_length + response_length <= len(text) + 1 else \
            torch.randint(0, len(tokenizer), (MAX_LENGTH,), generator=generator).tolist()
        sequence = [tokenizer.bos_token_id] + ids[:prompt_length + response_length - 1]
        pairs.append({"prompt_ids": sequence[:prompt_length], "response_ids": sequence[prompt_length:]})
    return pairs
