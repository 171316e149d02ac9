package dev.endoreward.spark;

import com.fasterxml.jackson.core.JsonParser;
import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.DeserializationFeature;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.json.JsonMapper;
import dev.endoreward.reward.RejectReason;
import dev.endoreward.spark.config.InputColumns;
import java.io.Serializable;
import java.nio.ByteBuffer;
import java.nio.CharBuffer;
import java.nio.charset.CharacterCodingException;
import java.nio.charset.CharsetDecoder;
import java.nio.charset.CoderResult;
import java.nio.charset.CodingErrorAction;
import java.nio.charset.StandardCharsets;
import java.util.Iterator;
import java.util.Map;

/**
 * Checks one JSON Lines line before Spark parses it: it must be valid UTF-8 and one JSON object whose
 * configured columns have their documented types, with no string that holds a lone surrogate (which
 * Spark would turn into {@code ?} without a word). A line that passes is parsed by Spark; one that fails
 * becomes a rejected row, or stops the job.
 */
final class JsonLineCheck implements Serializable {
  private static final long serialVersionUID = 1L;
  private static final ObjectMapper JSON = JsonMapper.builder()
      .enable(JsonParser.Feature.STRICT_DUPLICATE_DETECTION)
      .enable(DeserializationFeature.FAIL_ON_TRAILING_TOKENS)
      .build();

  private final InputColumns columns;

  JsonLineCheck(InputColumns columns) {
    this.columns = columns;
  }

  /**
   * Why a line cannot be read.
   *
   * @param reason {@code MALFORMED_INPUT} or {@code INVALID_TEXT}
   * @param why what is wrong, for the detail or the message
   */
  record Problem(RejectReason reason, String why) {}

  /** The line's text when it is valid UTF-8, else null. */
  static String decode(byte[] bytes, int length) {
    try {
      return decoder().decode(ByteBuffer.wrap(bytes, 0, length)).toString();
    } catch (CharacterCodingException e) {
      return null;
    }
  }

  /**
   * True when the line is valid UTF-8 and holds only whitespace ({@link String#isBlank}): a blank line, which
   * is no row. Every other line is one row, scored or rejected. Most lines start with a character that is not
   * whitespace, so this mostly reads one byte and decodes nothing.
   */
  static boolean isBlank(byte[] bytes, int length) {
    for (int i = 0; i < length; i++) {
      byte b = bytes[i];
      if (b < 0) { // beyond ASCII: only decoding tells
        String text = decode(bytes, length);
        return text != null && text.isBlank();
      }
      if (!Character.isWhitespace(b)) {
        return false;
      }
    }
    return true;
  }

  /** Why {@code bytes} is not valid UTF-8: the first bad byte's 1-based position in the line. */
  static Problem invalidUtf8(byte[] bytes, int length) {
    ByteBuffer in = ByteBuffer.wrap(bytes, 0, length);
    CharBuffer out = CharBuffer.allocate(length);
    CoderResult result = decoder().decode(in, out, true);
    int at = in.position();
    return new Problem(RejectReason.INVALID_TEXT, String.format(
        "byte %d of the line (0x%02X) is not valid UTF-8%s", at + 1, bytes[at] & 0xff,
        result.isMalformed() || result.isUnmappable() ? "" : " (a character is cut short at the end)"));
  }

  /** The problem with {@code text}, one line that is not blank, or null when Spark may parse it. */
  Problem check(String text) {
    JsonNode row;
    try {
      row = JSON.readTree(text);
    } catch (JsonProcessingException e) {
      return malformed("not JSON: " + e.getOriginalMessage());
    }
    if (row == null || !row.isObject()) {
      return malformed("not a JSON object but " + (row == null ? "nothing" : kind(row)));
    }
    Problem wrongType = checkTypes(row);
    return wrongType != null ? wrongType : loneSurrogate(row, "");
  }

  private Problem checkTypes(JsonNode row) {
    Problem problem = idLike(row, columns.id());
    if (problem == null && columns.promptId() != null) {
      problem = idLike(row, columns.promptId());
    }
    if (problem == null && columns.messagesForm()) {
      problem = messages(row, columns.messages());
    }
    for (String text : new String[] {columns.prompt(), columns.response(), columns.system()}) {
      if (problem == null && text != null) {
        problem = string(row.get(text), "column '" + text + "'");
      }
    }
    return problem;
  }

