package io.cairn.engine.fs;

import java.util.regex.Pattern;
import java.util.regex.PatternSyntaxException;

/**
 * A glob over path strings, with the syntax of {@link java.nio.file.FileSystem#getPathMatcher}:
 * {@code *} any run of characters within a name, {@code **} any run across names, {@code ?} one
 * character within a name, {@code [a-z]} and {@code [!a-z]} one of (not) a set, {@code {a,b}} one
 * of several, {@code \} escapes. It matches strings, not {@link java.nio.file.Path}s: building a path
 * from a name needs the locale's charset, which under the POSIX locale cannot encode {@code café}.
 */
public final class Glob {
  private final String glob;
  private final Pattern pattern;

  private Glob(String glob, Pattern pattern) {
    this.glob = glob;
    this.pattern = pattern;
  }

  /** Compiles a glob; {@link IllegalArgumentException} names what is wrong with it. */
  public static Glob compile(String glob) {
    try {
      return new Glob(glob, Pattern.compile(toRegex(glob), Pattern.DOTALL));
    } catch (PatternSyntaxException e) {
      throw new IllegalArgumentException(e.getDescription(), e);
    }
  }

  public boolean matches(CharSequence path) {
    return pattern.matcher(path).matches();
  }

  @Override
  public String toString() {
    return glob;
  }

  private static boolean isRegexMeta(char c) {
    return ".^$+{[]|()\\".indexOf(c) >= 0;
  }

  private static String toRegex(String g) {
    StringBuilder re = new StringBuilder("^");
    boolean inGroup = false;
    int i = 0;
    while (i < g.length()) {
      char c = g.charAt(i++);
      switch (c) {
        case '\\' -> {
          if (i == g.length()) throw new IllegalArgumentException("no character to escape at the end of '" + g + "'");
          char next = g.charAt(i++);
          if (isRegexMeta(next) || "*?}".indexOf(next) >= 0) re.append('\\');
          re.append(next);
        }
        case '/' -> re.append('/');
        case '[' -> {
          re.append("[[^/]&&[");
          if (i < g.length() && g.charAt(i) == '^') {
            re.append("\\^");
            i++;
          } else {
            if (i < g.length() && g.charAt(i) == '!') {
              re.append('^');
              i++;
            }
            if (i < g.length() && g.charAt(i) == '-') {
              re.append('-');
              i++;
            }
          }
          // as the JDK's glob: a '-' after a member starts a range whose end is the next character
          boolean range = false;
          char last = 0;
          boolean closed = false;
          while (i < g.length()) {
            c = g.charAt(i++);
            if (c == ']') {
              closed = true;
              break;
            }
            if (c == '/') throw new IllegalArgumentException("'/' inside a [set] in '" + g + "'");
            if (c == '\\' || c == '[' || (c == '&' && i < g.length() && g.charAt(i) == '&')) re.append('\\');
            re.append(c);
            if (c == '-') {
              if (!range || i >= g.length() || g.charAt(i) < last) throw new IllegalArgumentException("bad range in '" + g + "'");
              char to = g.charAt(i++);
              if (to == '\\' || to == '[') re.append('\\');
              re.append(to);
              range = false;
            } else {
              range = true;
              last = c;
            }
          }
          if (!closed) throw new IllegalArgumentException("unclosed [ in '" + g + "'");
          re.append("]]");
        }
        case '{' -> {
          if (inGroup) throw new IllegalArgumentException("nested { in '" + g + "'");
          re.append("(?:(?:");
          inGroup = true;
        }
        case '}' -> {
          if (inGroup) {
            re.append("))");
            inGroup = false;
          } else {
            re.append('}');
          }
        }
        case ',' -> re.append(inGroup ? ")|(?:" : ",");
        case '*' -> {
          if (i < g.length() && g.charAt(i) == '*') {
            re.append(".*");
            i++;
          } else {
            re.append("[^/]*");
          }
        }
        case '?' -> re.append("[^/]");
        default -> {
          if (isRegexMeta(c)) re.append('\\');
          re.append(c);
        }
      }
    }
    if (inGroup) throw new IllegalArgumentException("unclosed { in '" + g + "'");
    return re.append('$').toString();
  }
}
