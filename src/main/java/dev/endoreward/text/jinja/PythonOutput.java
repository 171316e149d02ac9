package dev.endoreward.text.jinja;

import com.hubspot.jinjava.interpret.Context;
import com.hubspot.jinjava.interpret.JinjavaInterpreter;
import com.hubspot.jinjava.lib.expression.ExpressionStrategy;
import com.hubspot.jinjava.mode.ExecutionMode;
import com.hubspot.jinjava.tree.output.RenderedOutputNode;
import com.hubspot.jinjava.tree.parse.ExpressionToken;

/**
 * {@code {{ value }}} prints Python's {@code str(value)}: {@code True}, {@code ['a', 1]},
 * {@code {'k': None}}; an undefined value (and none) prints nothing. Installed through Jinjava's
 * execution mode, which prepares every render's context.
 */
final class PythonOutput implements ExpressionStrategy {
  private static final long serialVersionUID = 1L;

  @Override
  public RenderedOutputNode interpretOutput(ExpressionToken master, JinjavaInterpreter interpreter) {
    Object value = interpreter.resolveELExpression(master.getExpr(), master.getLineNumber());
    return new RenderedOutputNode(PythonValues.str(value));
  }

  /** The default execution mode with this output strategy. */
  static final class Mode implements ExecutionMode {
    static final Mode INSTANCE = new Mode();

    private Mode() {}

    @Override
    public void prepareContext(Context context) {
      context.setExpressionStrategy(new PythonOutput());
    }
  }
}
