package io.cairn.service;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.cairn.engine.CairnException;
import io.cairn.engine.ErrorCode;
import io.cairn.engine.retention.Span;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneId;
import java.util.List;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.constraints.IntRange;
import org.junit.jupiter.api.Test;

class TimesTest {
  @Property
  void duration_writtenInUnits_readsBackExactly(@ForAll @IntRange(max = 9) int w, @ForAll @IntRange(max = 400) int d,
      @ForAll @IntRange(max = 100) int h, @ForAll @IntRange(max = 5000) int m, @ForAll @IntRange(max = 100000) int s) {
    StringBuilder text = new StringBuilder();
    if (w > 0) text.append(w).append('w');
    if (d > 0) text.append(d).append('d');
    if (h > 0) text.append(h).append('h');
    if (m > 0) text.append(m).append('m');
    if (s > 0 || text.isEmpty()) text.append(s).append('s');
    Duration expected = Duration.ofDays(7L * w + d).plusHours(h).plusMinutes(m).plusSeconds(s);
    assertThat(Times.duration(text.toString(), "--x")).isEqualTo(expected);
    assertThat(Times.duration(expected.toString(), "--x")).as("ISO-8601").isEqualTo(expected);
  }

  @Test
  void duration_refusesWhatItDoesNotKnow_namingTheFlagAndTheForms() {
    for (String bad : List.of("", "10", "5y", "-PT1M", "1h-5m", "h", "PT")) {
      assertThatThrownBy(() -> Times.duration(bad, "--max-wait")).as("'%s'", bad).isInstanceOf(CairnException.class)
          .hasMessageContaining("--max-wait").hasMessageContaining("15m")
          .satisfies(e -> assertThat(((CairnException) e).code()).isEqualTo(ErrorCode.USAGE));
    }
  }

  @Test
  void instant_readsInstantsLocalTimesAndDates() {
    ZoneId berlin = ZoneId.of("Europe/Berlin");
    assertThat(Times.instant("2026-12-31T17:00:00Z", "--since", berlin)).isEqualTo(Instant.parse("2026-12-31T17:00:00Z"));
    assertThat(Times.instant("2026-12-31T18:00", "--since", berlin)).isEqualTo(Instant.parse("2026-12-31T17:00:00Z"));
    assertThat(Times.instant("2026-12-31 18:00", "--since", berlin)).isEqualTo(Instant.parse("2026-12-31T17:00:00Z"));
    assertThat(Times.instant("2026-12-31", "--since", berlin)).isEqualTo(Instant.parse("2026-12-30T23:00:00Z"));
    assertThatThrownBy(() -> Times.instant("yesterday", "--since", berlin)).hasMessageContaining("--since").hasMessageContaining("yesterday");
  }

  @Test
  void span_andZone_areReadOrRefusedAsUsageErrors() {
    assertThat(Times.span("2y5m7d3h", "--keep-within")).isEqualTo(new Span(2, 5, 7, 3));
    assertThatThrownBy(() -> Times.span("5x", "--keep-within")).hasMessageStartingWith("--keep-within: ");
    assertThat(Times.zone("UTC", "--timezone")).isEqualTo(ZoneId.of("UTC"));
    assertThatThrownBy(() -> Times.zone("Mars/Olympus", "--timezone")).hasMessageContaining("Mars/Olympus");
  }
}
