"""The demo model's data: answers are right, the held-out split is disjoint, and generation is seeded."""

import operator
import re
import unittest

from endoreward_demo import arithmetic, evaluate, generate

QUESTION = re.compile(r"^(?:What is |Compute )?(\d+) (\+|-|\*|plus|minus|times) (\d+)(?:\?|\.| = \?)$")
RESPONSE = re.compile(r"^(\d+) ([-+*]) (\d+) = (\d+)$")
SYMBOLS = {"plus": "+", "minus": "-", "times": "*"}
OPERATORS = {"+": operator.add, "plus": operator.add, "-": operator.sub, "minus": operator.sub,
             "*": operator.mul, "times": operator.mul}


def parse(text):
    """Operands and operator symbol of a question text."""
    match = QUESTION.match(text)
    if match is None:
        raise AssertionError("unexpected question text %r" % text)
    a, op, b = match.groups()
    return int(a), SYMBOLS.get(op, op), int(b)


def solve(text):
    """The answer to a question text, parsed and computed here, not by the generator."""
    a, op, b = parse(text)
    return OPERATORS[op](a, b)


class TestDemoArithmetic(unittest.TestCase):

    def test_training_responses_restate_the_problem_with_the_correct_value(self):
        questions = generate.training_questions(count=3000, seed=11)
        for question in questions:
            match = RESPONSE.match(question.response)
            self.assertIsNotNone(match, question.response)
            a, op, b, value = match.groups()
            self.assertEqual((int(a), op, int(b)), parse(question.text), question.text)
            self.assertEqual(int(value), solve(question.text), question.text)

    def test_candidates_differ_from_the_correct_response_in_the_value_only(self):
        for question in evaluate.held_out_questions(count=100, seed=13):
            correct_kind, correct = evaluate.candidates(question)[0]
            self.assertEqual(correct_kind, evaluate.CORRECT)
            self.assertEqual(correct, question.response)
            prefix = correct[:correct.index("=") + 2]
            for kind, response in evaluate.candidates(question)[1:]:
                self.assertTrue(response.startswith(prefix), response)
                self.assertNotEqual(int(response[len(prefix):]), solve(question.text), kind)

    def test_every_phrasing_and_operation_occurs(self):
        questions = generate.training_questions(count=3000, seed=11)
        self.assertEqual({q.phrasing for q in questions}, set(range(len(arithmetic.PHRASINGS))))
        self.assertEqual({q.problem.operation for q in questions}, {"+", "-", "*"})
        self.assertIn(None, {q.system for q in questions})
        self.assertTrue({q.system for q in questions} >= set(arithmetic.SYSTEM_PROMPTS))

    def test_answers_are_never_negative(self):
        for problems in arithmetic.all_problems().values():
            for problem in problems:
                self.assertGreaterEqual(problem.answer, 0, problem)

    def test_split_is_disjoint_and_complete(self):
        training, held_out = arithmetic.split_problems()
        for operation, problems in arithmetic.all_problems().items():
            train_set, held_set = set(training[operation]), set(held_out[operation])
            self.assertFalse(train_set & held_set, operation)
            self.assertEqual(train_set | held_set, set(problems), operation)
            self.assertGreater(len(held_set), 0, operation)

    def test_evaluation_questions_were_never_trained_on(self):
        trained = {q.problem for q in generate.training_questions()}
        evaluated = evaluate.held_out_questions()
        self.assertEqual(len(evaluated), evaluate.EVALUATION_QUESTIONS)
        self.assertFalse(trained & {q.problem for q in evaluated})
        self.assertEqual(len({q.problem for q in evaluated}), len(evaluated))

    def test_generation_is_deterministic_per_seed(self):
        first = generate.training_questions(count=200, seed=5)
        self.assertEqual(first, generate.training_questions(count=200, seed=5))
        self.assertNotEqual(first, generate.training_questions(count=200, seed=6))

    def test_wrong_answers_are_wrong_distinct_and_non_negative(self):
        for question in evaluate.held_out_questions(count=300, seed=13):
            values = [value for _, value in arithmetic.wrong_answers(question.problem)]
            correct = solve(question.text)
            self.assertNotIn(correct, values, question.text)
            self.assertEqual(len(values), len(set(values)), question.text)
            self.assertTrue(all(value >= 0 for value in values), question.text)
            self.assertGreaterEqual(len(values), 2, question.text)

    def test_wrong_answer_kinds(self):
        wrong = arithmetic.wrong_answers(arithmetic.Problem(37, "+", 48))
        self.assertEqual(wrong, [("off_by_one", 86), ("off_by_one", 84), ("off_by_ten", 95),
                                 ("off_by_ten", 75), ("digit_swap", 58),
                                 ("wrong_operation", 1776)])


if __name__ == "__main__":
    unittest.main()
