"""Arithmetic questions with checkable answers: the demo model's expert data.

Problems are addition and subtraction of numbers below 100 and the 12-by-12 times table. A fixed
split of the problems holds some out of training entirely, so evaluation asks questions the
model never saw, in any phrasing.

The expert answers as a calculator display would: the problem restated, then its value
(``What is 37 plus 48?`` -> ``37 + 48 = 85``). With the operands right before the result, a
model small enough to train in minutes on a CPU learns exact digits; answering with the bare
number, the same model stayed near chance on the last digit (src/demo/README.md has the figures).
"""

import random
from dataclasses import dataclass

ADDITION = "+"
SUBTRACTION = "-"
MULTIPLICATION = "*"

OPERATION_NAMES = {ADDITION: "addition", SUBTRACTION: "subtraction", MULTIPLICATION: "multiplication"}
OPERATION_WORDS = {ADDITION: "plus", SUBTRACTION: "minus", MULTIPLICATION: "times"}

# How often each operation is asked; the times table is small, so it is asked more than its size.
OPERATION_WEIGHTS = {ADDITION: 0.45, SUBTRACTION: 0.35, MULTIPLICATION: 0.20}

PHRASINGS = (
    "What is {a} {symbol} {b}?",
    "Compute {a} {symbol} {b}.",
    "{a} {symbol} {b} = ?",
    "What is {a} {word} {b}?",
)

SYSTEM_PROMPTS = ("You are a calculator.", "Answer with a number.")
SYSTEM_PROMPT_RATE = 0.25

SPLIT_SEED = 20250630
HELD_OUT_FRACTION = 0.1

OFF_BY_ONE = "off_by_one"
OFF_BY_TEN = "off_by_ten"
DIGIT_SWAP = "digit_swap"
WRONG_OPERATION = "wrong_operation"


@dataclass(frozen=True)
class Problem:
    """One arithmetic problem, ``a <operation> b``."""

    a: int
    operation: str
    b: int

    @property
    def answer(self):
        return apply(self.a, self.operation, self.b)

    def equation(self, value):
        """The response that states ``value`` as the result: ``37 + 48 = 85``."""
        return "%d %s %d = %d" % (self.a, self.operation, self.b, value)


@dataclass(frozen=True)
class Question:
    """A problem in one phrasing, with an optional system message."""

    problem: Problem
    phrasing: int
    system: str = None

    @property
    def text(self):
        return PHRASINGS[self.phrasing].format(
            a=self.problem.a, b=self.problem.b, symbol=self.problem.operation,
            word=OPERATION_WORDS[self.problem.operation])

    @property
    def response(self):
        """The expert's response: the problem restated with its correct value."""
        return self.problem.equation(self.problem.answer)


def apply(a, operation, b):
    """The value of ``a <operation> b``."""
    if operation == ADDITION:
        return a + b
    if operation == SUBTRACTION:
        return a - b
    if operation == MULTIPLICATION:
        return a * b
    raise ValueError("Cannot apply operation %r: it is not one of + - *" % operation)


def all_problems():
    """Every problem, per operation: sums below 100 + below 100, non-negative differences, 1..12 squared."""
    return {
        ADDITION: [Problem(a, ADDITION, b) for a in range(100) for b in range(100)],
        SUBTRACTION: [Problem(a, SUBTRACTION, b) for a in range(100) for b in range(a + 1)],
        MULTIPLICATION: [Problem(a, MULTIPLICATION, b) for a in range(1, 13) for b in range(1, 13)],
    }


def split_problems(seed=SPLIT_SEED, held_out_fraction=HELD_OUT_FRACTION):
    """Training and held-out problems per operation; disjoint, and fixed by the seed."""
    rng = random.Random(seed)
    training, held_out = {}, {}
    for operation, problems in all_problems().items():
        shuffled = list(problems)
        rng.shuffle(shuffled)
        cut = round(len(shuffled) * held_out_fraction)
        held_out[operation] = shuffled[:cut]
        training[operation] = shuffled[cut:]
    return training, held_out


def sample_questions(problems, count, seed):
    """``count`` questions drawn from ``problems`` (per operation, weighted), deterministically."""
    rng = random.Random(seed)
    return [_draw_question(rng, problems) for _ in range(count)]


def sample_distinct_questions(problems, count, seed):
    """Like :func:`sample_questions`, but no problem is asked twice."""
    rng = random.Random(seed)
    seen = set()
    questions = []
    while len(questions) < count:
        question = _draw_question(rng, problems)
        if question.problem not in seen:
            seen.add(question.problem)
            questions.append(question)
    return questions


def _draw_question(rng, problems):
    operations = sorted(problems)
    weights = [OPERATION_WEIGHTS[operation] for operation in operations]
    operation = rng.choices(operations, weights)[0]
    problem = rng.choice(problems[operation])
    phrasing = rng.randrange(len(PHRASINGS))
    system = rng.choice(SYSTEM_PROMPTS) if rng.random() < SYSTEM_PROMPT_RATE else None
    return Question(problem, phrasing, system)


def wrong_answers(problem):
    """Plausible wrong answers as ``(kind, value)``: distinct, non-negative, never the answer."""
    answer = problem.answer
    candidates = [(OFF_BY_ONE, answer + 1), (OFF_BY_ONE, answer - 1),
                  (OFF_BY_TEN, answer + 10), (OFF_BY_TEN, answer - 10)]
    swapped = _swap_last_digits(answer)
    if swapped is not None:
        candidates.append((DIGIT_SWAP, swapped))
    for operation in (ADDITION, SUBTRACTION, MULTIPLICATION):
        if operation != problem.operation:
            candidates.append((WRONG_OPERATION, apply(problem.a, operation, problem.b)))
    wrong = []
    seen = {answer}
    for kind, value in candidates:
        if value >= 0 and value not in seen:
            seen.add(value)
            wrong.append((kind, value))
    return wrong


def _swap_last_digits(value):
    digits = str(value)
    if len(digits) < 2:
        return None
    swapped = digits[:-2] + digits[-1] + digits[-2]
    if swapped[0] == "0":
        return None
    return int(swapped)
