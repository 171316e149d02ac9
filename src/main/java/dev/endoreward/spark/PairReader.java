package dev.endoreward.spark;

import dev.endoreward.reward.Outcome;
import dev.endoreward.reward.RejectReason;
import dev.endoreward.spark.config.InputColumns;
import dev.endoreward.text.ChatMessage;
import dev.endoreward.text.PairInput;
import java.io.Serializable;
import java.util.ArrayList;
import java.util.List;
import org.apache.spark.sql.Row;

/**
 * Reads one input row into a {@link PairInput}, or says why it cannot. A conversation's own system
 * message wins over a configured system prompt (column or global), which applies only to rows whose
 * conversation has none.
 */
final class PairReader implements Serializable {
  private static final String SYSTEM = "system";
  private static final String ASSISTANT = "assistant";

  private final InputColumns columns;
  private final String globalSystemPrompt;
  private final String promptIdColumn;

  /**
   * @param columns where the fields are
   * @param globalSystemPrompt the system prompt for rows without one of their own, or null
   * @param promptIdColumn the column giving each row's prompt id, which must not be null, or null for none
   */
  PairReader(InputColumns columns, String globalSystemPrompt, String promptIdColumn) {
    this.columns = columns;
    this.globalSystemPrompt = globalSystemPrompt;
    this.promptIdColumn = promptIdColumn;
  }

  Outcome<PairInput> read(Row row) {
    Outcome<PairInput> rejectedOnRead = rejectedOnRead(row);
    if (rejectedOnRead != null) {
      return rejectedOnRead;
    }
    if (isNull(row, columns.id())) {
      return Outcome.rejected(RejectReason.NULL_FIELD, "column '" + columns.id() + "' is null");
    }
    if (promptIdColumn != null && isNull(row, promptIdColumn)) { // a row without its group cannot be curated
      return Outcome.rejected(RejectReason.NULL_FIELD, "column '" + promptIdColumn + "' is null");
    }
    String configuredSystem = columns.system() != null
        ? row.getAs(columns.system())
        : globalSystemPrompt;
    return columns.messagesForm() ? fromMessages(row, configuredSystem) : fromPromptResponse(row, configuredSystem);
  }

  private Outcome<PairInput> fromPromptResponse(Row row, String system) {
    for (String column : List.of(columns.prompt(), columns.response())) {
      if (isNull(row, column)) {
        return Outcome.rejected(RejectReason.NULL_FIELD, "column '" + column + "' is null");
      }
    }
    String prompt = row.getAs(columns.prompt());
    String response = row.getAs(columns.response());
    return Outcome.ok(PairInput.of(system, prompt, response));
  }

  private Outcome<PairInput> fromMessages(Row row, String configuredSystem) {
    String column = columns.messages();
    if (isNull(row, column)) {
      return Outcome.rejected(RejectReason.NULL_FIELD, "column '" + column + "' is null");
    }
    List<Row> messages = row.getList(row.fieldIndex(column));
    if (messages.isEmpty()) {
      return Outcome.rejected(RejectReason.EMPTY_RESPONSE, "column '" + column + "' has no messages");
    }
    List<ChatMessage> conversation = new ArrayList<>(messages.size());
    for (int i = 0; i < messages.size(); i++) {
      Row message = messages.get(i);
      if (message == null || isNull(message, "role") || isNull(message, "content")) {
        return Outcome.rejected(RejectReason.NULL_FIELD,
            "message " + i + " of column '" + column + "' is null or has a null role or content");
      }
      conversation.add(new ChatMessage(message.getAs("role"), message.getAs("content")));
    }
    ChatMessage last = conversation.remove(conversation.size() - 1);
    if (!ASSISTANT.equals(last.role())) {
      return Outcome.rejected(RejectReason.TEMPLATE_ERROR,
          "the last message has role '" + last.role() + "'; the scored response must be an assistant message");
    }
    String system = configuredSystem;
    if (!conversation.isEmpty() && SYSTEM.equals(conversation.get(0).role())) {
      system = conversation.remove(0).content();
    }
    return Outcome.ok(new PairInput(system, conversation, last.content()));
  }

  /** The rejection the reader found (a malformed line, invalid text, a repeated id), or null. */
  private static Outcome<PairInput> rejectedOnRead(Row row) {
    if (row.schema() == null || row.schema().getFieldIndex(SourceColumns.REJECT_REASON).isEmpty()
        || isNull(row, SourceColumns.REJECT_REASON)) {
      return null;
    }
    return Outcome.rejected(RejectReason.valueOf(row.getAs(SourceColumns.REJECT_REASON)),
        row.getAs(SourceColumns.REJECT_DETAIL));
  }

  private static boolean isNull(Row row, String column) {
    return row.isNullAt(row.fieldIndex(column));
  }
}
