package dev.endoreward.text.jinja;

import com.hubspot.jinjava.el.ExtendedSyntaxBuilder;
import com.hubspot.jinjava.el.ext.ExtendedParser;
import com.hubspot.jinjava.el.ext.NamedParameterOperator;
import java.util.ArrayList;
import java.util.List;
import jinjava.de.odysseus.el.tree.Tree;
import jinjava.de.odysseus.el.tree.TreeBuilderException;
import jinjava.de.odysseus.el.tree.impl.Builder;
import jinjava.de.odysseus.el.tree.impl.Parser;
import jinjava.de.odysseus.el.tree.impl.Scanner;
import jinjava.de.odysseus.el.tree.impl.Scanner.Symbol;
import jinjava.de.odysseus.el.tree.Bindings;
import jinjava.de.odysseus.el.tree.impl.Parser.ExtensionPoint;
import jinjava.de.odysseus.el.tree.impl.ast.AstBinary;
import jinjava.de.odysseus.el.tree.impl.ast.AstNode;
import jinjava.de.odysseus.el.tree.impl.ast.AstParameters;
import jinjava.de.odysseus.el.tree.impl.ast.AstUnary;
import jinjava.javax.el.ELContext;

/**
 * Jinja's expression grammar where Jinjava's differs from it, as an extension of Jinjava's own
 * syntax builder:
 *
 * <ul>
 *   <li>{@code not} binds more loosely than comparisons and tests: {@code not x is defined} is
 *       {@code not (x is defined)}, {@code not a == b} is {@code not (a == b)};
 *   <li>a keyword argument's value is a whole expression: {@code f(n=xs|length - 1)};
 *   <li>{@code a and b} yields {@code a} when it is false, else {@code b}, as {@code or} already does;
 *   <li>slices take a step, and follow Python: {@code messages[::-1]}, {@code text[-3:]}.
 * </ul>
 */
final class PythonSyntax {
  private PythonSyntax() {}

  /** The tree builder: slices rewritten to {@link PythonMethods#SLICE} calls, then {@link PythonParser}. */
  static final class PythonSyntaxBuilder extends ExtendedSyntaxBuilder {
    private static final long serialVersionUID = 1L;

    PythonSyntaxBuilder() {
      super(Feature.METHOD_INVOCATIONS, Feature.VARARGS);
    }

    @Override
    public Tree build(String expression) throws TreeBuilderException {
      return super.build(rewriteSlices(expression));
    }

    @Override
    protected Parser createParser(String expression) {
      return new PythonParser(this, expression);
    }
  }

  /** Python's {@code a and b}, which yields an operand, not a boolean. */
  private static final AstBinary.Operator PYTHON_AND = new AstBinary.Operator() {
    @Override
    public Object eval(Bindings bindings, ELContext context, AstNode left, AstNode right) {
      Object first = left.eval(bindings, context);
      return bindings.convert(first, Boolean.class) ? right.eval(bindings, context) : first;
    }

    @Override
    public String toString() {
      return "and";
    }
  };

  /** Jinjava's parser with Jinja's precedence for {@code not} and keyword arguments, and Python's {@code and}. */
  static final class PythonParser extends ExtendedParser {
    PythonParser(Builder context, String input) {
      super(context, input);
    }

    @Override
    protected AstNode unary(boolean required) throws Scanner.ScanException, ParseException {
      if (getToken().getSymbol() == Symbol.NOT) {
        consumeToken();
        return createAstUnary(eq(true), AstUnary.NOT);
      }
      return super.unary(required);
    }

    /** Python's {@code and}: the left operand when it is false, else the right one. */
    @Override
    protected AstNode and(boolean required) throws Scanner.ScanException, ParseException {
      AstNode v = eq(required);
      if (v == null) {
        return null;
      }
      while (true) {
        if (getToken().getSymbol() == Symbol.AND) {
          consumeToken();
          v = createAstBinary(v, eq(true), PYTHON_AND);
        } else if (getToken().getSymbol() == Symbol.EXTENSION
            && getExtensionHandler(getToken()).getExtensionPoint() == ExtensionPoint.AND) {
          v = getExtensionHandler(consumeToken()).createAstNode(v, eq(true));
        } else {
          return v;
        }
      }
    }

    @Override
    protected AstParameters params(Symbol left, Symbol right)
        throws Scanner.ScanException, ParseException {
      consumeToken(left);
      List<AstNode> arguments = new ArrayList<>();
      while (getToken().getSymbol() != right) {
        arguments.add(argument());
        if (getToken().getSymbol() != Symbol.COMMA) {
          break;
        }
        consumeToken();
      }
      consumeToken(right);
      return createAstParameters(arguments);
    }

