package io.cairn.cli;

import io.cairn.policy.Policy;
import io.cairn.policy.Problem;
import io.cairn.service.PolicyService;
import java.util.List;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Parameters;

@Command(name = "policy", description = {"Check the policy (cairn.yaml) and show what applies to each asset and group.",
    "",
    "The policy is found with --config, else $CAIRN_CONFIG, else ./cairn.yaml, else $XDG_CONFIG_HOME/cairn/cairn.yaml."
        + " docs/configuration.md describes every key, with a complete example."},
    subcommands = {PolicyCommand.Check.class, PolicyCommand.Show.class})
final class PolicyCommand implements Runnable {
  @picocli.CommandLine.Spec picocli.CommandLine.Model.CommandSpec spec;

  @Override
  public void run() {
    spec.commandLine().usage(spec.commandLine().getOut());
  }

  @Command(name = "check", description = {"Validate the policy: every problem with its line and column (exit code 78), warnings with their numbers."})
  static final class Check extends BaseCommand {
    @Override
    public Integer call() {
      Policy p = global.policy();
      PolicyService.CheckOutcome o = PolicyService.check(workspace(), p, global.repoOrNull(), System.getenv());
      if (global.json) {
        printJson(o);
      } else {
        for (Problem w : o.warnings()) err().println("cairn: warning: " + w);
        for (String w : o.history()) err().println("cairn: warning: " + w);
        say("%s: %d repositories, %d classes, %d assets, %d groups: valid%s", o.file(), o.repositories(), o.classes(), o.assets(),
            o.groups(), o.warnings().size() + o.history().size() == 0 ? "" : " (" + (o.warnings().size() + o.history().size()) + " warning(s))");
      }
      return 0;
    }
  }

  @Command(name = "show", description = {"The effective policy of every asset and group (or of the one named), each setting with where it came from:"
      + " a built-in class, a class in the file, or the asset's override."})
  static final class Show extends BaseCommand {
    @Parameters(paramLabel = "ASSET|GROUP", arity = "0..1", description = "An asset or a group (default: all).")
    String name;

    @Override
    public Integer call() {
      List<PolicyService.Shown> shown = PolicyService.show(global.policy(), name);
      if (global.json) {
        printJson(shown);
        return 0;
      }
      for (PolicyService.Shown s : shown) {
        say("%s %s (class %s)", s.kind(), s.name(), s.className());
        if (s.source() != null) say("  source       %s, into repository %s", s.source(), s.repository());
        if (!s.groups().isEmpty()) say("  groups       %s", String.join(", ", s.groups()));
        if (!s.members().isEmpty()) say("  members      %s", String.join(", ", s.members()));
        for (PolicyService.Setting x : s.settings()) say("  %-12s %-40s %s", x.name(), x.value(), x.origin());
        for (String h : s.hooks()) say("  hook         %s", h);
        for (String c : s.checks()) say("  check        %s", c);
      }
      return 0;
    }
  }
}
