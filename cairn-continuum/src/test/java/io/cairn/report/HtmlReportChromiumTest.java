package io.cairn.report;

import static org.assertj.core.api.Assertions.assertThat;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import io.cairn.engine.fs.Processes;
import io.cairn.engine.snapshot.Consistency;
import io.cairn.policy.Policy;
import java.io.StringReader;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Optional;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The HTML report opens in a real browser (headless Chromium) and shows what the report says. */
class HtmlReportChromiumTest {
  @TempDir Path tmp;

  static Optional<Path> chromium() {
    return Processes.find("chromium").or(() -> Processes.find("chromium-browser")).or(() -> Processes.find("google-chrome"));
  }

  @Test
  void htmlReport_rendersInHeadlessChromium_withColoursChartsAndGaps() throws Exception {
    // CI installs Debian's chromium; elsewhere the test says why it did not run
    assumeTrue(chromium().isPresent() || System.getenv("CI") != null, "chromium is not installed (apt-get install -y chromium)");
    Policy policy = Policy.read(new StringReader("""
        assets:
          db: { class: critical, source: { type: sqlite, path: /srv/db.sqlite }, rpo: 1h, rto: 10m }
          site: { class: standard, source: { type: files, paths: [/srv/site] } }
        """), "cairn.yaml");
    Instant t0 = Instant.parse("2026-12-01T00:00:00Z");
    Ledger l = new Ledger();
    for (int i = 0; i < 5; i++) {
      Instant t = t0.plus(Duration.ofMinutes(20L * i));
      l.point(new Ledger.Point("db", false, "p" + i, t, Consistency.APPLICATION, true, "main", List.of()));
      l.recovery(ComplianceTest.drill("p" + i, t.plusSeconds(60), 2000, 6000 + 1000L * i, true));
    }
    Compliance.Report report = Compliance.assess(policy, l, t0.plus(Duration.ofMinutes(95)));
    String html = Html.render(report, Gaps.find(policy, l, report));
    assertThat(html).as("self-contained").doesNotContainPattern("(src|href)=\"?(https?:)?//").doesNotContain("<script");
    Path file = tmp.resolve("report.html");
    Files.writeString(file, html);

    Processes.Result r = Processes.run(List.of(chromium().orElseThrow().toString(), "--headless", "--no-sandbox", "--disable-gpu",
        "--no-first-run", "--user-data-dir=" + tmp.resolve("profile"), "--dump-dom", file.toUri().toString()), Duration.ofSeconds(90));

    String dom = r.stdout();
    assertThat(dom).as(r.stderr()).contains("<title>Cairn compliance report</title>");
    assertThat(dom).contains("id=\"overall\">RED<", "id=\"entry-db\"", "id=\"entry-site\"");
    assertThat(dom).contains("class=\"rpo-chart\"", "<polyline", "class=\"phase-provision\"", "class=\"phase-hydrate\"");
    assertThat(dom).contains("rpo-breached").contains("capture it ('cairn capture site'");
    // and it paints: a screenshot of a page with content is not blank
    Path png = tmp.resolve("report.png");
    Processes.run(List.of(chromium().orElseThrow().toString(), "--headless", "--no-sandbox", "--disable-gpu", "--no-first-run",
        "--user-data-dir=" + tmp.resolve("profile"), "--window-size=1200,1600", "--screenshot=" + png, file.toUri().toString()), Duration.ofSeconds(90));
    assertThat(png).exists();
    assertThat(Files.size(png)).isGreaterThan(20_000);
  }
}
