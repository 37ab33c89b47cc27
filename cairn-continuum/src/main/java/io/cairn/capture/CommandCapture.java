package io.cairn.capture;

import io.cairn.engine.backup.Backup;
import io.cairn.engine.backup.Finisher;
import io.cairn.engine.backup.StreamCapture;
import io.cairn.engine.snapshot.Consistency;
import io.cairn.policy.Source;
import java.io.IOException;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * Any command's standard output ({@code sh -c COMMAND}) as the file {@code /FILENAME}; no snapshot
 * unless it exits with 0. Its command line is not recorded (it may hold a secret), its program's name is.
 */
final class CommandCapture implements Capture {
  private final Source.Command source;

  CommandCapture(Source.Command source) {
    this.source = source;
  }

  @Override
  public Backup.Result run(Opening repo, Context ctx, Finisher finisher) throws IOException {
    String program = io.cairn.engine.fs.Processes.programOf(source.command());
    try (LazyProcess p = new LazyProcess(List.of("/bin/sh", "-c", source.command()), Map.of(), source.timeout(), "command " + program)) {
      Map<String, String> facts = new LinkedHashMap<>();
      facts.put("type", "command");
      facts.put("program", program);
      Consistency c = source.consistent() ? Consistency.APPLICATION : Consistency.CRASH;
      String reason = source.consistent() ? "the command exports a self-consistent copy (consistent: true in the policy)"
          : "a command's output, not declared self-consistent";
      p.start(); // its start overlaps the repository's preparation
      return new StreamCapture(repo.get(), ctx.tags(), ctx.host(), ctx.progress())
          .finishWith(s -> finisher.finish(s.toBuilder().source(facts).consistency(c).consistencyReason(reason).build()))
          .run(List.of(new StreamCapture.NamedStream(source.filename(), p, p.ended())), facts);
    }
  }
}
