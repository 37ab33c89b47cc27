package io.cairn.service;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.ObjectWriter;
import com.fasterxml.jackson.databind.SerializationFeature;
import com.fasterxml.jackson.datatype.jsr310.JavaTimeModule;
import java.io.UncheckedIOException;
import java.util.LinkedHashMap;
import java.util.Map;

/**
 * The one mapper for outcome records, as {@code --json} prints them and the REST API will return
 * them: field names are the records' component names (docs/json.md), times ISO-8601 in UTC.
 */
public final class JsonOutput {
  private static final ObjectWriter WRITER = new ObjectMapper()
      .registerModule(new JavaTimeModule())
      .disable(SerializationFeature.WRITE_DATES_AS_TIMESTAMPS)
      .writerWithDefaultPrettyPrinter();

  private JsonOutput() {}

  public static String write(Object outcome) {
    try {
      return WRITER.writeValueAsString(outcome);
    } catch (JsonProcessingException e) {
      throw new UncheckedIOException(e);
    }
  }

  /** A warning as one JSON object: {@code {"warning": {"message", "remedy"}}}. */
  public static String warning(String message, String remedy) {
    Map<String, Object> w = new LinkedHashMap<>();
    w.put("message", message);
    w.put("remedy", remedy);
    try {
      return new ObjectMapper().writeValueAsString(Map.of("warning", w));
    } catch (JsonProcessingException x) {
      throw new UncheckedIOException(x);
    }
  }

  /** A failure as one JSON object: {@code {"error": {"code", "exitCode", "message", "remedy"}}}. */
  public static String error(Failures.Failure f) {
    Map<String, Object> e = new LinkedHashMap<>();
    e.put("code", f.codeName());
    e.put("exitCode", f.exitCode());
    e.put("message", f.message());
    e.put("remedy", f.remedy());
    try {
      return new ObjectMapper().writeValueAsString(Map.of("error", e));
    } catch (JsonProcessingException x) {
      throw new UncheckedIOException(x);
    }
  }
}
