package dev.endoreward.text.jinja;

import com.hubspot.jinjava.interpret.JinjavaInterpreter;
import com.hubspot.jinjava.objects.date.StrftimeFormatter;
import java.time.Instant;
import java.time.ZonedDateTime;
import java.util.Locale;

/**
 * The globals transformers adds for chat templates: {@code raise_exception(message)} and
 * {@code strftime_now(format)}. The time is the render's (see {@link TransformersJinjava#render}).
 */
public final class TemplateFunctions {
  private TemplateFunctions() {}

  /** Stops the render with the template's message. */
  public static String raiseException(Object message) {
    throw new TemplateRaised(PythonValues.str(message));
  }

  /**
   * The render's date and time formatted with a C-locale {@code strftime} format, as Python's
   * {@code datetime.now().strftime(format)} does.
   */
  public static String strftimeNow(String format) {
    JinjavaInterpreter interpreter = JinjavaInterpreter.getCurrent();
    ZonedDateTime now = ZonedDateTime.ofInstant(
        Instant.ofEpochMilli(interpreter.getConfig().getDateTimeProvider().getCurrentTimeMillis()),
        interpreter.getConfig().getTimeZone());
    return StrftimeFormatter.format(now, format, Locale.ENGLISH);
  }

  /**
   * What the names of these functions hold as variables, so that {@code strftime_now is defined} is
   * true as in jinja2; calls go to the functions themselves.
   */
  static final class Marker {
    private final String name;

    Marker(String name) {
      this.name = name;
    }

    @Override
    public String toString() {
      return "<function " + name + ">";
    }
  }
}
