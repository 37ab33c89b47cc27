# Shared by ./mvnw, ./cairn and .ci/run: prints the home of a JDK >= 21.
# Order: JAVA_HOME, then `java` on PATH, then /usr/lib/jvm/*, newest first.
cairn_jdk_feature() { # prints the feature version of the JDK at $1, or nothing
  [ -x "$1/bin/java" ] && [ -x "$1/bin/javac" ] || return 0
  # the JDK's release file says it without starting a JVM (0.1 s each, and every command probes)
  local r
  r="$(sed -n 's/^JAVA_VERSION="\([0-9]*\).*/\1/p' "$1/release" 2>/dev/null | head -n1)"
  if [ -n "$r" ]; then echo "$r"; return 0; fi
  "$1/bin/java" -XshowSettings:properties -version 2>&1 \
    | sed -n 's/^ *java\.specification\.version = \([0-9]*\).*/\1/p' | head -n1
}
cairn_find_jdk() {
  local c v candidates=()
  [ -n "${JAVA_HOME:-}" ] && candidates+=("$JAVA_HOME")
  if command -v java >/dev/null 2>&1; then
    candidates+=("$(dirname "$(dirname "$(readlink -f "$(command -v java)")")")")
  fi
  for c in $(ls -d /usr/lib/jvm/*/ 2>/dev/null | sort -rV); do candidates+=("${c%/}"); done
  for c in "${candidates[@]}"; do
    v="$(cairn_jdk_feature "$c")"
    if [ -n "$v" ] && [ "$v" -ge 21 ]; then echo "$c"; return 0; fi
  done
  echo "cairn: no JDK 21 or newer found (looked at JAVA_HOME, java on PATH and /usr/lib/jvm)." >&2
  echo "cairn: install one (for example: apt-get install -y openjdk-21-jdk-headless) or set JAVA_HOME to it." >&2
  return 1
}
