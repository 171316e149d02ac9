package dev.endoreward.spark;

import dev.endoreward.Sha256;
import dev.endoreward.spark.config.InputColumns;
import java.io.Serializable;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.types.StructType;

/**
 * Where a row's {@code prompt_id} comes from: the input column that groups responses to the same prompt
 * ({@code input.column.prompt-id}, or else an input column named {@code prompt_id}), its value as a string;
 * or, without one, {@link #hash} of the whole prompt's token ids, before any were cut to fit.
 */
final class PromptIds implements Serializable {
  /** Hex digits of the SHA-256 kept: 64 bits, so a collision is unlikely below billions of prompts. */
  private static final int HASH_HEX_DIGITS = 16;

  private final String column;

  private PromptIds(String column) {
    this.column = column;
  }

  /** The prompt ids of input rows of {@code schema} read with {@code columns}. */
  static PromptIds of(InputColumns columns, StructType schema) {
    if (columns.promptId() != null) {
      return new PromptIds(columns.promptId());
    }
    return new PromptIds(schema.getFieldIndex(OutputColumns.PROMPT_ID).isDefined() ? OutputColumns.PROMPT_ID : null);
  }

  /** The input column holding the prompt id, or null when the prompt tokens' hash is the id. */
  String column() {
    return column;
  }

  /** A row's prompt id as far as the input says: its column's value as a string, or null. */
  String fromInput(Row input) {
    if (column == null || input.isNullAt(input.fieldIndex(column))) {
      return null;
    }
    return String.valueOf(input.<Object>getAs(column));
  }

  /** A scored row's prompt id: its column's value, or the hash of {@code fullPromptTokenIds}. */
  String of(Row input, int[] fullPromptTokenIds) {
    return column != null ? fromInput(input) : hash(fullPromptTokenIds);
  }

  /**
   * The first 16 hex digits (lower case) of the SHA-256 of {@code tokenIds}, each written as 4 bytes,
   * little-endian. In Python: {@code hashlib.sha256(struct.pack(f"<{len(ids)}i", *ids)).hexdigest()[:16]}.
   */
  static String hash(int[] tokenIds) {
    ByteBuffer bytes = ByteBuffer.allocate(Integer.BYTES * tokenIds.length).order(ByteOrder.LITTLE_ENDIAN);
    bytes.asIntBuffer().put(tokenIds);
    return Sha256.of(bytes.array()).substring(0, HASH_HEX_DIGITS);
  }

}
