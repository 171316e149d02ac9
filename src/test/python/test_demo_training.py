"""Demo training helpers and the evaluation's reward arithmetic, against references computed here."""

import random
import unittest

import torch

from endoreward_demo import chat, evaluate, train
from endoreward_demo import tokenizer as demo_tokenizer
from endoreward_export.llama import Llama, LlamaConfig, language_model
from endoreward_export.reward_head import reward_head


def tiny_model(vocab_size):
    torch.manual_seed(3)
    model = Llama(LlamaConfig(dim=16, hidden_dim=32, n_layers=2, n_heads=2, n_kv_heads=1,
                              vocab_size=vocab_size, max_seq_len=64))
    train.initialise(model, 2)
    # larger weights than the initialisation, so that logits differ visibly between positions
    with torch.no_grad():
        model.tok_embeddings.weight.mul_(20)
    return model.eval()


class TestDemoTraining(unittest.TestCase):

    def test_convolution_layers_compute_the_same_outputs_and_gradients(self):
        model = tiny_model(40)
        input_ids = torch.randint(0, 40, (3, 9), generator=torch.Generator().manual_seed(1))
        expected = model(input_ids)
        expected.square().sum().backward()
        expected_grads = [p.grad.clone() for p in model.parameters()]
        model.zero_grad()
        with train.linear_layers_as_convolutions(model):
            actual = model(input_ids)
            actual.square().sum().backward()
        torch.testing.assert_close(actual, expected, rtol=1e-5, atol=1e-5)
        for parameter, grad in zip(model.parameters(), expected_grads):
            torch.testing.assert_close(parameter.grad, grad, rtol=1e-4, atol=1e-4)
        linears = [m for m in model.modules() if isinstance(m, torch.nn.Linear)]
        self.assertTrue(linears)
        self.assertTrue(all("forward" not in vars(m) for m in linears))

    def test_batches_are_full_and_cover_an_epoch(self):
        encoded = [([1] * (3 + i % 7), 2) for i in range(200)]
        stream = train.batches(encoded, 8, random.Random(0))
        seen = [next(stream) for _ in range(25)]
        self.assertTrue(all(len(batch) == 8 for batch in seen))
        self.assertEqual(sum(len(batch) for batch in seen), len(encoded))

    def test_learning_rate_warms_up_then_decays_to_the_minimum(self):
        config = train.TrainingConfig(steps=1000, warmup_steps=100)
        self.assertLess(train.learning_rate(config, 0), train.learning_rate(config, 99))
        self.assertAlmostEqual(train.learning_rate(config, 99), config.learning_rate)
        self.assertAlmostEqual(train.learning_rate(config, 1000), config.min_learning_rate)

    def test_rewards_from_the_reward_head_match_full_logits(self):
        tokenizer = demo_tokenizer.DemoTokenizer()
        model = tiny_model(tokenizer.vocab_size)
        responses = ("12 + 30 = 42", "12 + 30 = 7", "42")
        rows = [chat.encode_pair(tokenizer, "What is 12 + 30?", response) for response in responses]
        scores = evaluate.score_rows(reward_head(language_model(model)), rows, tokenizer.eos_id)
        for (prompt, response), score in zip(rows, scores):
            with torch.no_grad():
                logits = model(torch.tensor([prompt + response]))[0].double()  # [T, V]
            log_z = torch.logsumexp(logits, -1)  # [T]
            # response token k sits at index P + k - 1 and is predicted by the logits before it
            chosen = [logits[len(prompt) + k - 1, token].item() for k, token in enumerate(response)]
            values = [log_z[len(prompt) + k - 1].item() for k in range(len(response))]
            reward = sum(c - v for c, v in zip(chosen, values[1:] + [0.0]))
            logprob = sum(c - v for c, v in zip(chosen, values))
            self.assertAlmostEqual(score["reward"], reward, places=3)
            self.assertAlmostEqual(score["logprob"], logprob, places=3)
            greedy = [logits[len(prompt) + k - 1].argmax().item() for k in range(len(response))]
            self.assertEqual(score["greedy"], greedy == response)


if __name__ == "__main__":
    unittest.main()
