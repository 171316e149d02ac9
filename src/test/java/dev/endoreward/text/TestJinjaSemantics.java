package dev.endoreward.text;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.hubspot.jinjava.interpret.RenderResult;
import dev.endoreward.text.jinja.TransformersJinjava;
import java.io.IOException;
import java.time.ZonedDateTime;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.stream.Stream;
import org.junit.jupiter.api.DynamicTest;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestFactory;

/**
 * The renderer's Jinja, feature by feature, against jinja2 as transformers configures it: the
 * Python string methods, slices, output, {@code tojson}, loops and tests chat templates use, and the
 * real templates' tool paths (tool definitions, tool calls, tool results), which the product does
 * not reach but the engine must render as jinja2 does.
 */
class TestJinjaSemantics {
  private static final ObjectMapper JSON = new ObjectMapper();
  private static final TransformersJinjava JINJAVA = new TransformersJinjava();

  /** Values the snippets read. */
  private static final Map<String, Object> VALUES = values();

  private static final List<String> SNIPPETS = List.of(
      "{{ s.strip() }}|{{ s.lstrip() }}|{{ s.rstrip() }}|{{ s.strip(' H') }}|{{ '\\n\\nx\\n'.strip('\\n') }}",
      "{{ s.split() }} {{ 'a,b,,c'.split(',') }} {{ 'a,b,,c'.split(',', 1) }} {{ ' a b  c '.rsplit(None, 1) }}",
      "{{ 'x</think>'.split('</think>') }}{{ 'x</think>'.split('</think>')[-1] }}|{{ 'a.b'.split('.') }}",
      "{{ 'l1\\nl2\\r\\nl3'.splitlines() }} {{ 'a-b-c'.partition('-') }} {{ 'a-b-c'.rpartition('-') }}",
      "{{ xs[::-1] }}{{ xs[1:] }}{{ xs[:-1] }}{{ xs[::2] }}{{ xs[5:] }}{{ xs[-2:] }}{{ xs[1::-1] }}",
      "{{ s[2:5] }}|{{ s[::-1] }}|{{ s[-3:] }}|{{ 'abc'[0] }}{{ 'abc'[-1] }}|{{ s|length }} {{ xs|length }}",
      "{{ true }} {{ false }} {{ [true, none, 1.5, 'it\\'s', \"q\"] }} {{ d }} {{ 7 // 2 }} {{ 7 / 2 }} {{ 2 ** 10 }}",
      "{{ d|tojson }} {{ s|tojson }} {{ [1, 2.5, 1e20, 1e-7, 0.1]|tojson }} {{ {}|tojson }} {{ []|tojson(indent=4) }}",
      "{{ d|tojson(indent=2) }}|{{ {'k': 'ü\\n'}|tojson(ensure_ascii=true) }}|{{ {'b': 1, 'a': 2}|tojson(sort_keys=true) }}",
      "{% for k, v in d|items %}{{ k }}={{ v }};{% endfor %}{% for k in d %}[{{ k }}]{% endfor %}"
          + "{% for k, v in d.items() %}{{ k }}{% endfor %} {{ d.keys()|list }} {{ d.get('zz', 'dflt') }}",
      "{% for x in xs %}{{ loop.index }}{{ loop.index0 }}{{ loop.previtem }}/{{ loop.nextitem }}"
          + "{{ loop.first }}{{ loop.last }}{{ loop.length }}{{ loop.revindex }} {% endfor %}",
      "{% for x in xs if x > 1 %}{{ x }}{% else %}none{% endfor %}|{% for x in [] %}x{% else %}empty{% endfor %}",
      "{% for c in 'ab👋' %}[{{ c }}]{% endfor %}{% for x in undefined_name %}x{% endfor %}|"
          + "{% for x in xs %}{% if x == 1 %}{% break %}{% endif %}{{ x }}{% endfor %}|"
          + "{% for x in xs %}{% if x == 1 %}{% continue %}{% endif %}{{ x }}{% endfor %}",
      "{% macro f(n) %}{% if n > 0 %}{{ n }}{{ f(n - 1) }}{% endif %}{% endmacro %}{{ f(3) }}",
      "{% set ns = namespace(found=false, i=xs|length - 1) %}{% for x in xs %}{% if x == 1 %}"
          + "{% set ns.found = true %}{% endif %}{% endfor %}{{ ns.found }} {{ ns.i }}",
      "{{ not u is defined }} {{ not t }} {{ not 1 == 2 }} {{ 'a' if t else 'b' }} {{ u is not defined }}"
          + " {{ 'false' and 'yes' }} {{ '' or 'fallback' }} {{ 'x' in s }} {{ 'b' in d }} {{ 9 not in xs }}",
      "{% if 'false' %}truthy{% endif %}{% if '' %}x{% else %}empty{% endif %}{% if [] %}{% else %}emptylist{% endif %}"
          + "{% if 0 %}{% elif 0.0 %}{% else %}zero{% endif %}",
      "{{ 'Hello World'.lower() }} {{ 'hello wORLD'.title() }} {{ 'hELLO'.capitalize() }} {{ 'aBc'.upper() }}"
          + " {{ 'a-b-c'.replace('-', '+', 1) }} {{ 'ab'.replace('', '.') }}",
      "{{ 'hello'.startswith(('x', 'he')) }} {{ 'hello'.endswith('lo') }} {{ 'hello'.startswith('l', 2) }}"
          + " {{ 'hello'.find('l') }} {{ 'hello'.rfind('l') }} {{ 'hello'.count('l') }} {{ 'hé👋llo'.find('l') }}",
      "{{ '-'.join(['a', 'b']) }} {{ ['a', 'b']|join(', ') }} {{ [1, true, none]|join('/') }} {{ s|trim }}|",
      "{{ strftime_now('%d %b %Y %H:%M') }} {{ strftime_now('%B %-d, %Y') }} {{ strftime_now is defined }}"
          + " {{ raise_exception is defined }}",
      "{{ 'ab'.removeprefix('a') }} {{ 'ab'.removesuffix('b') }} {{ '  '.isspace() }} {{ '12'.isdigit() }}"
          + " {{ xs.index(1) }} {{ xs.count(3) }} {{ ['x'] + ['y'] }} {{ 'a' ~ 1 ~ true ~ 2.5 ~ xs ~ u }}",
      "{{ tools is none }} {{ documents is none }} {{ s is string }} {{ xs is iterable }} {{ s is iterable }}"
          + " {{ d is mapping }} {{ n is none }} {{ f is number }} {{ xs is sequence }}",
      "{%- for m in messages -%}{{ m.role }}:{{ m['content'] }}{{ '\\n' if not loop.last }}{%- endfor -%}"
          + "\n  {% if add_generation_prompt %}\n    gen\n  {% endif %}\nend\n",
      "{% set x = [1, 2] %}{% for a, b in [[1, 2], [3, 4]] %}{{ a + b }}{% endfor %} {{ x|first }} {{ x|last }}"
          + " {{ ['b', 'a']|sort|list }} {{ xs|select('gt', 1)|list }} {{ xs|reject('equalto', 1)|list }}",
      "{{ {'a': {'b': [1, {'c': none}]} }|tojson(indent=4) }}",
      "{{ x }} {% if true %}kept{% endif %} |\n   {% if true %}stripped{% endif %}\n  {# note #}\n{% raw %}  {% x %}{% endraw %}");

