package io.cairn.cli;

import io.cairn.engine.CairnException;
import io.cairn.engine.ErrorCode;
import io.cairn.service.CopyService;
import io.cairn.service.Workspace;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.List;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;

@Command(name = "copy", description = {"Copy points to another repository, verified.",
    "",
    "Push (run beside the primary): cairn copy --repo primary --to offsite. Pull (run on the isolated side, with read-only access"
        + " to the primary, which then holds no credentials for the copy): cairn copy --repo offsite --from primary.",
    "",
    "Copies the points asked for (snapshots, an asset's points, a group's group points whole; all points when none is named)"
        + " that the destination has no verified copy of, and of them only the blobs it lacks. Everything written is read back"
        + " from the destination and verified against its id before the snapshots are written; then a copy record (the evidence)"
        + " is stored in the destination, passed or failed, and the catalog learns where each point now lives.",
    "",
    "Between repositories made for each other (init --from-repo) blobs and snapshots keep their ids; between unrelated ones every"
        + " blob is read and identified again, which is slower.",
    "",
    "Exit codes: 0 copied and verified (or nothing to copy), 14 a blob could not be read from the source or did not read back"
        + " (nothing recorded as copied), 17 no such point; see 'cairn --help' for the others."})
final class CopyCommand extends BaseCommand {
  @Parameters(paramLabel = "SNAPSHOT", arity = "0..*", description = "Snapshot ids, prefixes or 'latest' in the source.")
  List<String> snapshots = List.of();

  @Option(names = "--to", paramLabel = "REPO", description = "Push: copy from --repo to REPO (a location or a repository of the policy).")
  String to;

  @Option(names = "--from", paramLabel = "REPO", description = "Pull: copy from REPO into --repo.")
  String from;

  @Option(names = "--to-password-file", paramLabel = "FILE", description = "--to's password, from FILE (default: its reference in the"
      + " policy, else $CAIRN_TO_PASSWORD_FILE, else $CAIRN_TO_PASSWORD, else a prompt on a terminal).")
  Path toPasswordFile;

  @Option(names = "--from-password-file", paramLabel = "FILE", description = "--from's password, from FILE (default: its reference in"
      + " the policy, else $CAIRN_FROM_PASSWORD_FILE, else $CAIRN_FROM_PASSWORD, else a prompt on a terminal).")
  Path fromPasswordFile;

  @Option(names = "--asset", paramLabel = "ASSET", description = "Copy every point of this asset.")
  String asset;

  @Option(names = "--group", paramLabel = "GROUP", description = "Copy every group point of this group, whole.")
  String group;

  @Option(names = {"-n", "--dry-run"}, description = "Show the points that would be copied; write nothing.")
  boolean dryRun;

  @Override
  public Integer call() throws Exception {
    if ((to == null) == (from == null)) throw new CairnException(ErrorCode.USAGE, "give --to REPO (push) or --from REPO (pull)");
    String here = global.repo();
    String other = global.otherRepository(to != null ? to : from);
    String source = to != null ? here : other;
    String destination = to != null ? other : here;
    char[] otherPw = to != null
        ? global.otherPassword(other, toPasswordFile, "--to-password-file", "CAIRN_TO_PASSWORD_FILE", "CAIRN_TO_PASSWORD")
        : global.otherPassword(other, fromPasswordFile, "--from-password-file", "CAIRN_FROM_PASSWORD_FILE", "CAIRN_FROM_PASSWORD");
    try {
      Workspace ws = workspace().withSecrets(loc -> loc.equals(other) ? otherPw.clone() : global.passwordFor(loc));
      CopyService.Request req = new CopyService.Request(source, destination, snapshots, asset, group, dryRun, null);
      CopyService.Outcome r = new CopyService(ws).run(req, listener((p, t0) -> String.format("%d blobs copied, %s, %s", p.itemsDone(),
          bytes(p.bytesDone()), ProgressLine.rate(p.bytesDone(), t0))));
      if (global.json) {
        printJson(r);
        return 0;
      }
      if (r.dryRun()) {
        say("would copy %d point(s) from %s to %s%s", r.points().size(), r.source(), r.destination(),
            r.sameIds() ? "" : " (unrelated repositories: every blob is read again)");
        for (CopyService.PointCopied p : r.points()) say("  %s  %s  %s", p.sourceSnapshot().substring(0, 8), p.time(), p.asset() == null ? "" : p.asset());
      } else {
        for (CopyService.PointCopied p : r.points()) {
          say("copied %s -> %s  %s%s", p.sourceSnapshot().substring(0, 8), p.snapshot().substring(0, 8), p.asset() == null ? "" : p.asset(),
              p.existed() ? " (was there; now verified)" : "");
        }
        say("%d point(s) copied to %s: %d blobs (%s) written, %d already there; %d blobs read back and verified; record %s, in %s",
            r.points().size(), r.destination(), r.blobsWritten(), bytes(r.bytesWritten()), r.blobsPresent(), r.blobsVerified(),
            r.record() == null ? "-" : r.record().substring(0, 8), seconds(r.durationMillis()));
      }
      if (!r.skipped().isEmpty()) say("%d point(s) skipped: %s already holds a verified copy", r.skipped().size(), r.destination());
      return 0;
    } finally {
      Arrays.fill(otherPw, '\0');
    }
  }
}
