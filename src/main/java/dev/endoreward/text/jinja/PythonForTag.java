package dev.endoreward.text.jinja;

import com.hubspot.jinjava.interpret.Context;
import com.hubspot.jinjava.interpret.InterpretException;
import com.hubspot.jinjava.interpret.JinjavaInterpreter;
import com.hubspot.jinjava.interpret.JinjavaInterpreter.InterpreterScopeClosable;
import com.hubspot.jinjava.interpret.TemplateSyntaxException;
import com.hubspot.jinjava.lib.tag.ElseTag;
import com.hubspot.jinjava.lib.tag.ForTag;
import com.hubspot.jinjava.lib.tag.Tag;
import com.hubspot.jinjava.tree.Node;
import com.hubspot.jinjava.tree.TagNode;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * jinja2's {@code for} tag: iterates as Python does (a dict's keys, a string's characters; an
 * undefined name as empty, while none or a number fail), unpacks {@code for k, v in ...}, filters
 * with {@code for x in xs if cond}, renders an {@code else} block when nothing was iterated, and
 * sets {@link PythonLoop} as {@code loop}. {@code recursive} loops are not supported.
 */
final class PythonForTag implements Tag {
  private static final long serialVersionUID = 1L;
  private static final Pattern HEAD = Pattern.compile(
      "\\s*\\(?\\s*([A-Za-z_][A-Za-z0-9_]*(?:\\s*,\\s*[A-Za-z_][A-Za-z0-9_]*)*)\\s*,?\\s*\\)?\\s+in\\s+(.+)",
      Pattern.DOTALL);
  private static final Pattern NAME = Pattern.compile("[A-Za-z_][A-Za-z0-9_]*");

  @Override
  public String getName() {
    return ForTag.TAG_NAME;
  }

  @Override
  public boolean isRenderedInValidationMode() {
    return true;
  }

  @Override
  public String interpret(TagNode tagNode, JinjavaInterpreter interpreter) {
    Matcher head = HEAD.matcher(tagNode.getHelpers());
    if (!head.matches()) {
      throw new TemplateSyntaxException(tagNode.getHelpers().trim(),
          "Tag 'for' expects 'for <names> in <expression>', got: " + tagNode.getHelpers(),
          tagNode.getLineNumber(), tagNode.getStartPosition());
    }
    List<String> names = Arrays.stream(head.group(1).split(",")).map(String::trim).toList();
    String[] iterableAndCondition = splitCondition(head.group(2).trim());
    String iterable = iterableAndCondition[0];
    if (iterable.endsWith(" recursive") || iterable.equals("recursive")) {
      throw new InterpretException("Cannot render 'for ... recursive': recursive loops are not supported",
          tagNode.getLineNumber(), tagNode.getStartPosition());
    }
    Object collection = interpreter.resolveELExpression(iterable, tagNode.getLineNumber());
    List<Object> items;
    if (collection == null && !(NAME.matcher(iterable).matches() && boundToNone(interpreter, iterable))) {
      items = new ArrayList<>(); // an undefined name iterates as empty, as jinja2's Undefined does
    } else {
      try {
        items = PythonValues.iterate(collection);
      } catch (IllegalArgumentException e) {
        throw new InterpretException(e.getMessage(), tagNode.getLineNumber(), tagNode.getStartPosition());
      }
    }

    List<Node> body = new ArrayList<>();
    List<Node> otherwise = new ArrayList<>();
    List<Node> current = body;
    for (Node node : tagNode.getChildren()) {
      if (node instanceof TagNode tag && tag.getName().equals(ElseTag.TAG_NAME)) {
        current = otherwise;
        continue;
      }
      current.add(node);
    }

    StringBuilder out = new StringBuilder();
    try (InterpreterScopeClosable scope = interpreter.enterScope()) {
      if (iterableAndCondition[1] != null) {
        items = filter(items, names, iterableAndCondition[1], tagNode, interpreter);
      }
      PythonLoop loop = new PythonLoop(items);
      interpreter.getContext().put(ForTag.LOOP, loop);
      while (loop.hasNext()) {
        Object item = interpreter.wrap(loop.next());
        bind(names, item, tagNode, interpreter);
        for (Node node : body) {
          out.append(node.render(interpreter));
          if (loop.isContinued()) {
            break;
          }
        }
      }
    }
    if (items.isEmpty()) {
      for (Node node : otherwise) {
        out.append(node.render(interpreter));
      }
    }
    return out.toString();
  }

  private static List<Object> filter(List<Object> items, List<String> names, String condition,
      TagNode tagNode, JinjavaInterpreter interpreter) {
    List<Object> kept = new ArrayList<>();
    for (Object item : items) {
      bind(names, interpreter.wrap(item), tagNode, interpreter);
      if (PythonValues.truthy(interpreter.resolveELExpression(condition, tagNode.getLineNumber()))) {
        kept.add(item);
      }
    }
    return kept;
  }

  private static void bind(List<String> names, Object item, TagNode tagNode, JinjavaInterpreter interpreter) {
    Context context = interpreter.getContext();
    if (names.size() == 1) {
      context.put(names.get(0), item);
      return;
    }
    List<?> values;
    if (item instanceof Map.Entry<?, ?> entry) {
      values = Arrays.asList(entry.getKey(), entry.getValue());
    } else if (item instanceof List<?> list) {
      values = list;
    } else {
      throw new InterpretException("cannot unpack non-iterable " + PythonValues.typeName(item) + " object",
          tagNode.getLineNumber(), tagNode.getStartPosition());
    }
    if (values.size() != names.size()) {
      throw new InterpretException((values.size() > names.size() ? "too many values to unpack (expected "
          : "not enough values to unpack (expected ") + names.size() + ", got " + values.size() + ")",
          tagNode.getLineNumber(), tagNode.getStartPosition());
    }
    for (int k = 0; k < names.size(); k++) {
      context.put(names.get(k), interpreter.wrap(values.get(k)));
    }
  }

  /**
   * Whether {@code name} is bound, to none, in the current scopes: {@code for x in tools} fails then
   * in jinja2 (transformers passes {@code tools=None}), while an undefined name iterates as empty.
   */
  private static boolean boundToNone(JinjavaInterpreter interpreter, String name) {
    for (Context context = interpreter.getContext(); context != null; context = context.getParent()) {
      if (context.getScope().containsKey(name)) {
        return context.getScope().get(name) == null;
      }
    }
    return false;
  }

  /** The loop's iterable and its {@code if} condition (or null), split at the first top-level {@code if}. */
  static String[] splitCondition(String text) {
    int depth = 0;
    for (int i = 0; i < text.length(); i++) {
      char c = text.charAt(i);
      if (c == '\'' || c == '"') {
        for (i++; i < text.length() && text.charAt(i) != c; i++) {
          if (text.charAt(i) == '\\') {
            i++;
          }
        }
      } else if (c == '(' || c == '[' || c == '{') {
        depth++;
      } else if (c == ')' || c == ']' || c == '}') {
        depth--;
      } else if (depth == 0 && text.startsWith("if", i) && i > 0 && Character.isWhitespace(text.charAt(i - 1))
          && i + 2 < text.length() && !Character.isJavaIdentifierPart(text.charAt(i + 2))) {
        return new String[] {text.substring(0, i).trim(), text.substring(i + 2).trim()};
      }
    }
    return new String[] {text, null};
  }
}
