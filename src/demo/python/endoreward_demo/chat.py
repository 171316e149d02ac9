"""Renders the demo chat template as Hugging Face transformers does, and tokenises chats for training."""

import jinja2.ext
from jinja2.sandbox import ImmutableSandboxedEnvironment

from endoreward_demo import tokenizer as demo_tokenizer


class TemplateError(Exception):
    """Raised by the template's ``raise_exception``, e.g. for an unknown role."""


def _raise_exception(message):
    raise TemplateError(message)


def _environment():
    # The settings transformers uses for apply_chat_template.
    environment = ImmutableSandboxedEnvironment(
        trim_blocks=True, lstrip_blocks=True, extensions=[jinja2.ext.loopcontrols])
    environment.globals["raise_exception"] = _raise_exception
    return environment


_TEMPLATE = _environment().from_string(demo_tokenizer.CHAT_TEMPLATE)


def render(messages, add_generation_prompt):
    """Chat text of messages (a list of ``{"role", "content"}``) under the demo template."""
    return _TEMPLATE.render(
        messages=messages, add_generation_prompt=add_generation_prompt,
        bos_token=demo_tokenizer.BOS_TOKEN, eos_token=demo_tokenizer.EOS_TOKEN)


def prompt_messages(question, system=None):
    """The messages before the assistant turn: an optional system message, then the question."""
    messages = [] if system is None else [{"role": "system", "content": system}]
    messages.append({"role": "user", "content": question})
    return messages


def encode_pair(tokenizer, question, response, system=None):
    """Prompt ids and response ids of one exchange, split where the assistant's content starts.

    The prompt is the template rendered with the generation prompt; the response is the answer
    followed by ``<|end|>``, the token that closes the assistant turn. Their concatenation is
    the full rendered chat, so training sequences are exactly what the scorer sees.
    """
    prompt_ids = tokenizer.encode(render(prompt_messages(question, system), True))
    response_ids = tokenizer.encode_plain(response) + [tokenizer.end_id]
    return prompt_ids, response_ids
