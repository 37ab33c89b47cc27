package io.cairn.policy;

import com.fasterxml.jackson.core.JsonToken;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;

/**
 * Typed reading of one YAML mapping, collecting problems instead of stopping at the first: an
 * unknown key (with the known ones, and the closest), a wrong type, an impossible value, each at
 * its line and column.
 */
final class Fields {
  /** The longest duration a policy may give (longer ones would overflow the planner's dates). */
  static final Duration MAX = Duration.ofDays(36_500);

  final Node.Mapping map;
  final String what;
  final List<Problem> problems;

  Fields(Node.Mapping map, String what, List<Problem> problems) {
    this.map = map;
    this.what = what;
    this.problems = problems;
  }

  /** Reports keys not in {@code known}. */
  Fields only(Set<String> known) {
    for (var e : map.keys().entrySet()) {
      if (!known.contains(e.getKey())) {
        String near = closest(e.getKey(), known);
        problems.add(new Problem(e.getValue(), "unknown key '" + e.getKey() + "' in " + what
            + (near != null ? " (did you mean '" + near + "'?)" : "") + "; expected one of " + String.join(", ", known.stream().sorted().toList())));
      }
    }
    return this;
  }

  boolean has(String key) {
    return map.entries().containsKey(key);
  }

  Node node(String key) {
    return map.entries().get(key);
  }

  Node.Where at(String key) {
    Node n = node(key);
    return n != null ? n.where() : map.where();
  }

  void problem(String key, String message) {
    problems.add(new Problem(at(key), message));
  }

  String string(String key, boolean required) {
    Node n = node(key);
    if (n == null || n instanceof Node.Scalar s && s.text() == null) {
      if (required) problems.add(new Problem(map.where(), what + " needs '" + key + "'"));
      return null;
    }
    if (n instanceof Node.Scalar s) return s.text();
    problems.add(new Problem(n.where(), "'" + key + "' in " + what + " must be a single value, not a " + kind(n)));
    return null;
  }

  Duration duration(String key, boolean required, boolean zeroAllowed) {
    String t = string(key, required);
    if (t == null) return null;
    Duration d = Durations.parse(t);
    if (d == null) {
      problem(key, "'" + key + "' in " + what + " must be a duration such as 30s, 15m, 1h30m, 7d or 1w, not '" + t + "'");
    } else if (d.isZero() && !zeroAllowed || d.isNegative()) {
      problem(key, "'" + key + "' in " + what + " must be longer than zero");
      return null;
    } else if (d.compareTo(MAX) > 0) {
      problem(key, "'" + key + "' in " + what + " must be at most 100 years, not '" + t + "'");
      return null;
    }
    return d;
  }

  Cadence cadence(String key) {
    String t = string(key, false);
    if (t == null) return null;
    switch (t) {
      case "never":
        return Cadence.NEVER;
      case "hourly":
        return Cadence.every(Duration.ofHours(1));
      case "daily":
        return Cadence.every(Duration.ofDays(1));
      case "weekly":
        return Cadence.every(Duration.ofDays(7));
      case "monthly":
        return Cadence.every(Duration.ofDays(30));
      default:
        Duration d = Durations.parse(t);
        if (d == null || d.isZero() || d.compareTo(MAX) > 0) {
          problem(key, "'" + key + "' in " + what + " must be hourly, daily, weekly, monthly, never or a duration such as 6h, not '" + t + "'");
          return null;
        }
        return Cadence.every(d);
    }
  }

  Integer integer(String key, int min, int max) {
    Node n = node(key);
    if (n == null) return null;
    if (n instanceof Node.Scalar s && s.token() == JsonToken.VALUE_NUMBER_INT) {
      try {
        long v = Long.parseLong(s.text());
        if (v >= min && v <= max) return (int) v;
      } catch (NumberFormatException ignored) {
        // out of range, reported below
      }
      problem(key, "'" + key + "' in " + what + " must be between " + min + " and " + max + ", not " + s.text());
      return null;
    }
    problem(key, "'" + key + "' in " + what + " must be a whole number, not " + describe(n));
    return null;
  }

  Boolean bool(String key) {
    Node n = node(key);
    if (n == null) return null;
    if (n instanceof Node.Scalar s && (s.token() == JsonToken.VALUE_TRUE || s.token() == JsonToken.VALUE_FALSE)) {
      return s.token() == JsonToken.VALUE_TRUE;
    }
    problem(key, "'" + key + "' in " + what + " must be true or false, not " + describe(n));
    return null;
  }

  /** A list of strings; a single string is a list of one. */
  List<String> strings(String key, boolean required) {
    Node n = node(key);
    if (n == null) {
      if (required) problems.add(new Problem(map.where(), what + " needs '" + key + "'"));
      return List.of();
    }
    if (n instanceof Node.Scalar s && s.text() != null) return List.of(s.text());
    List<String> out = new ArrayList<>();
    if (n instanceof Node.Sequence q) {
      for (Node item : q.items()) {
        if (item instanceof Node.Scalar s && s.text() != null) {
          out.add(s.text());
        } else {
          problems.add(new Problem(item.where(), "each item of '" + key + "' in " + what + " must be a single value, not a " + kind(item)));
        }
      }
      return out;
    }
    problem(key, "'" + key + "' in " + what + " must be a list, not a " + kind(n));
    return List.of();
  }

  /** The mapping under {@code key}, or null (reported when it is something else). */
  Node.Mapping mapping(String key) {
    Node n = node(key);
    if (n == null || n instanceof Node.Scalar s && s.text() == null) return null;
    if (n instanceof Node.Mapping m) return m;
    problem(key, "'" + key + "' in " + what + " must be a mapping (key: value), not " + describe(n));
    return null;
  }

  static String kind(Node n) {
    return switch (n) {
      case Node.Mapping m -> "mapping";
      case Node.Sequence q -> "list";
      case Node.Scalar s -> "value";
    };
  }

  static String describe(Node n) {
    return n instanceof Node.Scalar s ? "'" + s.text() + "'" : "a " + kind(n);
  }

  static String closest(String key, Set<String> known) {
    String best = null;
    int bestD = 3;
    for (String k : known) {
      int d = distance(key, k);
      if (d < bestD) {
        bestD = d;
        best = k;
      }
    }
    return best;
  }

  private static int distance(String a, String b) {
    int[] prev = new int[b.length() + 1];
    int[] cur = new int[b.length() + 1];
    for (int j = 0; j <= b.length(); j++) prev[j] = j;
    for (int i = 1; i <= a.length(); i++) {
      cur[0] = i;
      for (int j = 1; j <= b.length(); j++) {
        cur[j] = Math.min(Math.min(cur[j - 1] + 1, prev[j] + 1), prev[j - 1] + (a.charAt(i - 1) == b.charAt(j - 1) ? 0 : 1));
      }
      int[] t = prev;
      prev = cur;
      cur = t;
    }
    return prev[b.length()];
  }
}
