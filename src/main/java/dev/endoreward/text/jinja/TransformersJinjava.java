package dev.endoreward.text.jinja;

import com.hubspot.jinjava.Jinjava;
import com.hubspot.jinjava.JinjavaConfig;
import com.hubspot.jinjava.LegacyOverrides;
import com.hubspot.jinjava.el.JinjavaInterpreterResolver;
import com.hubspot.jinjava.el.TruthyTypeConverter;
import com.hubspot.jinjava.interpret.RenderResult;
import com.hubspot.jinjava.lib.fn.ELFunctionDefinition;
import com.hubspot.jinjava.objects.date.FixedDateTimeProvider;
import java.time.ZonedDateTime;
import java.util.HashMap;
import java.util.Map;
import java.util.Set;
import jinjava.de.odysseus.el.ExpressionFactoryImpl;
import jinjava.de.odysseus.el.tree.TreeStore;
import jinjava.de.odysseus.el.tree.impl.Cache;
import jinjava.javax.el.CompositeELResolver;
import jinjava.javax.el.ExpressionFactory;

/**
 * Jinjava set up to render chat templates as Hugging Face transformers renders them with jinja2
 * ({@code ImmutableSandboxedEnvironment(trim_blocks=True, lstrip_blocks=True,
 * extensions=[loopcontrols])}, {@code raise_exception}, {@code strftime_now}, its {@code tojson}).
 * Jinjava's own configuration gives the whitespace control, Python operator precedence and string
 * escapes; where Jinjava still differs from jinja2, Jinjava's extension points restore Python's
 * behaviour:
 *
 * <ul>
 *   <li>expressions ({@link PythonSyntax}): {@code not} precedence, keyword argument values, slices
 *       with steps;
 *   <li>an EL resolver ({@link PythonMethods}): Python's {@code str}, {@code dict} and {@code list}
 *       methods and slicing;
 *   <li>tags: {@code for} ({@link PythonForTag}: Python iteration, {@code loop.previtem}/{@code
 *       nextitem}, {@code else}, filters) and {@code if} with Python's truthiness, which the type
 *       converter gives {@code and}/{@code or}/{@code not} and inline {@code if} too;
 *   <li>filters ({@link PythonFilters}) and tests ({@link PythonTests});
 *   <li>output ({@link PythonOutput}): {@code {{ x }}} prints {@code str(x)} ({@code True}), as
 *       {@code ~} joins it.
 * </ul>
 *
 * <p>Known differences that no supported template relies on: none and undefined are one value
 * (both print nothing; {@code x is defined} is false for a variable set to none, and
 * {@code x is iterable} false for an undefined one), {@code +} joins a string and a non-string
 * where Python raises, an expression cannot contain {@code }}} (a dict literal ending in a dict:
 * write {@code } }}), {@code break}/{@code continue} inside an {@code if} still render the rest
 * of that {@code if}'s body, and Python's string {@code format} and {@code %} formatting are
 * missing.
 *
 * <p>Thread-safe: each render gets its own interpreter.
 */
public final class TransformersJinjava extends Jinjava {
  /** The variables this environment defines itself; a render's variables must not reuse them. */
  public static final Set<String> GLOBALS = Set.of("raise_exception", "strftime_now");

  private final ExpressionFactory expressions;

  public TransformersJinjava() {
    super(config(null));
    this.expressions = new ExpressionFactoryImpl(
        new TreeStore(new PythonSyntax.PythonSyntaxBuilder(), new Cache(1000)), new PythonConverter());
    registerTag(new PythonForTag());
    registerTag(new PythonIfTag());
    PythonFilters.all().forEach(this::registerFilter);
    PythonTests.all().forEach(this::registerExpTest);
    try {
      registerFunction(new ELFunctionDefinition("", "raise_exception",
          TemplateFunctions.class.getMethod("raiseException", Object.class)));
      registerFunction(new ELFunctionDefinition("", "strftime_now",
          TemplateFunctions.class.getMethod("strftimeNow", String.class)));
    } catch (NoSuchMethodException e) {
      throw new IllegalStateException(e);
    }
    for (String name : GLOBALS) {
      getGlobalContext().put(name, new TemplateFunctions.Marker(name));
    }
  }

  @Override
  public ExpressionFactory getExpressionFactory() {
    return expressions;
  }

  /**
   * A template's source as jinja2 reads it (line breaks, trailing newline, {@code lstrip_blocks}),
   * which is what {@link #render} takes.
   */
  public static String prepare(String source) {
    return Jinja2Source.of(source);
  }

  /**
   * Renders a template with {@code variables}; {@code strftime_now} formats {@code now}.
   *
   * @param prepared the template source, as {@link #prepare} returns it
   */
  public RenderResult render(String prepared, Map<String, ?> variables, ZonedDateTime now) {
    return renderForResult(prepared, new HashMap<>(variables), config(now));
  }

  private static JinjavaConfig config(ZonedDateTime now) {
    LegacyOverrides jinja2Semantics =
        LegacyOverrides.newBuilder()
            .withParseWhitespaceControlStrictly(true)
            .withUseTrimmingForNotesAndExpressions(true)
            .withUseNaturalOperatorPrecedence(true)
            .withHandleBackslashInQuotesOnly(true)
            .withUsePyishObjectMapper(true)
            .withKeepNullableLoopValues(true)
            .withIterateOverMapKeys(true)
            .build();
    CompositeELResolver resolver = new CompositeELResolver();
    resolver.add(new PythonMethods());
    resolver.add(JinjavaInterpreterResolver.DEFAULT_RESOLVER_READ_ONLY);
    JinjavaConfig.Builder builder =
        JinjavaConfig.newBuilder()
            .withTrimBlocks(true)
            .withLstripBlocks(false) // applied to the source instead, see prepare
            .withNestedInterpretationEnabled(false)
            .withFailOnUnknownTokens(false)
            .withEnableRecursiveMacroCalls(true)
            .withMaxMacroRecursionDepth(100)
            .withElResolver(resolver)
            .withExecutionMode(PythonOutput.Mode.INSTANCE)
            .withLegacyOverrides(jinja2Semantics);
    if (now != null) {
      builder
          .withDateTimeProvider(new FixedDateTimeProvider(now.toInstant().toEpochMilli()))
          .withTimeZone(now.getZone());
    }
    return builder.build();
  }

  /**
   * Jinjava's type converter with Python's truthiness for {@code and}, {@code or}, {@code not} and
   * {@code if}, and Python's {@code str()} where a value becomes text ({@code ~}).
   */
  private static final class PythonConverter extends TruthyTypeConverter {
    private static final long serialVersionUID = 1L;

    @Override
    protected Boolean coerceToBoolean(Object value) {
      return PythonValues.truthy(value);
    }

    @Override
    protected String coerceToString(Object value) {
      return value == null || value instanceof String ? super.coerceToString(value) : PythonValues.str(value);
    }
  }
}
