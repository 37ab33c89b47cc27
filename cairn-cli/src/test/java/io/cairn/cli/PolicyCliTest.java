package io.cairn.cli;

import static org.assertj.core.api.Assertions.assertThat;

import io.cairn.policy.Policy;
import java.io.StringReader;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The policy commands and 'capture' through the real CLI, as cron runs it. */
class PolicyCliTest {
  @TempDir Path tmp;

  /** The complete example of docs/configuration.md, as the page shows it. */
  static String documentedExample() throws Exception {
    String page = Files.readString(Path.of("../docs/configuration.md"));
    int at = page.indexOf("### A complete policy");
    int start = page.indexOf("```yaml\n", at) + "```yaml\n".length();
    return page.substring(start, page.indexOf("```", start));
  }

  @Test
  void documentedExample_isValidWithoutWarnings_andPolicyCheckSaysSo() throws Exception {
    String yaml = documentedExample();
    Policy p = Policy.read(new StringReader(yaml), "configuration.md");
    assertThat(p.warnings()).isEmpty();
    assertThat(p.assets()).hasSize(6);
    Path f = Files.writeString(tmp.resolve("cairn.yaml"), yaml);
    Cli.Run r = Cli.bare("policy", "check", "--config", f.toString(), "--catalog", "off");
    assertThat(r.code()).as(r.err()).isZero();
    assertThat(r.out()).contains(": 3 repositories, 5 classes, 6 assets, 1 groups: valid");
    Cli.Run show = Cli.bare("policy", "show", "uploads", "--config", f.toString(), "--catalog", "off");
    assertThat(show.out()).containsPattern("rpo +5m +asset override").containsPattern("rto +30m +class critical \\(.*cairn.yaml:\\d+:\\d+\\)")
        .containsPattern("prune +daily +built-in class critical");
  }

  @Test
  void policyCheck_invalidFile_exits78WithEveryProblemAtItsLineAndColumn() throws Exception {
    Path f = Files.writeString(tmp.resolve("cairn.yaml"), """
        assets:
          db: { class: gold, source: { type: postgress } }
        groups:
          g: { members: [db, nothere] }
        """);
    Cli.Run r = Cli.bare("policy", "check", "--config", f.toString(), "--catalog", "off");
    assertThat(r.code()).isEqualTo(78);
    assertThat(r.err()).contains("3 problems in the policy")
        .contains(f + ":2:16: asset 'db' names class 'gold', which is not defined")
        .contains(f + ":2:38: unknown source type 'postgress'")
        .contains(f + ":4:22: group 'g' lists asset 'nothere', which is not defined under assets")
        .doesNotContain("Exception");
  }

  @Test
  void noPolicy_saysWhereItLooked() {
    Cli.Run r = Cli.bare("policy", "check", "--config", tmp.resolve("missing.yaml").toString(), "--catalog", "off");
    assertThat(r.code()).isEqualTo(78);
    assertThat(r.err()).contains("policy file " + tmp.resolve("missing.yaml") + " does not exist");
  }

  @Test
  void capture_inABareEnvironment_recordsTheAssetItsConsistencyAndHooks_andAbortingHookExits18() throws Exception {
    Cli cli = new Cli(tmp);
    assertThat(cli.init().code()).isZero();
    Path data = Files.createDirectories(tmp.resolve("data"));
    Files.writeString(data.resolve("a.txt"), "a");
    Path f = Files.writeString(tmp.resolve("cairn.yaml"), """
        repositories:
          main: { location: %s, password: "file:%s" }
        assets:
          docs:
            class: critical
            source: { type: files, paths: [%s] }
            hooks: { before: { run: "test -n \\"$CAIRN_POINT\\"", timeout: 10s } }
          stuck:
            source: { type: files, paths: [%s] }
            hooks: { before: { run: "exit 1", on-failure: abort } }
        """.formatted(cli.repo, cli.passwordFile, data, data));
    List<String> cmd = new ArrayList<>(List.of("env", "-i"));
    cmd.addAll(Cli.javaCommand("capture", "docs", "--config", f.toString(), "--catalog", "off", "--json"));
    Process p = new ProcessBuilder(cmd).redirectErrorStream(false).start();
    p.getOutputStream().close();
    String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
    String err = new String(p.getErrorStream().readAllBytes(), StandardCharsets.UTF_8);
    assertThat(p.waitFor(120, TimeUnit.SECONDS)).isTrue();
    assertThat(p.exitValue()).as(err).isZero();
    assertThat(out).contains("\"consistency\" : \"application\"").contains("\"asset\" : \"docs\"");
    Cli.Run snaps = cli.run("snapshots", "--json");
    assertThat(snaps.json().get(0).get("asset").asText()).isEqualTo("docs");
    assertThat(snaps.json().get(0).get("hooks").get(0).get("outcome").asText()).isEqualTo("ok");

    Cli.Run stuck = Cli.bare("capture", "stuck", "--config", f.toString(), "--catalog", "off");
    assertThat(stuck.code()).isEqualTo(18);
    assertThat(stuck.err()).contains("cairn: before hook 'exit' of asset stuck exited with 1 (on-failure: abort): nothing was captured");
    assertThat(cli.run("snapshots", "--json").json()).hasSize(1);
  }

  @Test
  void runDue_twoProcessesAtOnce_oneCapturesAndTheOtherDoesNothing() throws Exception {
    Cli cli = new Cli(tmp);
    assertThat(cli.init().code()).isZero();
    Path f = Files.writeString(tmp.resolve("cairn.yaml"), """
        repositories:
          main: { location: %s, password: "file:%s" }
        classes:
          quick: { rpo: 1h, retention: { keep-last: 5 }, verify: never, prune: never }
        assets:
          slow: { class: quick, source: { type: command, command: "sleep 3; echo data", filename: slow.bin, consistent: true } }
        """.formatted(cli.repo, cli.passwordFile));
    List<Process> runners = new ArrayList<>();
    for (int i = 0; i < 2; i++) {
      List<String> cmd = new ArrayList<>(List.of("env", "-i", "XDG_STATE_HOME=" + tmp.resolve("state")));
      cmd.addAll(Cli.javaCommand("run", "--due", "--config", f.toString(), "--catalog", "off", "--json"));
      runners.add(new ProcessBuilder(cmd).redirectErrorStream(true).start());
      Thread.sleep(1000); // the second starts while the first captures
    }
    List<String> outs = new ArrayList<>();
    for (Process p : runners) {
      p.getOutputStream().close();
      outs.add(new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8));
      assertThat(p.waitFor(120, TimeUnit.SECONDS)).isTrue();
      assertThat(p.exitValue()).as(outs.get(outs.size() - 1)).isZero();
    }
    assertThat(outs.get(0)).contains("\"kind\" : \"capture\"");
    assertThat(outs.get(1)).contains("another 'cairn run --due' of this policy is running");
    assertThat(cli.run("snapshots", "--json").json()).hasSize(1);
  }
}
