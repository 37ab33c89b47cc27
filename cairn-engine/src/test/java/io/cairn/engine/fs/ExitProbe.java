package io.cairn.engine.fs;

import java.time.Duration;
import java.util.List;
import java.util.Map;

/** Starts a command that hangs, prints its pid, and exits the JVM without closing it (as Ctrl-C would). */
public final class ExitProbe {
  private ExitProbe() {}

  public static void main(String[] args) throws Exception {
    Processes.Running r = Processes.start(List.of("sh", "-c", "sleep 300 & echo $!; wait"), Map.of(), Duration.ofMinutes(10));
    byte[] line = new byte[32];
    int n = r.stdout().read(line);
    System.out.print(new String(line, 0, n));
    System.out.flush();
    System.exit(0);
  }
}
