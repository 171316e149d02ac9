"""The committed quickstart sample: what the generator writes, one correct response per prompt, edge cases."""

import contextlib
import io
import json
import unittest
from collections import defaultdict

from endoreward_demo import chat, sample
from endoreward_demo import tokenizer as demo_tokenizer
from fixtures import REPO_ROOT, scratch_dir
from test_demo_arithmetic import RESPONSE, solve

SAMPLE_DIR = REPO_ROOT / "src" / "demo" / "sample"
EDGE_IDS = {"long-prompt", "null-response", "empty-response", "long-response"}


def read_jsonl(path):
    with open(path, encoding="utf-8") as source:
        return [json.loads(line) for line in source]


def is_correct(question, response):
    match = RESPONSE.match(response)
    return match is not None and int(match.group(4)) == solve(question)


class TestDemoSample(unittest.TestCase):

    def setUp(self):
        self.pairs = read_jsonl(SAMPLE_DIR / "pairs.jsonl")
        self.messages = read_jsonl(SAMPLE_DIR / "messages.jsonl")
        self.tokenizer = demo_tokenizer.DemoTokenizer()

    def test_committed_files_are_what_the_generator_writes(self):
        out = scratch_dir("demo-sample-")
        with contextlib.redirect_stdout(io.StringIO()):
            sample.main(["--output", str(out)])
        for name in ("pairs.jsonl", "messages.jsonl"):
            self.assertEqual((out / name).read_bytes(), (SAMPLE_DIR / name).read_bytes(), name)

    def test_pair_rows(self):
        self.assertGreaterEqual(len(self.pairs), 190)
        self.assertEqual(len({row["id"] for row in self.pairs}), len(self.pairs))
        for row in self.pairs:
            self.assertEqual(set(row), {"id", "prompt", "response", "prompt_id"}, row["id"])

    def test_every_prompt_has_exactly_one_correct_response_among_several(self):
        groups = defaultdict(list)
        for row in self.pairs:
            if row["id"] not in EDGE_IDS:
                groups[row["prompt_id"]].append(row)
        self.assertGreaterEqual(len(groups), 25)
        for prompt_id, rows in groups.items():
            self.assertEqual(len({row["prompt"] for row in rows}), 1, prompt_id)
            correct = [row for row in rows if is_correct(row["prompt"], row["response"])]
            self.assertEqual(len(correct), 1, prompt_id)
            self.assertGreaterEqual(len(rows), 3, prompt_id)

    def test_edge_cases(self):
        rows = {row["id"]: row for row in self.pairs if row["id"] in EDGE_IDS}
        self.assertEqual(set(rows), EDGE_IDS)
        self.assertIsNone(rows["null-response"]["response"])
        self.assertEqual(rows["empty-response"]["response"], "")
        max_length = demo_tokenizer.MODEL_MAX_LENGTH
        long_prompt, long_prompt_response = chat.encode_pair(
            self.tokenizer, rows["long-prompt"]["prompt"], rows["long-prompt"]["response"])
        self.assertGreater(len(long_prompt), max_length)
        self.assertLess(len(long_prompt_response), max_length // 2)
        self.assertTrue(is_correct(rows["long-prompt"]["prompt"].split(". ")[-1],
                                   rows["long-prompt"]["response"]))
        _, long_response = chat.encode_pair(
            self.tokenizer, rows["long-response"]["prompt"], rows["long-response"]["response"])
        self.assertGreater(len(long_response), max_length)

    def test_message_rows(self):
        self.assertEqual(len(self.messages), 20)
        for row in self.messages:
            self.assertEqual(set(row), {"id", "messages"})
            roles = [message["role"] for message in row["messages"]]
            self.assertIn(roles, (["user", "assistant"], ["system", "user", "assistant"]), row["id"])
        correct = [row for row in self.messages
                   if is_correct(row["messages"][-2]["content"], row["messages"][-1]["content"])]
        self.assertEqual(len(correct), sample.MESSAGE_QUESTIONS)


if __name__ == "__main__":
    unittest.main()