  @TestFactory
  Stream<DynamicTest> snippetsRenderAsJinja2Does() {
    List<ReferenceRenderer.RawCase> chat = List.of(new ReferenceRenderer.RawCase(
        List.of(message("user", "hi"), message("assistant", "yo")), true, Map.of()));
    return SNIPPETS.stream().map(snippet -> DynamicTest.dynamicTest(snippet, () -> {
      ReferenceRenderer.Result expected = ReferenceRenderer.renderRaw(snippet, VALUES, chat).get(0);
      assertThat(expected.error()).as("jinja2 error").isNull();
      assertThat(render(snippet, VALUES, chat.get(0))).isEqualTo(expected.text());
    }));
  }

  @TestFactory
  Stream<DynamicTest> toolPathsOfRealTemplatesRenderAsJinja2Does() throws IOException {
    List<ReferenceRenderer.RawCase> cases = toolCases();
    return Stream.of("llama-3.1", "llama-3.2", "qwen3", "qwen3-early", "hermes-3-tool-use", "phi-4-mini")
        .map(CurrentTemplates::named)
        .flatMap(family -> {
          List<ReferenceRenderer.Result> expected =
              ReferenceRenderer.renderRaw(family.source(), family.specialTokens(), cases);
          List<DynamicTest> tests = new ArrayList<>();
          for (int i = 0; i < cases.size(); i++) {
            ReferenceRenderer.RawCase c = cases.get(i);
            ReferenceRenderer.Result result = expected.get(i);
            tests.add(DynamicTest.dynamicTest(family.name() + ": tool case " + i, () -> {
              assertThat(result.error()).as("jinja2 error").isNull();
              assertThat(render(family.source(), family.specialTokens(), c)).isEqualTo(result.text());
            }));
          }
          return tests.stream();
        });
  }

