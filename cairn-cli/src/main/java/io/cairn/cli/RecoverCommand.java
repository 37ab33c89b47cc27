package io.cairn.cli;

import io.cairn.engine.CairnException;
import io.cairn.engine.ErrorCode;
import io.cairn.engine.evidence.RecoveryRecord;
import io.cairn.recovery.Place;
import io.cairn.recovery.Recoverer;
import io.cairn.recovery.RecoveryPlan;
import io.cairn.recovery.Selection;
import io.cairn.service.RecoverService;
import io.cairn.service.Times;
import java.nio.file.Path;
import java.time.Instant;
import java.time.ZoneId;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;

@Command(name = "recover", description = {"Recover an asset or a consistency group of the policy: choose the point, provision, hydrate,"
    + " reconcile, validate with the policy's checks, cut over or tear down; every phase timed and recorded as evidence.",
    "",
    "The point: the newest (default), the newest at or before --as-of TIME, the newest tagged --tag T, or --point ID. A group is"
        + " recovered from one complete group point, its members in the group's restore order (independent members in parallel).",
    "Where: --sandbox (a folder, a fresh PostgreSQL or MariaDB server on a free loopback port, a SQLite file; removed at the end"
        + " unless --keep), or --to TARGET (a folder, a SQLite file, a database server as HOST:PORT; for a group, --to MEMBER=TARGET"
        + " per member). A target that is not empty is refused unless --replace.",
    "--dry-run prints the plan (points, steps, what each reads and writes, an estimate) and changes nothing.",
    "Exit codes: 0 recovered and every check passed; 19 a check failed; 14 a point's data is damaged; 15 a target is in the way or a"
        + " port is taken; 16 a server or tool failed or is missing; 17 no point matches."})
final class RecoverCommand extends BaseCommand {
  @Parameters(paramLabel = "ASSET|GROUP", description = "What to recover.")
  String subject;

  @Option(names = "--as-of", paramLabel = "TIME", description = "The newest point at or before TIME (2026-12-04T14:05, or an instant ending in Z).")
  String asOf;

  @Option(names = "--tag", paramLabel = "TAG", description = "The newest point tagged TAG.")
  String tag;

  @Option(names = "--point", paramLabel = "ID", description = "This point (a snapshot id, or a group point's id; a unique prefix will do).")
  String point;

  @Option(names = "--sandbox", description = "Recover into a sandbox (the default when no --to is given).")
  boolean sandbox;

  @Option(names = "--to", paramLabel = "TARGET", description = "Recover to TARGET (for a group: MEMBER=TARGET, repeatable).")
  List<String> to = new ArrayList<>();

  @Option(names = "--replace", description = "Overwrite a target that is not empty (drops a database that exists).")
  boolean replace;

  @Option(names = "--cutover", description = "After the checks pass, run the cutover hooks (with --to only).")
  boolean cutover;

  @Option(names = "--keep", description = "Leave the sandbox running and say how to connect ('cairn sandbox rm ID' removes it).")
  boolean keep;

  @Option(names = "--port", paramLabel = "PORT", description = "The sandbox server's port (default: a free one).")
  Integer port;

  @Option(names = "--dry-run", description = "Print the plan; change nothing.")
  boolean dryRun;

  @Option(names = "--sandbox-dir", paramLabel = "DIR", description = "Where sandboxes live (default: $CAIRN_SANDBOX_DIR, else /var/tmp/cairn-sandboxes-USER).")
  Path sandboxDir;

