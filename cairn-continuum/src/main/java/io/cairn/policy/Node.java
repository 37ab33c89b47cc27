package io.cairn.policy;

import com.fasterxml.jackson.core.JsonLocation;
import com.fasterxml.jackson.core.JsonParser;
import com.fasterxml.jackson.core.JsonToken;
import com.fasterxml.jackson.dataformat.yaml.YAMLFactory;
import java.io.IOException;
import java.io.Reader;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * A YAML document as a tree that remembers where each value was written, so that every problem the
 * policy reader finds can name its line and column. Jackson's own tree forgets locations.
 */
sealed interface Node permits Node.Scalar, Node.Mapping, Node.Sequence {
  Where where();

  /** A position in the policy file (1-based line and column). */
  record Where(String file, int line, int column) {
    @Override
    public String toString() {
      return file + ":" + line + ":" + column;
    }
  }

  /** A plain value; {@code text} is null for YAML's null ({@code ~}, empty). */
  record Scalar(String text, JsonToken token, Where where) implements Node {}

  /** Keys in file order, each with where the key itself was written. */
  record Mapping(Map<String, Node> entries, Map<String, Where> keys, Where where) implements Node {}

  record Sequence(List<Node> items, Where where) implements Node {}

  /** Parses one YAML document; a syntax error is a {@link PolicyException} with its position. */
  static Node parse(Reader in, String file) {
    try (JsonParser p = new YAMLFactory().createParser(in)) {
      JsonToken t = p.nextToken();
      if (t == null) return new Mapping(new LinkedHashMap<>(), new LinkedHashMap<>(), new Where(file, 1, 1));
      return read(p, file);
    } catch (com.fasterxml.jackson.core.JsonProcessingException e) {
      JsonLocation l = e.getLocation();
      Where w = l == null ? new Where(file, 1, 1) : new Where(file, l.getLineNr(), l.getColumnNr());
      throw new PolicyException(List.of(new Problem(w, "not valid YAML: " + firstLines(e.getOriginalMessage()))));
    } catch (IOException e) {
      throw new PolicyException(List.of(new Problem(new Where(file, 1, 1), "cannot read: " + e.getMessage())));
    }
  }

  private static Node read(JsonParser p, String file) throws IOException {
    Where w = where(p.currentTokenLocation(), file);
    JsonToken t = p.currentToken();
    switch (t) {
      case START_OBJECT -> {
        Map<String, Node> entries = new LinkedHashMap<>();
        Map<String, Where> keys = new LinkedHashMap<>();
        while (p.nextToken() == JsonToken.FIELD_NAME) {
          String key = p.currentName();
          Where kw = where(p.currentTokenLocation(), file);
          p.nextToken();
          Node value = read(p, file);
          if (entries.containsKey(key)) {
            throw new PolicyException(List.of(new Problem(kw, "'" + key + "' is given twice (first at line " + keys.get(key).line() + ")")));
          }
          entries.put(key, value);
          keys.put(key, kw);
        }
        return new Mapping(entries, keys, w);
      }
      case START_ARRAY -> {
        List<Node> items = new ArrayList<>();
        while (p.nextToken() != JsonToken.END_ARRAY) items.add(read(p, file));
        return new Sequence(items, w);
      }
      case VALUE_NULL -> {
        return new Scalar(null, t, w);
      }
      default -> {
        return new Scalar(p.getText(), t, w);
      }
    }
  }

  /** The parser's message without its quoted excerpt of the file (the position says where). */
  private static String firstLines(String message) {
    StringBuilder b = new StringBuilder();
    for (String line : message.split("\n")) {
      if (line.isBlank() || Character.isWhitespace(line.charAt(0))) continue;
      b.append(b.isEmpty() ? "" : "; ").append(line.strip());
    }
    return b.toString();
  }

  private static Where where(JsonLocation l, String file) {
    return new Where(file, l.getLineNr(), l.getColumnNr());
  }
}
