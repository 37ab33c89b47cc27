package io.cairn.engine.fs;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStream;
import java.io.InputStreamReader;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;

class ProcessesTest {
  @Test
  void aCommandThatHangs_isKilledAtItsTimeout_withTheChildrenItStarted() throws Exception {
    // the shell starts a background sleep (which outlives a killed shell unless its group is killed)
    // and prints both pids, then waits
    List<Long> pids = new ArrayList<>();
    long t0 = System.nanoTime();
    try (Processes.Running r = Processes.start(List.of("sh", "-c", "sleep 300 & echo $$; echo $!; wait"), Map.of(),
        Duration.ofSeconds(2))) {
      BufferedReader out = new BufferedReader(new InputStreamReader(r.stdout(), StandardCharsets.UTF_8));
      for (String line; (line = out.readLine()) != null; ) pids.add(Long.parseLong(line.strip()));
      assertThatThrownBy(r::waitFor).isInstanceOf(IOException.class).hasMessageContaining("sh did not finish within 2 s");
    }
    assertThat(System.nanoTime() - t0).as("stopped at the timeout, not after the sleep").isLessThan(TimeUnit.SECONDS.toNanos(30));
    assertThat(pids).hasSize(2);
    for (long pid : pids) {
      long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(10);
      while (ProcessHandle.of(pid).map(ProcessHandle::isAlive).orElse(false) && System.nanoTime() < deadline) Thread.sleep(20);
      assertThat(ProcessHandle.of(pid).map(ProcessHandle::isAlive).orElse(false)).as("process %d left behind", pid).isFalse();
    }
  }

  @Test
  void theJvmExitingWhileACommandRuns_killsItsGroup() throws Exception {
    String java = ProcessHandle.current().info().command().orElse("java");
    Process jvm = new ProcessBuilder(java, "-cp", System.getProperty("java.class.path"), ExitProbe.class.getName())
        .redirectErrorStream(true).start();
    String out = new String(jvm.getInputStream().readAllBytes(), StandardCharsets.UTF_8).strip();
    assertThat(jvm.waitFor(60, TimeUnit.SECONDS)).isTrue();
    long pid = Long.parseLong(out.lines().reduce((a, b) -> b).orElseThrow().strip());
    long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(10);
    while (ProcessHandle.of(pid).map(ProcessHandle::isAlive).orElse(false) && System.nanoTime() < deadline) Thread.sleep(20);
    assertThat(ProcessHandle.of(pid).map(ProcessHandle::isAlive).orElse(false)).as("the sleep %d outlived the JVM", pid).isFalse();
  }

  @Test
  void aCommandThatExitsLeavingAChildHoldingItsOutput_endsAtTheDeadline_andTheChildIsKilled() throws Exception {
    List<Long> pids = new ArrayList<>();
    try (Processes.Running r = Processes.start(List.of("sh", "-c", "sleep 300 & echo $!"), Map.of(), Duration.ofSeconds(2))) {
      BufferedReader out = new BufferedReader(new InputStreamReader(r.stdout(), StandardCharsets.UTF_8));
      for (String line; (line = out.readLine()) != null; ) pids.add(Long.parseLong(line.strip())); // EOF once the child is gone
      assertThat(r.waitFor()).isZero();
    }
    assertThat(pids).hasSize(1);
    long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(10);
    while (ProcessHandle.of(pids.get(0)).map(ProcessHandle::isAlive).orElse(false) && System.nanoTime() < deadline) Thread.sleep(20);
    assertThat(ProcessHandle.of(pids.get(0)).map(ProcessHandle::isAlive).orElse(false)).as("background child left behind").isFalse();
  }

  @Test
  void stdout_isStreamed_andStderrKeepsOnlyItsTail() throws Exception {
    try (Processes.Running r = Processes.start(List.of("sh", "-c",
        "head -c 20000000 /dev/zero; i=0; while [ $i -lt 20000 ]; do echo \"line $i\" >&2; i=$((i+1)); done; exit 3"),
        Map.of("CAIRN_TEST", "x"), Duration.ofMinutes(2))) {
      long n = 0;
      byte[] buf = new byte[1 << 16];
      try (InputStream in = r.stdout()) {
        for (int k; (k = in.read(buf)) > 0; ) n += k;
      }
      assertThat(n).isEqualTo(20_000_000);
      assertThat(r.waitFor()).isEqualTo(3);
      assertThat(r.stderr()).startsWith("...").endsWith("line 19999").hasSizeLessThanOrEqualTo(Processes.STDERR_TAIL + 3);
    }
  }

  @Test
  void run_collectsOutput_passesTheEnvironment_andAMissingCommandIsNamed() throws Exception {
    Processes.Result r = Processes.run(List.of("sh", "-c", "echo out; echo err >&2"), Duration.ofSeconds(30));
    assertThat(r.exitCode()).isZero();
    assertThat(r.stdout()).isEqualTo("out\n");
    assertThat(r.stderr()).isEqualTo("err");
    try (Processes.Running e = Processes.start(List.of("sh", "-c", "printf %s \"$CAIRN_ASSET\""), Map.of("CAIRN_ASSET", "orders-db"),
        Duration.ofSeconds(30))) {
      assertThat(new String(e.stdout().readAllBytes(), StandardCharsets.UTF_8)).isEqualTo("orders-db");
      assertThat(e.waitFor()).isZero();
    }
    assertThatThrownBy(() -> Processes.run(List.of("no-such-command-xyz"), Duration.ofSeconds(5)))
        .isInstanceOf(IOException.class).hasMessageContaining("no-such-command-xyz");
  }
}
