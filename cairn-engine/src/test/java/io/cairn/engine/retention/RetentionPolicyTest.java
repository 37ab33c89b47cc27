package io.cairn.engine.retention;

import static io.cairn.engine.retention.Snaps.policy;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.time.Instant;
import java.time.ZoneId;
import java.time.ZoneOffset;
import java.util.Set;
import org.junit.jupiter.api.Test;

class RetentionPolicyTest {
  @Test
  void counts_belowMinusOne_areRejectedNamingTheFlag() {
    assertThatThrownBy(() -> policy(-2, 0, 0, 0, 0, 0)).isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("--keep-last must be >= -1");
    assertThatThrownBy(() -> policy(0, -5, 0, 0, 0, 0)).hasMessageContaining("--keep-hourly must be >= -1");
    assertThatThrownBy(() -> policy(0, 0, -2, 0, 0, 0)).hasMessageContaining("--keep-daily must be >= -1");
    assertThatThrownBy(() -> policy(0, 0, 0, -2, 0, 0)).hasMessageContaining("--keep-weekly must be >= -1");
    assertThatThrownBy(() -> policy(0, 0, 0, 0, -2, 0)).hasMessageContaining("--keep-monthly must be >= -1");
    assertThatThrownBy(() -> policy(0, 0, 0, 0, 0, Integer.MIN_VALUE)).hasMessageContaining("--keep-yearly must be >= -1");
  }

  @Test
  void isEmpty_onlyWhenNoRuleIsSet() {
    assertThat(policy(0, 0, 0, 0, 0, 0).isEmpty()).isTrue();
    assertThat(new RetentionPolicy(0, 0, 0, 0, 0, 0, null, Set.of()).isEmpty()).isTrue();
    assertThat(policy(-1, 0, 0, 0, 0, 0).isEmpty()).isFalse();
    assertThat(policy(0, 1, 0, 0, 0, 0).isEmpty()).isFalse();
    assertThat(policy(0, 0, 1, 0, 0, 0).isEmpty()).isFalse();
    assertThat(policy(0, 0, 0, 1, 0, 0).isEmpty()).isFalse();
    assertThat(policy(0, 0, 0, 0, 1, 0).isEmpty()).isFalse();
    assertThat(policy(0, 0, 0, 0, 0, -1).isEmpty()).isFalse();
    assertThat(new RetentionPolicy(0, 0, 0, 0, 0, 0, Span.parse("1h"), null).isEmpty()).isFalse();
    assertThat(new RetentionPolicy(0, 0, 0, 0, 0, 0, null, Set.of("prod")).isEmpty()).isFalse();
  }

  @Test
  void keepWithin_ofZero_isNoRule_soThePolicyStaysEmpty() {
    RetentionPolicy p = new RetentionPolicy(0, 0, 0, 0, 0, 0, Span.parse("0d"), null);
    assertThat(p.keepWithin()).isNull();
    assertThat(p.isEmpty()).isTrue();
  }

  @Test
  void keepTag_blank_isRejected() {
    assertThatThrownBy(() -> new RetentionPolicy(0, 0, 0, 0, 0, 0, null, Set.of(" ")))
        .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("--keep-tag");
  }

  @Test
  void spanParse_acceptsResticStyleSpans_andWeeks() {
    assertThat(Span.parse("2y5m7d3h")).isEqualTo(new Span(2, 5, 7, 3));
    assertThat(Span.parse("30d")).isEqualTo(new Span(0, 0, 30, 0));
    assertThat(Span.parse("12h")).isEqualTo(new Span(0, 0, 0, 12));
    assertThat(Span.parse("1w")).isEqualTo(new Span(0, 0, 7, 0));
    assertThat(Span.parse("1y2w3d")).isEqualTo(new Span(1, 0, 17, 0));
    assertThat(Span.parse("18m")).isEqualTo(new Span(0, 18, 0, 0));
  }

  @Test
  void spanParse_rejectsOtherForms_namingTheValueAndTheAcceptedForm() {
    for (String bad : new String[] {"", "30", "d", "1x", "3d2y", "1d1d", "-1d", " 1d", "1D", "1.5d", "99999999999d",
        "400000000w"}) {
      assertThatThrownBy(() -> Span.parse(bad)).as(bad).isInstanceOf(IllegalArgumentException.class)
          .hasMessageContaining("\"" + bad + "\"").hasMessageContaining("e.g. 2y5m7d3h");
    }
  }

  @Test
  void span_printsItsCanonicalForm() {
    assertThat(Span.parse("2y5m7d3h")).hasToString("2y5m7d3h");
    assertThat(Span.parse("1w")).hasToString("7d");
    assertThat(Span.parse("0h")).hasToString("0d");
  }

  @Test
  void span_withNegativeParts_isRejected() {
    assertThatThrownBy(() -> new Span(0, -1, 0, 0)).isInstanceOf(IllegalArgumentException.class);
  }

  @Test
  void span_subtractsCalendarWise_clampingToTheEndOfTheMonth() {
    ZoneId utc = ZoneOffset.UTC;
    assertThat(Span.parse("1y").subtractFrom(Instant.parse("2024-02-29T10:00:00Z"), utc))
        .isEqualTo(Instant.parse("2023-02-28T10:00:00Z"));
    assertThat(Span.parse("1m").subtractFrom(Instant.parse("2026-03-31T10:00:00Z"), utc))
        .isEqualTo(Instant.parse("2026-02-28T10:00:00Z"));
    assertThat(Span.parse("1y1m1d1h").subtractFrom(Instant.parse("2026-03-31T10:00:00Z"), utc))
        .isEqualTo(Instant.parse("2025-02-27T09:00:00Z"));
  }

  @Test
  void span_hoursAreElapsedTime_evenAcrossDst() {
    // 2026-03-29T03:30 CEST minus 2 hours of elapsed time is 00:30 CET (local 3 hours earlier).
    assertThat(Span.parse("2h").subtractFrom(Instant.parse("2026-03-29T01:30:00Z"), ZoneId.of("Europe/Berlin")))
        .isEqualTo(Instant.parse("2026-03-28T23:30:00Z"));
  }

  @Test
  void span_reachingPastTheSupportedRange_givesTheEarliestInstant() {
    assertThat(new Span(Integer.MAX_VALUE, 0, 0, 0).subtractFrom(Instant.parse("2026-01-01T00:00:00Z"), ZoneOffset.UTC))
        .isEqualTo(Instant.MIN);
  }
}
