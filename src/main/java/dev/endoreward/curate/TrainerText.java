package dev.endoreward.curate;

import java.io.Serializable;
import java.util.ArrayList;
import java.util.List;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.RowFactory;
import org.apache.spark.sql.types.DataType;
import org.apache.spark.sql.types.DataTypes;
import org.apache.spark.sql.types.StructType;

/**
 * A scored row's prompt and response in one of TRL's forms, from the columns its score run read. The
 * standard form is the prompt and response strings as given; the conversational form is the messages: the
 * system prompt when there was one, the prompt's turns, then the response as the assistant's message.
 */
final class TrainerText implements Serializable {
  /** A message: {@code {role, content}}. */
  static final StructType MESSAGE = new StructType().add("role", DataTypes.StringType).add("content",
      DataTypes.StringType);
  static final DataType MESSAGES = DataTypes.createArrayType(MESSAGE, false);

  private final RunSettings settings;
  private final TrainerFormat format;

  private TrainerText(RunSettings settings, TrainerFormat format) {
    this.settings = settings;
    this.format = format;
  }

  /**
   * The text of rows scored with {@code settings}, in {@code format}.
   *
   * @param formatKey the key that chose the format, for the message
   * @throws IllegalArgumentException when the standard form cannot hold what was scored
   */
  static TrainerText of(RunSettings settings, TrainerFormat format, String formatKey) {
    if (format == TrainerFormat.STANDARD && (settings.messagesForm() || settings.hasSystem())) {
      throw new IllegalArgumentException("Cannot write " + formatKey + "=standard: the score run read "
          + (settings.messagesForm() ? "conversations" : "system prompts")
          + ", which only the conversational form carries; set " + formatKey + "=conversational");
    }
    return new TrainerText(settings, format);
  }

  /** The type of a prompt, or of a response, in this form: a string, or a list of messages. */
  DataType type() {
    return format == TrainerFormat.STANDARD ? DataTypes.StringType : MESSAGES;
  }

  /** The prompt: its text, or its messages (all but the conversation's last). */
  Object prompt(Row row) {
    if (format == TrainerFormat.STANDARD) {
      return row.getAs(settings.promptColumn());
    }
    List<Row> messages = conversation(row);
    return messages.subList(0, messages.size() - 1).toArray(new Row[0]);
  }

  /** The response: its text, or a list of its one assistant message. */
  Object response(Row row) {
    if (format == TrainerFormat.STANDARD) {
      return row.getAs(settings.responseColumn());
    }
    List<Row> messages = conversation(row);
    return new Row[] {messages.get(messages.size() - 1)};
  }

  /** The whole conversation, the response last, as {@link #MESSAGES}. */
  Row[] messages(Row row) {
    return conversation(row).toArray(new Row[0]);
  }

  private List<Row> conversation(Row row) {
    List<Row> messages = new ArrayList<>();
    String system = settings.systemColumn() != null ? row.getAs(settings.systemColumn()) : settings.systemPrompt();
    if (settings.messagesForm()) {
      List<Row> given = row.getList(row.fieldIndex(settings.messagesColumn()));
      // As in score: a conversation's own system message wins over a configured one.
      boolean ownSystem = !given.isEmpty() && "system".equals(given.get(0).getAs("role"));
      if (system != null && !ownSystem) {
        messages.add(message("system", system));
      }
      for (Row message : given) {
        messages.add(message(message.getAs("role"), message.getAs("content")));
      }
    } else {
      if (system != null) {
        messages.add(message("system", system));
      }
      messages.add(message("user", row.getAs(settings.promptColumn())));
      messages.add(message("assistant", row.getAs(settings.responseColumn())));
    }
    return messages;
  }

  private static Row message(String role, String content) {
    return RowFactory.create(role, content);
  }
}