  private static Problem idLike(JsonNode row, String column) {
    JsonNode value = row.get(column);
    if (value == null || value.isNull() || value.isTextual() || value.isIntegralNumber() && value.canConvertToLong()) {
      return null;
    }
    return malformed("column '" + column + "' is " + kind(value) + ", expected a string or an integer");
  }

  private static Problem messages(JsonNode row, String column) {
    JsonNode value = row.get(column);
    if (value == null || value.isNull()) {
      return null;
    }
    if (!value.isArray()) {
      return malformed("column '" + column + "' is " + kind(value) + ", expected an array of {role, content}");
    }
    for (int i = 0; i < value.size(); i++) {
      JsonNode message = value.get(i);
      if (message.isNull()) {
        continue;
      }
      if (!message.isObject()) {
        return malformed("message " + i + " of column '" + column + "' is " + kind(message) + ", expected {role, content}");
      }
      for (String field : new String[] {"role", "content"}) {
        Problem problem = string(message.get(field), field + " of message " + i + " of column '" + column + "'");
        if (problem != null) {
          return problem;
        }
      }
    }
    return null;
  }

  private static Problem string(JsonNode value, String what) {
    return value == null || value.isNull() || value.isTextual() ? null
        : malformed(what + " is " + kind(value) + ", expected a string");
  }

  /** The first string (value or field name) that holds a lone surrogate, anywhere in the row. */
  private static Problem loneSurrogate(JsonNode node, String where) {
    if (node.isTextual()) {
      int at = loneSurrogateAt(node.textValue());
      return at < 0 ? null : invalidText(String.format("%s holds a lone surrogate U+%04X at character %d",
          where, (int) node.textValue().charAt(at), at + 1));
    }
    if (node.isArray()) {
      for (int i = 0; i < node.size(); i++) {
        Problem problem = loneSurrogate(node.get(i), where + "[" + i + "]");
        if (problem != null) {
          return problem;
        }
      }
    }
    for (Iterator<Map.Entry<String, JsonNode>> fields = node.fields(); fields.hasNext(); ) {
      Map.Entry<String, JsonNode> field = fields.next();
      String path = where.isEmpty() ? "column '" + field.getKey() + "'" : where + "." + field.getKey();
      int at = loneSurrogateAt(field.getKey());
      if (at >= 0) {
        return invalidText(String.format("a field name holds a lone surrogate U+%04X at character %d",
            (int) field.getKey().charAt(at), at + 1));
      }
      Problem problem = loneSurrogate(field.getValue(), path);
      if (problem != null) {
        return problem;
      }
    }
    return null;
  }

  /** The index of the first char that is half a surrogate pair without its other half, or -1. */
  static int loneSurrogateAt(String text) {
    for (int i = 0; i < text.length(); i++) {
      char c = text.charAt(i);
      if (Character.isHighSurrogate(c) && i + 1 < text.length() && Character.isLowSurrogate(text.charAt(i + 1))) {
        i++;
      } else if (Character.isSurrogate(c)) {
        return i;
      }
    }
    return -1;
  }

  private static String kind(JsonNode value) {
    return switch (value.getNodeType()) {
      case ARRAY -> "an array";
      case OBJECT -> "an object";
      case BOOLEAN -> "a boolean";
      case NUMBER -> !value.isIntegralNumber() ? "a number with a fraction"
          : value.canConvertToLong() ? "a number" : "an integer out of range";
      case STRING -> "a string";
      default -> "null";
    };
  }

  private static Problem malformed(String why) {
    return new Problem(RejectReason.MALFORMED_INPUT, why);
  }

  private static Problem invalidText(String why) {
    return new Problem(RejectReason.INVALID_TEXT, why);
  }

  private static CharsetDecoder decoder() {
    return StandardCharsets.UTF_8.newDecoder()
        .onMalformedInput(CodingErrorAction.REPORT)
        .onUnmappableCharacter(CodingErrorAction.REPORT);
  }
}
