package dev.endoreward.eval;

import com.fasterxml.jackson.databind.JsonNode;
import java.util.ArrayList;
import java.util.List;

/**
 * A published form of preference data, and how one of its JSON objects becomes a {@link PreferenceRecord}.
 * Each parser throws {@link IllegalArgumentException} saying what is wrong with the object.
 */
public enum PreferenceFormat {
  /** Anthropic HH-RLHF: {@code {"chosen", "rejected"}}, each a whole transcript; the subset is the file. */
  HH_RLHF {
    @Override
    PreferenceRecord parse(String file, int index, JsonNode node) {
      List<Turn> chosen = transcript(node, "chosen");
      List<Turn> rejected = transcript(node, "rejected");
      return new PreferenceRecord(file + "/" + index, file, stem(file), List.of(chosen), List.of(rejected));
    }
  },
  /** LLMBar: {@code {"input", "output_1", "output_2", "label"}}, label 1 or 2 naming the better output. */
  LLMBAR {
    @Override
    PreferenceRecord parse(String file, int index, JsonNode node) {
      int label = node.path("label").asInt(0);
      if (!node.path("label").isInt() || label < 1 || label > 2) {
        throw new IllegalArgumentException("its label is not 1 or 2");
      }
      String first = text(node, "output_1");
      String second = text(node, "output_2");
      return PreferenceRecord.single(file + "/" + index, file, stem(file), List.of(Turn.user(text(node, "input"))),
          label == 1 ? first : second, label == 1 ? second : first);
    }
  },
  /** RewardBench: {@code {"prompt", "chosen", "rejected", "subset", "id"}}. */
  REWARDBENCH {
    @Override
    PreferenceRecord parse(String file, int index, JsonNode node) {
      return PreferenceRecord.single(file + "/" + id(node, index), file, text(node, "subset"),
          List.of(Turn.user(text(node, "prompt"))), text(node, "chosen"), text(node, "rejected"));
    }
  },
  /**
   * RM-Bench: {@code {"id", "prompt", "chosen": [3], "rejected": [3]}}, the responses in the order concise,
   * detailed, detailed with markdown; the subset is the domain, from the file's name ({@link RmBenchDomain}).
   */
  RM_BENCH {
    @Override
    PreferenceRecord parse(String file, int index, JsonNode node) {
      List<Turn> prompt = List.of(Turn.user(text(node, "prompt")));
      return new PreferenceRecord(file + "/" + id(node, index), file, RmBenchDomain.ofFile(file).label(),
          answers(node, "chosen", prompt), answers(node, "rejected", prompt));
    }

    private List<List<Turn>> answers(JsonNode node, String field, List<Turn> prompt) {
      JsonNode responses = node.get(field);
      if (responses == null || !responses.isArray() || responses.size() != RmBenchDomain.STYLES) {
        throw new IllegalArgumentException("its " + field + " is not an array of " + RmBenchDomain.STYLES
            + " responses");
      }
      List<List<Turn>> answers = new ArrayList<>();
      for (int i = 0; i < responses.size(); i++) {
        if (!responses.get(i).isTextual()) {
          throw new IllegalArgumentException("its " + field + "[" + i + "] is not a string");
        }
        answers.add(PreferenceRecord.answer(prompt, responses.get(i).asText()));
      }
      return answers;
    }
  };

  /**
   * The record of the {@code index}-th object (from 0) of {@code file}.
   *
   * @throws IllegalArgumentException saying what the object lacks
   */
  abstract PreferenceRecord parse(String file, int index, JsonNode node);

  static String text(JsonNode node, String field) {
    JsonNode value = node.get(field);
    if (value == null || !value.isTextual()) {
      throw new IllegalArgumentException("its " + field + " is " + (value == null || value.isNull() ? "missing"
          : "not a string"));
    }
    return value.asText();
  }

  /** The record's own id when it has one, else its position in the file. */
  private static String id(JsonNode node, int index) {
    JsonNode id = node.get("id");
    return id == null || id.isNull() ? String.valueOf(index) : id.asText();
  }

  private static List<Turn> transcript(JsonNode node, String field) {
    try {
      return Transcript.parse(text(node, field));
    } catch (IllegalArgumentException e) {
      throw new IllegalArgumentException("its " + field + " transcript " + e.getMessage(), e);
    }
  }

  /** A file's name without its extensions: {@code LLMBar_Natural.json} is {@code LLMBar_Natural}. */
  static String stem(String file) {
    int dot = file.indexOf('.');
    return dot > 0 ? file.substring(0, dot) : file;
  }
}
