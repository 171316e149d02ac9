package dev.endoreward.testing;

import java.util.regex.Matcher;
import java.util.regex.Pattern;

/** Checks the demo model's arithmetic answers independently of the model: the value is computed here. */
public final class ArithmeticAnswers {
  private static final Pattern EQUATION = Pattern.compile("(\\d+) ([-+*]) (\\d+) = (-?\\d+)");

  private ArithmeticAnswers() {}

  /** Whether a response such as "37 + 48 = 85" states the right value. */
  public static boolean isCorrect(String response) {
    Matcher m = EQUATION.matcher(response);
    if (!m.matches()) {
      return false;
    }
    long a = Long.parseLong(m.group(1));
    long b = Long.parseLong(m.group(3));
    long value = switch (m.group(2)) {
      case "+" -> a + b;
      case "-" -> a - b;
      default -> a * b;
    };
    return value == Long.parseLong(m.group(4));
  }
}
