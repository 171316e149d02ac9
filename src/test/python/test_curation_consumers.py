"""The curation outputs in the hands of their real consumers.

TestCurationOnDemoOutput (a Java test, which Maven runs before these) scores the quickstart sample with the
demo model and runs every curation command on that output, into target/curation-demo. Here pandas, Polars
and DuckDB read every output; Hugging Face datasets loads the pairs and best-of-n outputs, and TRL's
DPOTrainer and SFTTrainer train two steps on each with a tiny random-weight Llama on the CPU.
"""

import hashlib
import json
import os
import struct
import unittest

os.environ.setdefault("HF_HUB_OFFLINE", "1")
os.environ.setdefault("HF_DATASETS_OFFLINE", "1")
os.environ.setdefault("TRANSFORMERS_OFFLINE", "1")

import datasets
import duckdb
import pandas
import polars
import torch
from transformers import AutoTokenizer, LlamaConfig, LlamaForCausalLM
from trl import DPOConfig, DPOTrainer, SFTConfig, SFTTrainer

from fixtures import REPO_ROOT, scratch_dir

CURATED = REPO_ROOT / "target" / "curation-demo"
DEMO_MODEL = REPO_ROOT / "src" / "demo" / "model"
# output folder -> the count in its report.json that is its number of rows
OUTPUTS = {"filter": "rows_kept", "best-of-n": "rows_written", "best-of-n-messages": "rows_written",
           "pairs": "pairs", "pairs-all": "pairs", "offline-rl": "rows_in"}
WITH_JSONL = {"best-of-n", "best-of-n-messages", "pairs", "pairs-all"}


def output(name):
    folder = CURATED / name
    if not (folder / "_SUCCESS").exists():
        raise AssertionError(f"{folder} is missing: TestCurationOnDemoOutput writes it (mvn test runs it first)")
    return folder


def report(name):
    return json.loads((output(name) / "report.json").read_text(encoding="utf-8"))


def tiny_llama(tokenizer):
    torch.manual_seed(0)
    config = LlamaConfig(vocab_size=len(tokenizer), hidden_size=32, intermediate_size=64, num_hidden_layers=2,
                         num_attention_heads=4, num_key_value_heads=4, max_position_embeddings=256,
                         bos_token_id=tokenizer.bos_token_id, eos_token_id=tokenizer.eos_token_id,
                         pad_token_id=tokenizer.pad_token_id)
    return LlamaForCausalLM(config)


def trainer_arguments(folder):
    return dict(output_dir=str(folder), max_steps=2, per_device_train_batch_size=2, learning_rate=1e-3,
                logging_steps=1, save_strategy="no", report_to=[], use_cpu=True, dataloader_num_workers=0,
                seed=0)


def load(name, cache):
    return datasets.load_dataset("parquet", data_files=str(output(name) / "parquet" / "*.parquet"), split="train",
                                 cache_dir=str(cache))


class TestCurationConsumers(unittest.TestCase):

    def test_pandas_polars_and_duckdb_read_every_output_alike(self):
        for name, count in OUTPUTS.items():
            with self.subTest(output=name):
                parquet = output(name) / "parquet"
                rows = report(name)[count]
                self.assertGreater(rows, 0)
                frame = pandas.read_parquet(parquet)
                self.assertEqual(len(frame), rows)
                self.assertEqual(polars.read_parquet(str(parquet / "*.parquet")).height, rows)
                self.assertEqual(duckdb.sql(f"SELECT count(*) FROM read_parquet('{parquet}/*.parquet')").fetchall()[0][0],
                                 rows)
                if name in WITH_JSONL:
                    files = [file for file in sorted((output(name) / "jsonl").glob("part-*")) if file.stat().st_size]
                    self.assertEqual(sum(len(pandas.read_json(file, lines=True)) for file in files), rows)
                    self.assertEqual(sum(polars.read_ndjson(file).height for file in files), rows)

    def test_prompt_ids_without_a_prompt_id_column_are_the_hash_of_the_prompt_token_ids(self):
        scored = output("score-messages") / "scored"
        rows = duckdb.sql(f"SELECT prompt_id, prompt_token_ids, messages[1].content AS question FROM "
                          f"read_parquet('{scored}/*/*/*.parquet')").fetchall()
        self.assertEqual(len(rows), 20)
        for prompt_id, ids, _ in rows:
            self.assertEqual(prompt_id, hashlib.sha256(struct.pack(f"<{len(ids)}i", *ids)).hexdigest()[:16])
        by_question = {}
        for prompt_id, _, question in rows:
            by_question.setdefault(question, set()).add(prompt_id)
        self.assertEqual(len(by_question), 5)
        self.assertTrue(all(len(ids) == 1 for ids in by_question.values()), by_question)
        self.assertEqual(len({prompt_id for prompt_id, _, _ in rows}), 5)

    def test_dpo_trainer_trains_on_the_pairs_output(self):
        pairs = load("pairs", scratch_dir("hf-datasets-"))
        self.assertEqual(pairs.column_names, ["prompt", "chosen", "rejected", "chosen_reward", "rejected_reward",
                                              "margin"])
        self.assertEqual(len(pairs), report("pairs")["pairs"])
        tokenizer = AutoTokenizer.from_pretrained(str(DEMO_MODEL))
        model = tiny_llama(tokenizer)
        # The reference model is a copy of the policy (the same seed): TRL would otherwise load it by model id.
        trainer = DPOTrainer(model=model, ref_model=tiny_llama(tokenizer),
                             args=DPOConfig(max_length=128, **trainer_arguments(scratch_dir("dpo-"))),
                             train_dataset=pairs, processing_class=tokenizer)
        result = trainer.train()
        self.assertEqual(result.global_step, 2)
        losses = [entry["loss"] for entry in trainer.state.log_history if "loss" in entry]
        self.assertEqual(len(losses), 2)
        self.assertTrue(all(loss == loss and loss > 0 for loss in losses), losses)

    def test_sft_trainer_trains_on_the_best_of_n_output_in_both_forms(self):
        tokenizer = AutoTokenizer.from_pretrained(str(DEMO_MODEL))
        for name, columns in (("best-of-n", {"prompt", "completion"}), ("best-of-n-messages", {"messages"})):
            with self.subTest(output=name):
                best = load(name, scratch_dir("hf-datasets-"))
                self.assertTrue(columns <= set(best.column_names), best.column_names)
                self.assertEqual(len(best), report(name)["rows_written"])
                trainer = SFTTrainer(model=tiny_llama(tokenizer),
                                     args=SFTConfig(max_length=128, **trainer_arguments(scratch_dir("sft-"))),
                                     train_dataset=best.select_columns(sorted(columns)), processing_class=tokenizer)
                result = trainer.train()
                self.assertEqual(result.global_step, 2)
                losses = [entry["loss"] for entry in trainer.state.log_history if "loss" in entry]
                self.assertTrue(losses and all(loss == loss and loss > 0 for loss in losses), losses)


if __name__ == "__main__":
    unittest.main()