  @Override
  public Integer call() throws Exception {
    if (sandbox && !to.isEmpty()) throw new CairnException(ErrorCode.USAGE, "--sandbox and --to exclude each other: recover into one place");
    Selection sel = selection(asOf, tag, point, Selection.Pick.LATEST);
    boolean box = to.isEmpty();
    Map<String, String> targets = new LinkedHashMap<>();
    for (String t : to) {
      int eq = t.indexOf('=');
      if (eq > 0 && !t.substring(0, eq).contains("/")) targets.put(t.substring(0, eq), t.substring(eq + 1));
      else targets.put(subject, t);
    }
    if (!box && targets.containsKey(subject) && global.policy().groups().containsKey(subject)) {
      throw new CairnException(ErrorCode.USAGE, subject + " is a group: name each member's target as --to MEMBER=TARGET");
    }
    RecoverService.Outcome o = new RecoverService(workspace()).run(new RecoverService.Request(global.policy(), subject, sel, dryRun,
        new Recoverer.Options("recover", box, targets, replace, keep, cutover, port, null), global.repoOrNull(), System.getenv(), null,
        sandboxDir, null, global.repoFlag()), listener((p, t0) -> String.format("%s, %s", bytes(p.bytesDone()), ProgressLine.rate(p.bytesDone(), t0))));
    return render(this, o);
  }

  static Selection selection(String asOf, String tag, String point, Selection.Pick pick) {
    try {
      Instant when = asOf == null ? null : Times.instant(asOf, "--as-of", ZoneId.systemDefault());
      return new Selection(when, tag, point, pick);
    } catch (IllegalArgumentException e) {
      throw new CairnException(ErrorCode.USAGE, e.getMessage());
    }
  }

  /** Prints a recovery's or drill's plan and outcome, and returns its exit code. */
  static int render(BaseCommand c, RecoverService.Outcome o) {
    if (c.global.json) {
      c.printJson(o);
      if (!o.ok()) c.err().println("cairn: " + o.error());
      return o.exitCode();
    }
    RecoveryPlan p = o.plan();
    c.say("%s %s %s from %s: %s%s", o.dryRun() ? "plan:" : o.kind(), p.kind(), p.subject(), p.repository(),
        p.groupPoint() == null ? "point" : "group point " + p.groupPoint().substring(0, 8) + ",", p.groupPoint() == null ? "" : " at " + p.time());
    for (String n : p.notes()) c.say("  note: %s", n);
    int level = 1;
    for (List<String> l : p.levels()) {
      for (String a : l) {
        RecoveryPlan.Step s = p.steps().stream().filter(x -> x.asset().equals(a)).findFirst().orElseThrow();
        c.say("  %d. %-14s %-8s point %s at %s (%s)%s", level, s.asset(), s.type(), s.snapshot().substring(0, 8), s.time(),
            s.consistency() == null ? "-" : s.consistency(), s.after().isEmpty() ? "" : ", after " + String.join(", ", s.after()));
        c.say("       reads  %s", s.reads());
        c.say("       writes %s", s.writes());
      }
      level++;
    }
    c.say("  estimate: %s (%s/s, %s)", seconds(p.estimateMillis()), bytes(p.throughput()), p.throughputFrom());
    if (o.dryRun()) {
      c.say("dry run: nothing was changed");
      return 0;
    }
    RecoveryRecord r = o.evidence();
    for (RecoveryRecord.Phase ph : r.phases()) {
      c.say("  %-10s %-14s %8s %s%s", ph.name(), ph.asset() == null ? "" : ph.asset(), seconds(ph.millis()), ph.ok() ? "ok" : "FAILED",
          ph.detail() == null ? "" : ": " + ph.detail());
    }
    for (RecoveryRecord.CheckRun ch : r.checks()) {
      c.say("  check %-7s %-14s %s: %s (%s)", ch.kind(), ch.owner(), ch.ok() ? "passed" : "FAILED", ch.name(), ch.output());
    }
    c.say("%s %s: %s in %s%s", o.kind(), r.outcome().toUpperCase(java.util.Locale.ROOT), r.subject(), seconds(r.duration().toMillis()),
        o.evidenceId() == null ? "" : " (evidence " + o.evidenceId().substring(0, 8) + ")");
    if (o.kept() != null) {
      c.say("sandbox %s kept; remove it with: cairn sandbox rm %s", o.kept().id(), o.kept().id());
      for (Place pl : o.places()) c.say("  %s: %s", pl.asset(), pl.connect());
    }
    if (!o.ok()) c.err().println("cairn: " + o.error());
    return o.exitCode();
  }
}
