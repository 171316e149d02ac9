"""Writes the demo model's training data: correct responses to training-split arithmetic questions.

Usage: ``python -m endoreward_demo.generate --output target/demo-model/train.jsonl``
"""

import argparse
import json
import os

from endoreward_demo import arithmetic

TRAINING_SEED = 1
TRAINING_EXAMPLES = 200_000


def training_questions(count=TRAINING_EXAMPLES, seed=TRAINING_SEED):
    """Questions from the training split only; their answers are the expert demonstrations."""
    training, _ = arithmetic.split_problems()
    return arithmetic.sample_questions(training, count, seed)


def write_examples(questions, path):
    """One JSON line per question: ``{"system", "question", "response"}``."""
    os.makedirs(os.path.dirname(os.path.abspath(path)), exist_ok=True)
    with open(path, "w", encoding="utf-8") as out:
        for question in questions:
            out.write(json.dumps({"system": question.system, "question": question.text,
                                  "response": question.response}) + "\n")


def read_examples(path):
    """The examples written by :func:`write_examples`, as dicts."""
    with open(path, encoding="utf-8") as source:
        return [json.loads(line) for line in source]


def main(argv=None):
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--output", required=True, help="JSON Lines file to write")
    parser.add_argument("--count", type=int, default=TRAINING_EXAMPLES)
    parser.add_argument("--seed", type=int, default=TRAINING_SEED)
    args = parser.parse_args(argv)
    write_examples(training_questions(args.count, args.seed), args.output)
    print("wrote %d training examples to %s" % (args.count, args.output))


if __name__ == "__main__":
    main()
