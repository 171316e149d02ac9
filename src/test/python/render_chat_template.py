"""Reference chat-template renderer: Python jinja2 configured as Hugging Face transformers does.

transformers renders chat templates in an ``ImmutableSandboxedEnvironment`` with
``trim_blocks`` and ``lstrip_blocks``, the ``loopcontrols`` extension, a ``raise_exception``
global, a ``strftime_now`` global and its own ``tojson`` filter (``json.dumps`` without HTML
escaping). The render call passes ``messages``, ``tools=None``, ``documents=None``,
``add_generation_prompt`` and the special tokens (``bos_token``, ``eos_token``...). The Java
renderer is tested against this one, byte for byte.

Usage: JSON on stdin, JSON on stdout::

    {"template": "...", "variables": {"bos_token": "<s>", ...}, "now": "2024-07-26T09:30:00",
     "cases": [{"messages": [{"role": "user", "content": "Hi"}], "add_generation_prompt": true,
                "variables": {"enable_thinking": false}}]}

    {"renders": [{"text": "..."}, {"error": "TemplateError: ..."}]}

``variables`` may hold any JSON value; a case's own ``variables`` are added to (and override)
the request's, and either may set ``tools`` or ``documents``. ``now`` (optional, ISO 8601 local date and time) pins what ``strftime_now`` sees,
so that date-dependent templates render the same text in every renderer; without it
``strftime_now`` reads the clock, as transformers does. A case that fails to render gets
``error`` (the exception type and message) instead of ``text``.
"""

import json
import sys
from datetime import datetime

import jinja2.ext
from jinja2.sandbox import ImmutableSandboxedEnvironment


class TemplateError(Exception):
    """What the template's ``raise_exception`` raises."""


def _raise_exception(message):
    raise TemplateError(message)


def _tojson(value, ensure_ascii=False, indent=None, separators=None, sort_keys=False):
    return json.dumps(value, ensure_ascii=ensure_ascii, indent=indent, separators=separators,
                      sort_keys=sort_keys)


def _strftime_now_at(now):
    """transformers' ``strftime_now``, reading ``now()`` for the date."""
    def strftime_now(date_format):
        return now().strftime(date_format)
    return strftime_now


def compile_template(source, now=datetime.now):
    """The template compiled in an environment configured like transformers'."""
    environment = ImmutableSandboxedEnvironment(
        trim_blocks=True, lstrip_blocks=True, extensions=[jinja2.ext.loopcontrols])
    environment.filters["tojson"] = _tojson
    environment.globals["raise_exception"] = _raise_exception
    environment.globals["strftime_now"] = _strftime_now_at(now)
    return environment.from_string(source)


def render_case(template, variables, case):
    """One render: ``{"text": ...}`` or ``{"error": ...}``."""
    arguments = {"tools": None, "documents": None}
    arguments.update(variables)
    arguments.update(case.get("variables", {}))
    try:
        text = template.render(
            messages=case["messages"], add_generation_prompt=case["add_generation_prompt"],
            **arguments)
        return {"text": text}
    except Exception as error:  # every failure is a result to compare, not a crash
        return {"error": "%s: %s" % (type(error).__name__, error)}


def main():
    request = json.load(sys.stdin)
    if request.get("now") is not None:
        pinned = datetime.fromisoformat(request["now"])
        template = compile_template(request["template"], now=lambda: pinned)
    else:
        template = compile_template(request["template"])
    variables = request.get("variables", {})
    renders = [render_case(template, variables, case) for case in request["cases"]]
    json.dump({"renders": renders}, sys.stdout, ensure_ascii=True)


if __name__ == "__main__":
    main()
