"""Writes the quickstart's sample input: held-out questions with candidate answers to score.

``pairs.jsonl`` holds ``{"id", "prompt", "response", "prompt_id"}`` rows: several candidates per
prompt (the correct answer among them, in shuffled order), one prompt longer than the model's
maximum length (scored with its start cut off), and rows that must be rejected: a null
response, an empty response and a response longer than the maximum length.
``messages.jsonl`` holds ``{"id", "messages"}`` rows whose last message is the assistant answer.

Usage: ``python -m endoreward_demo.sample --output src/demo/sample``
"""

import argparse
import json
import os
import random

from endoreward_demo import arithmetic, evaluate
from endoreward_demo import tokenizer as demo_tokenizer

SAMPLE_SEED = 3
PAIR_ROWS = 200
MESSAGE_QUESTIONS = 5
MESSAGE_CANDIDATES = 4
FILLER = "Some context that does not matter for the question. "


def pair_rows(rng, questions):
    """Candidate rows for ``questions`` until there are about ``PAIR_ROWS``, then the edge cases."""
    rows = []
    for number, question in enumerate(questions, start=1):
        prompt_id = "q%03d" % number
        answers = [text for _, text in evaluate.candidates(question)]
        rng.shuffle(answers)
        rows.extend({"id": "%s-%d" % (prompt_id, index), "prompt": question.text,
                     "response": answer, "prompt_id": prompt_id}
                    for index, answer in enumerate(answers, start=1))
        if len(rows) >= PAIR_ROWS - 4:
            break
    return rows + edge_case_rows(questions[-1])


def edge_case_rows(question):
    """A truncated prompt that is still scored, and three rows that must be rejected."""
    max_length = demo_tokenizer.MODEL_MAX_LENGTH
    long_prompt = FILLER * (2 * max_length // len(FILLER) + 1) + question.text
    long_response = " ".join([question.response] * (max_length // len(question.response) + 1))
    return [
        {"id": "long-prompt", "prompt": long_prompt, "response": question.response,
         "prompt_id": "long-prompt"},
        {"id": "null-response", "prompt": question.text, "response": None,
         "prompt_id": "edge"},
        {"id": "empty-response", "prompt": question.text, "response": "",
         "prompt_id": "edge"},
        {"id": "long-response", "prompt": question.text, "response": long_response,
         "prompt_id": "edge"},
    ]


def message_rows(rng, questions):
    """Chats ending with a candidate answer: the correct one and the first few wrong ones."""
    rows = []
    for number, question in enumerate(questions, start=1):
        prefix = [] if question.system is None else [{"role": "system", "content": question.system}]
        for index, (_, answer) in enumerate(evaluate.candidates(question)[:MESSAGE_CANDIDATES], 1):
            messages = prefix + [{"role": "user", "content": question.text},
                                 {"role": "assistant", "content": answer}]
            rows.append({"id": "m%02d-%d" % (number, index), "messages": messages})
    rng.shuffle(rows)
    return rows


def sample_questions():
    """Held-out questions of the sample: distinct problems, none used in training."""
    _, held_out = arithmetic.split_problems()
    return arithmetic.sample_distinct_questions(held_out, PAIR_ROWS // 4, SAMPLE_SEED)


def write_jsonl(rows, path):
    with open(path, "w", encoding="utf-8") as out:
        for row in rows:
            out.write(json.dumps(row) + "\n")


def main(argv=None):
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--output", required=True, help="directory for pairs.jsonl and messages.jsonl")
    args = parser.parse_args(argv)
    rng = random.Random(SAMPLE_SEED)
    questions = sample_questions()
    os.makedirs(args.output, exist_ok=True)
    pairs = pair_rows(rng, questions[MESSAGE_QUESTIONS:])
    messages = message_rows(rng, questions[:MESSAGE_QUESTIONS])
    write_jsonl(pairs, os.path.join(args.output, "pairs.jsonl"))
    write_jsonl(messages, os.path.join(args.output, "messages.jsonl"))
    print("wrote %d pairs and %d chats to %s" % (len(pairs), len(messages), args.output))


if __name__ == "__main__":
    main()
