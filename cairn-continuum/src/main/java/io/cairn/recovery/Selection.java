package io.cairn.recovery;

import java.time.Instant;

/**
 * Which point a recovery or drill uses: at most one of a time ({@code --as-of}: the newest point at
 * or before it), a tag, or a point's id (or unique prefix); else {@code pick} chooses among all points.
 */
public record Selection(Instant asOf, String tag, String point, Pick pick) {
  public enum Pick {
    LATEST,
    OLDEST,
    /** A random point, weighted towards points never drilled (four to one), so old points get exercised too. */
    RANDOM
  }

  public Selection {
    int given = (asOf != null ? 1 : 0) + (tag != null ? 1 : 0) + (point != null ? 1 : 0);
    if (given > 1) throw new IllegalArgumentException("name the point one way: --as-of, --tag or --point");
    if (pick == null) pick = Pick.LATEST;
  }

  public static Selection latest() {
    return new Selection(null, null, null, Pick.LATEST);
  }

  /** A drill's {@code --pick}: {@code latest}, {@code oldest}, {@code random}, or a point's id (or unique prefix). */
  public static Selection pick(String pick) {
    return switch (pick.toLowerCase(java.util.Locale.ROOT)) {
      case "latest" -> new Selection(null, null, null, Pick.LATEST);
      case "oldest" -> new Selection(null, null, null, Pick.OLDEST);
      case "random" -> new Selection(null, null, null, Pick.RANDOM);
      default -> new Selection(null, null, pick, Pick.LATEST);
    };
  }

  public String describe() {
    if (asOf != null) return "as of " + asOf;
    if (tag != null) return "tagged " + tag;
    if (point != null) return "point " + point;
    return pick.name().toLowerCase(java.util.Locale.ROOT);
  }
}
