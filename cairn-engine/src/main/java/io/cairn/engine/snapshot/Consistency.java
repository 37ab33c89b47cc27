package io.cairn.engine.snapshot;

import com.fasterxml.jackson.annotation.JsonCreator;
import com.fasterxml.jackson.annotation.JsonValue;
import java.util.Locale;

/**
 * How consistent a recovery point is. Stored in snapshots by its label ({@code crash},
 * {@code application}, {@code group}); the order is from weakest to strongest.
 */
public enum Consistency {
  /** A copy of files as they were read, as after a power cut: what a plain file backup gives. */
  CRASH,
  /** The application was told (a hook, a database's own dump or snapshot) and its data is self-consistent. */
  APPLICATION,
  /** Several assets captured as one point, each application-consistent, at one coordinated moment. */
  GROUP;

  @JsonValue
  public String label() {
    return name().toLowerCase(Locale.ROOT);
  }

  /** The level of a label; {@link IllegalArgumentException} names the labels known. */
  @JsonCreator
  public static Consistency of(String label) {
    for (Consistency c : values()) if (c.label().equals(label)) return c;
    throw new IllegalArgumentException("unknown consistency level '" + label + "' (known: crash, application, group)");
  }
}
