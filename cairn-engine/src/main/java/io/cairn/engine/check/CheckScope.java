package io.cairn.engine.check;

import com.fasterxml.jackson.annotation.JsonCreator;
import com.fasterxml.jackson.annotation.JsonValue;
import java.util.ArrayList;
import java.util.List;

/**
 * What a check read. Stored in check records by its label; a record of {@code read-data-subset}
 * written before this type existed carries the percentage after the label ({@code read-data-subset
 * 10%}), which reads as {@link #READ_DATA_SUBSET}.
 */
public enum CheckScope {
  /** Snapshots, trees and the index decode and agree; no pack data read. */
  STRUCTURE("structure", false),
  /** Every pack read and every blob verified against its id. */
  READ_DATA("read-data", true),
  /** A random share of the packs read and verified. */
  READ_DATA_SUBSET("read-data-subset", false),
  /** Every pack no earlier check verified read and verified (the rest was verified before). */
  READ_DATA_SINCE_LAST("read-data since-last", true);

  private final String label;
  private final boolean allData;

  CheckScope(String label, boolean allData) {
    this.label = label;
    this.allData = allData;
  }

  @JsonValue
  public String label() {
    return label;
  }

  /** True when a passing check of this scope means every pack's data was found intact (now or by an earlier check). */
  public boolean verifiesAllData() {
    return allData;
  }

  /** The labels of the scopes that verify all data. */
  public static List<String> allDataLabels() {
    List<String> out = new ArrayList<>();
    for (CheckScope s : values()) if (s.allData) out.add(s.label);
    return out;
  }

  @JsonCreator
  public static CheckScope of(String label) {
    for (CheckScope s : values()) if (s.label.equals(label)) return s;
    if (label != null && label.startsWith(READ_DATA_SUBSET.label + " ")) return READ_DATA_SUBSET;
    throw new IllegalArgumentException("unknown check scope '" + label + "'");
  }
}