  @Test
  void aNameBoundToNoneIsNotIterableWhileAnUndefinedOneIsEmpty() {
    RenderResult none = JINJAVA.render("{% for t in tools %}x{% endfor %}", bindings(Map.of(),
        new ReferenceRenderer.RawCase(List.of(), false, Map.of())), now());
    RenderResult undefined = JINJAVA.render("{% for t in other %}x{% endfor %}ok", bindings(Map.of(),
        new ReferenceRenderer.RawCase(List.of(), false, Map.of())), now());

    assertThat(none.getErrors()).isNotEmpty();
    assertThat(none.getErrors().get(0).getMessage()).contains("'NoneType' object is not iterable");
    assertThat(undefined.getErrors()).isEmpty();
    assertThat(undefined.getOutput()).isEqualTo("ok");
  }

  @Test
  void templatesCannotChangeListsOrDicts() {
    RenderResult result = JINJAVA.render("{% set x = [] %}{{ x.append(1) }}", Map.of(), now());

    assertThat(result.getErrors()).isNotEmpty();
    assertThat(result.getErrors().get(0).getMessage()).contains("Cannot call list.append");
  }

  private static String render(String template, Map<String, ?> variables, ReferenceRenderer.RawCase c) {
    RenderResult result = JINJAVA.render(TransformersJinjava.prepare(template), bindings(variables, c), now());
    assertThat(result.getErrors()).as("Java render errors").isEmpty();
    return result.getOutput();
  }

  private static Map<String, Object> bindings(Map<String, ?> variables, ReferenceRenderer.RawCase c) {
    Map<String, Object> bindings = new HashMap<>();
    bindings.put("tools", null);
    bindings.put("documents", null);
    bindings.putAll(variables);
    bindings.putAll(c.variables());
    bindings.put("messages", c.messages());
    bindings.put("add_generation_prompt", c.addGenerationPrompt());
    return bindings;
  }

  private static ZonedDateTime now() {
    return ZonedDateTime.now(ReferenceRenderer.CLOCK);
  }

  private static Map<String, Object> values() {
    Map<String, Object> d = new LinkedHashMap<>();
    d.put("b", 1);
    d.put("a", new ArrayList<>(java.util.Arrays.asList(true, null, "x\"y")));
    Map<String, Object> values = new LinkedHashMap<>();
    values.put("s", "  Héllo, wörld 👋  ");
    values.put("xs", List.of(3, 1, 2));
    values.put("d", d);
    values.put("n", null);
    values.put("t", true);
    values.put("f", 1.5);
    return values;
  }

  private static Map<String, Object> message(String role, Object content) {
    Map<String, Object> message = new LinkedHashMap<>();
    message.put("role", role);
    message.put("content", content);
    return message;
  }

  /** Conversations with tool definitions, tool calls and tool results, as transformers users pass them. */
  @SuppressWarnings("unchecked")
  private static List<ReferenceRenderer.RawCase> toolCases() throws IOException {
    List<Object> tools = JSON.readValue("""
        [{"type": "function", "function": {"name": "get_weather", "description": "Get the weather.",
          "parameters": {"type": "object", "properties": {
            "city": {"type": "string", "description": "The city, e.g. Köln"},
            "days": {"type": "integer", "description": "How many days"},
            "scale": {"type": "number", "description": "A scale"},
            "flag": {"type": "boolean", "description": "A flag"}},
            "required": ["city"]},
          "return": {"type": "object", "description": "The forecast"}}},
         {"type": "function", "function": {"name": "noop", "description": "Nothing.",
          "parameters": {"type": "object", "properties": {}}}}]
        """, List.class);
    List<Object> callAndResult = JSON.readValue("""
        [{"role": "system", "content": "Use tools."},
         {"role": "user", "content": "Weather in Köln?"},
         {"role": "assistant", "content": "", "tool_calls": [{"type": "function", "function":
           {"name": "get_weather", "arguments": {"city": "Köln", "days": 2}}}]},
         {"role": "tool", "content": "{\\"temp\\": 21.5}"},
         {"role": "user", "content": "Thanks"}]
        """, List.class);
    List<Object> userFirst = JSON.readValue("""
        [{"role": "user", "content": "Hi there"}, {"role": "assistant", "content": "Hello"}]
        """, List.class);
    List<ReferenceRenderer.RawCase> cases = new ArrayList<>();
    cases.add(new ReferenceRenderer.RawCase(userFirst, true, Map.of("tools", tools)));
    cases.add(new ReferenceRenderer.RawCase(callAndResult, true, Map.of("tools", tools)));
    cases.add(new ReferenceRenderer.RawCase(callAndResult, false,
        Map.of("tools", tools, "tools_in_user_message", false)));
    cases.add(new ReferenceRenderer.RawCase(userFirst, true,
        Map.of("tools", tools, "builtin_tools", List.of("code_interpreter", "brave_search"))));
    cases.add(new ReferenceRenderer.RawCase(userFirst, false, Map.of("tools", List.of())));
    return cases;
  }
}
