"""The demo chat template: rendered chats tokenise to exactly the sequences the model was trained on."""

import json
import unittest

from endoreward_demo import chat, generate, train
from endoreward_demo import tokenizer as demo_tokenizer
from fixtures import REPO_ROOT
from render_chat_template import compile_template, render_case

CONFIG = REPO_ROOT / "src" / "demo" / "model" / "tokenizer_config.json"


def reference_render(messages, add_generation_prompt):
    """The committed template rendered by the transformers-like reference renderer."""
    with open(CONFIG, encoding="utf-8") as source:
        config = json.load(source)
    result = render_case(compile_template(config["chat_template"]),
                         {"bos_token": config["bos_token"], "eos_token": config["eos_token"]},
                         {"messages": messages, "add_generation_prompt": add_generation_prompt})
    if "text" not in result:
        raise AssertionError(result["error"])
    return result["text"]


class TestDemoChat(unittest.TestCase):

    def setUp(self):
        self.tokenizer = demo_tokenizer.DemoTokenizer()
        self.examples = [{"system": q.system, "question": q.text, "response": q.response}
                         for q in generate.training_questions(count=300, seed=21)]

    def messages(self, example, with_answer):
        messages = [] if example["system"] is None else [
            {"role": "system", "content": example["system"]}]
        messages.append({"role": "user", "content": example["question"]})
        if with_answer:
            messages.append({"role": "assistant", "content": example["response"]})
        return messages

    def test_training_sequences_are_the_rendered_chats(self):
        encoded = train.encode_examples(self.tokenizer, self.examples)
        for example, (ids, prompt_length) in zip(self.examples, encoded):
            full = reference_render(self.messages(example, True), False)
            prompt = reference_render(self.messages(example, False), True)
            self.assertEqual(ids, self.tokenizer.encode(full), full)
            self.assertEqual(ids[:prompt_length], self.tokenizer.encode(prompt), prompt)

    def test_response_is_the_answer_closed_by_end_of_turn(self):
        encoded = train.encode_examples(self.tokenizer, self.examples)
        end_id = self.tokenizer.ids["<|end|>"]
        for example, (ids, prompt_length) in zip(self.examples, encoded):
            response = ids[prompt_length:]
            self.assertEqual(response[-1], end_id)
            self.assertEqual(self.tokenizer.decode(response), example["response"])

    def test_rendering_matches_the_reference_renderer(self):
        for example in self.examples[:50]:
            for with_answer, generation_prompt in ((True, False), (False, True)):
                messages = self.messages(example, with_answer)
                self.assertEqual(chat.render(messages, generation_prompt),
                                 reference_render(messages, generation_prompt))

    def test_rendered_text(self):
        text = reference_render([{"role": "user", "content": "What is 3 + 4?"},
                                 {"role": "assistant", "content": "7"}], False)
        self.assertEqual(text, "<s><|user|>\nWhat is 3 + 4?<|end|><|assistant|>\n7<|end|>")

    def test_unknown_role_is_a_template_error(self):
        with self.assertRaises(chat.TemplateError):
            chat.render([{"role": "tool", "content": "x"}], False)
        with self.assertRaises(AssertionError):
            reference_render([{"role": "tool", "content": "x"}], False)

    def test_batch_targets_are_the_response_tokens(self):
        encoded = train.encode_examples(self.tokenizer, self.examples[:4])
        input_ids, targets = train.make_batch(encoded, self.tokenizer.eos_id)
        for row, (ids, prompt_length) in enumerate(encoded):
            self.assertEqual(input_ids[row, :len(ids)].tolist(), ids)
            scored = [(t, target) for t, target in enumerate(targets[row].tolist())
                      if target != train.IGNORE]
            # position t predicts token t + 1
            self.assertEqual([t + 1 for t, _ in scored], list(range(prompt_length, len(ids))))
            self.assertEqual([target for _, target in scored], ids[prompt_length:])


if __name__ == "__main__":
    unittest.main()
