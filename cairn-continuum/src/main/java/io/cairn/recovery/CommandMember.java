package io.cairn.recovery;

import io.cairn.engine.fs.Processes;
import io.cairn.engine.tree.Node;
import io.cairn.policy.Source;
import java.io.BufferedOutputStream;
import java.io.IOException;
import java.io.OutputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

/**
 * A command asset: its stream fed to the source's {@code restore} command on standard input (which
 * sees where to restore in {@code CAIRN_FOLDER}), or, without one, written as its file into the folder.
 */
final class CommandMember extends Member {
  CommandMember(String asset, Source source, Hydration h, Context ctx, Path folder, String target) {
    super(asset, source, h, ctx, folder, target);
  }

  @Override
  String type() {
    return "command";
  }

  private String restore() {
    return source instanceof Source.Command c ? c.restore() : null;
  }

  private Path dir() {
    return target != null ? Path.of(target).toAbsolutePath() : folder;
  }

  @Override
  String writes() {
    String r = restore();
    return r != null ? "the stream into its restore command (" + Processes.programOf(r) + ")"
        : "the stream as a file in " + (target != null ? target : "the sandbox");
  }

  @Override
  Place provision() throws IOException {
    Path d = dir();
    if (target != null && restore() == null) refuseNonEmpty(d);
    Files.createDirectories(d);
    return new Place(asset, type(), target == null, null, null, d.toString(), d.resolve(streamNamed(null).displayName()).toString(), null,
        List.of(), "cd " + d);
  }

  @Override
  void recover(Provisioned place, Phases phases) throws IOException {
    Place p = place.get();
    Node stream = streamNamed(null);
    Phases.Timed h = phases.start("hydrate", asset);
    String r = restore();
    if (r == null) {
      try (OutputStream out = new BufferedOutputStream(Files.newOutputStream(Path.of(p.path())), 1 << 20)) {
        hydration.stream(stream, out);
        h.ok(null);
      } catch (IOException | RuntimeException e) {
        h.failed(e.getMessage());
        throw e;
      }
      phases.start("reconcile", asset).ok("no restore command: the stream is the file " + stream.displayName());
      return;
    }
    Phases.Timed rec = phases.start("reconcile", asset);
    Map<String, String> env = new HashMap<>(ctx.env());
    env.put("CAIRN_ASSET", asset);
    env.put("CAIRN_FOLDER", p.folder());
    env.put("CAIRN_SANDBOX", p.sandbox() ? "1" : "0");
    env.put("CAIRN_POINT", hydration.snapshot().id().toString());
    Duration timeout = source instanceof Source.Command c ? c.timeout() : ctx.toolTimeout();
    try {
      feed(List.of("/bin/sh", "-c", r), env, stream, "restore command " + Processes.programOf(r), timeout);
      h.ok("streamed into the restore command");
      rec.ok(null);
    } catch (IOException | RuntimeException e) {
      h.failed(e.getMessage());
      rec.failed(e.getMessage());
      throw e;
    }
  }

}