    private AstNode argument() throws Scanner.ScanException, ParseException {
      if (getToken().getSymbol() == Symbol.IDENTIFIER
          && lookahead(0).getSymbol() == Symbol.EXTENSION
          && "=".equals(lookahead(0).getImage())) {
        String name = consumeToken().getImage();
        consumeToken();
        return NamedParameterOperator.HANDLER.createAstNode(identifier(name), expr(true));
      }
      return expr(true);
    }
  }

  /**
   * Rewrites every subscript holding a top-level colon, {@code x[a:b:c]}, into
   * {@code x.__endoreward_slice__(a, b, c)} with {@code none} for omitted bounds. A list literal
   * cannot hold a top-level colon, so every such bracket is a subscript. String literals are
   * copied as they are; text that does not scan (unbalanced brackets) is left for the parser to
   * report.
   */
  static String rewriteSlices(String expression) {
    if (expression.indexOf('[') < 0 || expression.indexOf(':') < 0) {
      return expression;
    }
    StringBuilder out = new StringBuilder(expression.length() + 32);
    return copy(expression, 0, expression.length(), out) ? out.toString() : expression;
  }

  /** Copies {@code text[from:to]} to {@code out}, rewriting slices; false if brackets do not balance. */
  private static boolean copy(String text, int from, int to, StringBuilder out) {
    int i = from;
    while (i < to) {
      char c = text.charAt(i);
      if (c == '\'' || c == '"') {
        int end = stringEnd(text, i, to);
        if (end < 0) {
          return false;
        }
        out.append(text, i, end);
        i = end;
      } else if (c == '[') {
        int close = matching(text, i, to);
        if (close < 0) {
          return false;
        }
        List<int[]> parts = topLevelParts(text, i + 1, close);
        if (parts.size() == 1 || parts.size() > 3) {
          out.append('[');
          if (!copy(text, i + 1, close, out)) {
            return false;
          }
          out.append(']');
        } else {
          out.append('.').append(PythonMethods.SLICE).append('(');
          for (int k = 0; k < 3; k++) {
            if (k > 0) {
              out.append(", ");
            }
            if (k < parts.size() && !text.substring(parts.get(k)[0], parts.get(k)[1]).isBlank()) {
              out.append('(');
              if (!copy(text, parts.get(k)[0], parts.get(k)[1], out)) {
                return false;
              }
              out.append(')');
            } else {
              out.append("none");
            }
          }
          out.append(')');
        }
        i = close + 1;
      } else {
        out.append(c);
        i++;
      }
    }
    return true;
  }

  /** One past the closing quote of the string literal opening at {@code start}, or -1. */
  private static int stringEnd(String text, int start, int to) {
    char quote = text.charAt(start);
    for (int i = start + 1; i < to; i++) {
      char c = text.charAt(i);
      if (c == '\\') {
        i++;
      } else if (c == quote) {
        return i + 1;
      }
    }
    return -1;
  }

  /** The index of the bracket closing the one at {@code open}, or -1. */
  private static int matching(String text, int open, int to) {
    int depth = 0;
    for (int i = open; i < to; i++) {
      char c = text.charAt(i);
      if (c == '\'' || c == '"') {
        int end = stringEnd(text, i, to);
        if (end < 0) {
          return -1;
        }
        i = end - 1;
      } else if (c == '[' || c == '(' || c == '{') {
        depth++;
      } else if (c == ']' || c == ')' || c == '}') {
        depth--;
        if (depth == 0) {
          return c == ']' ? i : -1;
        }
      }
    }
    return -1;
  }

  /** The ranges of {@code text[from:to]} between top-level colons. */
  private static List<int[]> topLevelParts(String text, int from, int to) {
    List<int[]> parts = new ArrayList<>();
    int depth = 0;
    int start = from;
    for (int i = from; i < to; i++) {
      char c = text.charAt(i);
      if (c == '\'' || c == '"') {
        i = stringEnd(text, i, to) - 1;
      } else if (c == '[' || c == '(' || c == '{') {
        depth++;
      } else if (c == ']' || c == ')' || c == '}') {
        depth--;
      } else if (c == ':' && depth == 0) {
        parts.add(new int[] {start, i});
        start = i + 1;
      }
    }
    parts.add(new int[] {start, to});
    return parts;
  }
}
