package io.cairn.engine.snapshot;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.fasterxml.jackson.databind.JsonNode;
import io.cairn.engine.BlobId;
import io.cairn.engine.Json;
import io.cairn.engine.check.CheckRecord;
import io.cairn.engine.check.CheckScope;
import java.time.Instant;
import java.util.List;
import org.junit.jupiter.api.Test;

class SnapshotFormatTest {
  private static final String TREE = "ab".repeat(32);

  @Test
  void snapshotOfANewerVersion_keepsItsUnknownFields_whenRewrittenByRepair() throws Exception {
    String json = "{\"version\":1,\"time\":\"2026-12-04T10:00:00Z\",\"host\":\"h\",\"paths\":[\"/d\"],\"tree\":\"" + TREE + "\","
        + "\"consistency\":\"application\",\"wal\":{\"from\":\"0/1000000\",\"to\":\"0/2000000\"},\"capturedBy\":\"agent-7\"}";
    Snapshot s = Json.MAPPER.readValue(json, Snapshot.class);
    assertThat(s.consistency()).isEqualTo(Consistency.APPLICATION);
    assertThat(s.extra()).containsKeys("wal", "capturedBy");
    Snapshot repaired = s.repaired(BlobId.fromHex("cd".repeat(32)), List.of("repaired"), List.of(), BlobId.fromHex("ef".repeat(32)));
    JsonNode back = Json.MAPPER.readTree(Json.MAPPER.writeValueAsBytes(repaired));
    assertThat(back.get("wal").get("from").asText()).isEqualTo("0/1000000");
    assertThat(back.get("capturedBy").asText()).isEqualTo("agent-7");
    assertThat(back.get("consistency").asText()).isEqualTo("application");
    assertThat(back.has("extra")).isFalse();
  }

  @Test
  void builder_writesTheSameJsonFieldsAsFormatVersion1() throws Exception {
    Snapshot s = Snapshot.builder().time(Instant.parse("2026-12-04T10:00:00Z")).host("h").paths(List.of("/d"))
        .tree(BlobId.fromHex(TREE)).build();
    JsonNode j = Json.MAPPER.readTree(Json.MAPPER.writeValueAsBytes(s));
    assertThat(j.get("version").asInt()).isEqualTo(Snapshot.VERSION);
    assertThat(j.get("consistency").asText()).isEqualTo("crash");
    assertThat(j.get("tree").asText()).isEqualTo(TREE);
  }

  @Test
  void unknownConsistencyLevel_isRefused() {
    assertThatThrownBy(() -> Consistency.of("sometimes")).hasMessageContaining("crash, application, group");
  }

  @Test
  void checkRecordsOfEveryScope_readBackTyped_includingTheOldSubsetLabel() throws Exception {
    for (CheckScope scope : CheckScope.values()) {
      CheckRecord r = new CheckRecord(CheckRecord.VERSION, "id", Instant.EPOCH, "h", scope, true, 0, 1, 2, 3, List.of());
      byte[] json = Json.MAPPER.writeValueAsBytes(r);
      assertThat(Json.MAPPER.readTree(json).get("scope").asText()).isEqualTo(scope.label());
      assertThat(Json.MAPPER.readValue(json, CheckRecord.class)).isEqualTo(r);
    }
    String old = "{\"version\":1,\"id\":\"x\",\"time\":\"2026-01-01T00:00:00Z\",\"host\":\"h\",\"scope\":\"read-data-subset 10%\","
        + "\"ok\":false,\"problems\":2}";
    CheckRecord r = Json.MAPPER.readValue(old, CheckRecord.class);
    assertThat(r.scope()).isEqualTo(CheckScope.READ_DATA_SUBSET);
    assertThat(r.outcome()).isEqualTo(CheckRecord.Outcome.FAILED);
    assertThat(CheckScope.allDataLabels()).containsExactly("read-data", "read-data since-last");
  }
}
