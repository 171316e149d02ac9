package dev.endoreward.text.jinja;

import com.hubspot.jinjava.interpret.JinjavaInterpreter;
import com.hubspot.jinjava.lib.tag.IfTag;
import com.hubspot.jinjava.tree.TagNode;

/** Jinjava's {@code if}/{@code elif}/{@code else} with Python's truthiness ({@code "false"} is true). */
final class PythonIfTag extends IfTag {
  private static final long serialVersionUID = 1L;

  @Override
  public boolean isPositiveIfElseNode(TagNode tagNode, JinjavaInterpreter interpreter) {
    return PythonValues.truthy(interpreter.resolveELExpression(
        tagNode.getHelpers(), tagNode.getLineNumber(), tagNode.getStartPosition()));
  }
}
