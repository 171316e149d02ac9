"""Measures how well the exported demo model's endogenous reward picks correct answers.

Held-out questions (problems never trained on, drawn with their own seed) each get the correct
answer and several plausible wrong ones. Every candidate is scored through the exported
TorchScript module, from its ``next_token_logit`` and ``logsumexp`` outputs, with alpha = 1,
gamma = 1 and a terminal value of zero:

- ``logprob = sum_k (c_k - LSE_k)``;
- ``reward = sum_{k<R} (c_k - LSE_{k+1}) + c_R``.

Usage: ``python -m endoreward_demo.evaluate --model src/demo/model --report report.json``
"""

import argparse
import json
import os
from collections import defaultdict

import torch

from endoreward_demo import arithmetic, chat
from endoreward_demo import tokenizer as demo_tokenizer

EVALUATION_SEED = 2
EVALUATION_QUESTIONS = 600
BATCH_ROWS = 256
CORRECT = "correct"


def candidates(question):
    """``(kind, response)`` of the correct response first, then one per plausible wrong answer."""
    problem = question.problem
    return [(CORRECT, question.response)] + [
        (kind, problem.equation(value)) for kind, value in arithmetic.wrong_answers(problem)]


def score_rows(module, rows, pad_id):
    """Scores of ``rows``, each ``(prompt_ids, response_ids)``, through the exported module.

    Returns one dict per row: ``reward``, ``logprob`` and ``greedy`` (whether each response token is the
    argmax of the module's ``greedy`` method at its position, i.e. the greedy continuation).
    """
    scores = []
    for start in range(0, len(rows), BATCH_ROWS):
        chunk = rows[start:start + BATCH_ROWS]
        length = max(len(prompt) + len(response) for prompt, response in chunk)
        input_ids = torch.full((len(chunk), length), pad_id, dtype=torch.long)  # [B, T]
        attention_mask = torch.zeros((len(chunk), length), dtype=torch.long)  # [B, T]
        for row, (prompt, response) in enumerate(chunk):
            ids = prompt + response
            input_ids[row, :len(ids)] = torch.tensor(ids)
            attention_mask[row, :len(ids)] = 1
        with torch.no_grad():
            chosen, logsumexp = module(input_ids, attention_mask)  # [B, T] each
            argmax = module.greedy(input_ids, attention_mask)[1]  # [B, T]
        for row, (prompt, response) in enumerate(chunk):
            # Response token k (1-based) is predicted at position P + k - 2.
            positions = slice(len(prompt) - 1, len(prompt) + len(response) - 1)
            c = chosen[row, positions].double()  # [R]
            lse = logsumexp[row, positions].double()  # [R]
            reward = c.sum() - lse[1:].sum()
            scores.append({
                "reward": reward.item(),
                "logprob": (c - lse).sum().item(),
                "greedy": argmax[row, positions].tolist() == response,
            })
    return scores


def evaluate(module, questions, tokenizer):
    """Accuracy figures of ``module`` on ``questions``; see the module docstring."""
    rows, owners = [], []
    for index, question in enumerate(questions):
        for kind, text in candidates(question):
            rows.append(chat.encode_pair(tokenizer, question.text, text, question.system))
            owners.append((index, kind))
    scores = score_rows(module, rows, tokenizer.eos_id)
    by_question = defaultdict(list)
    for (index, kind), score in zip(owners, scores):
        by_question[index].append((kind, score))

    counts = defaultdict(lambda: [0, 0])  # metric -> [hits, total]
    for index, scored in by_question.items():
        operation = arithmetic.OPERATION_NAMES[questions[index].problem.operation]
        correct = scored[0][1]
        wrong = scored[1:]
        for key in ("reward", "logprob"):
            best = all(correct[key] > other[key] for _, other in wrong)
            _count(counts, "top1_" + key, best)
            _count(counts, "top1_%s_%s" % (key, operation), best)
            for kind, other in wrong:
                _count(counts, "pairwise_" + key, correct[key] > other[key])
                _count(counts, "pairwise_%s_%s" % (key, kind), correct[key] > other[key])
        reward_pick = max(range(len(scored)), key=lambda i: scored[i][1]["reward"])
        logprob_pick = max(range(len(scored)), key=lambda i: scored[i][1]["logprob"])
        _count(counts, "same_pick_reward_logprob", reward_pick == logprob_pick)
        _count(counts, "greedy_exact", correct["greedy"])
        _count(counts, "greedy_exact_" + operation, correct["greedy"])
    report = {metric: {"accuracy": hits / total, "count": total}
              for metric, (hits, total) in sorted(counts.items())}
    report["questions"] = len(questions)
    report["candidates"] = len(rows)
    return report


def held_out_questions(count=EVALUATION_QUESTIONS, seed=EVALUATION_SEED):
    """Distinct questions about held-out problems only: none was ever a training question."""
    _, held_out = arithmetic.split_problems()
    return arithmetic.sample_distinct_questions(held_out, count, seed)


def _count(counts, metric, hit):
    counts[metric][0] += int(hit)
    counts[metric][1] += 1


def format_report(report):
    """The report as aligned text lines."""
    lines = ["%d held-out questions, %d candidates" % (report["questions"], report["candidates"])]
    for metric, value in report.items():
        if isinstance(value, dict):
            lines.append("%-36s %6.1f%%  (n=%d)" % (metric, 100 * value["accuracy"], value["count"]))
    return "\n".join(lines)


def main(argv=None):
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--model", required=True, help="exported artefact directory")
    parser.add_argument("--report", required=True, help="JSON file to write the figures to")
    parser.add_argument("--questions", type=int, default=EVALUATION_QUESTIONS)
    parser.add_argument("--seed", type=int, default=EVALUATION_SEED)
    args = parser.parse_args(argv)
    module = torch.jit.load(os.path.join(args.model, "model.pt"), map_location="cpu")
    module.eval()
    report = evaluate(module, held_out_questions(args.questions, args.seed),
                      demo_tokenizer.DemoTokenizer())
    os.makedirs(os.path.dirname(os.path.abspath(args.report)), exist_ok=True)
    with open(args.report, "w", encoding="utf-8") as out:
        json.dump(report, out, indent=2)
        out.write("\n")
    print(format_report(report))


if __name__ == "__main__":
    main()
