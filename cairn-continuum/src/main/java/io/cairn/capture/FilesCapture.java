package io.cairn.capture;

import io.cairn.engine.backup.Backup;
import io.cairn.engine.backup.BackupOptions;
import io.cairn.engine.backup.Finisher;
import io.cairn.engine.snapshot.Consistency;
import io.cairn.policy.Source;
import java.io.IOException;
import java.util.LinkedHashMap;
import java.util.Map;

/** Files and folders, read as they are: crash-consistent, unless a hook quiesced their writer (the caller knows). */
final class FilesCapture implements Capture {
  private final Source.Files source;

  FilesCapture(Source.Files source) {
    this.source = source;
  }

  @Override
  public Backup.Result run(Opening repo, Context ctx, Finisher finisher) throws IOException {
    BackupOptions opt = new BackupOptions(source.paths(), ctx.tags(), source.exclude(), source.oneFileSystem(), null, ctx.host(),
        ctx.workers());
    Map<String, String> facts = new LinkedHashMap<>();
    facts.put("type", "files");
    return new Backup(repo.get(), opt, ctx.progress()).finishWith(s -> finisher.finish(s.toBuilder().source(facts)
        .consistency(Consistency.CRASH).consistencyReason("files read as they were, with no quiescing hook").build())).run();
  }
}
