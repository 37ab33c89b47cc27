package io.cairn.policy;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.cairn.engine.CairnException;
import io.cairn.engine.ErrorCode;
import io.cairn.engine.snapshot.Consistency;
import java.io.StringReader;
import java.time.Duration;
import java.util.List;
import org.junit.jupiter.api.Test;

class PolicyReaderTest {
  private static Policy read(String yaml) {
    return Policy.read(new StringReader(yaml), "cairn.yaml");
  }

  private static List<String> problems(String yaml) {
    try {
      read(yaml);
    } catch (PolicyException e) {
      assertThat(e.code()).isEqualTo(ErrorCode.CONFIG);
      return e.problems().stream().map(Problem::toString).toList();
    }
    throw new AssertionError("the policy was accepted");
  }

  private static final String GOOD = """
      repositories:
        local: { location: /srv/cairn/repo, password: "file:/etc/cairn/password", role: primary }
        offsite: { location: /mnt/offsite, password: "env:OFFSITE_PW", role: copy }
      classes:
        critical: { rpo: 15m, rto: 30m, retention: { keep-hourly: 24, keep-daily: 14, keep-monthly: 12 },
                    consistency: application, verify: daily, drill: weekly, copies: [ { to: offsite, within: 1h } ] }
      assets:
        orders-db:
          class: critical
          source: { type: postgres, host: 127.0.0.1, port: 5432, user: backup, password: "env:PGPASSWORD", databases: [orders] }
          checks: [ { sql: "select count(*) > 0 from orders", expect: "t" } ]
        uploads:
          class: critical
          rpo: 5m
          source: { type: files, paths: [/srv/shop/uploads], exclude: ["*.tmp"] }
          hooks: { before: { run: "shopctl pause-uploads", timeout: 30s, on-failure: abort },
                   after:  { run: "shopctl resume-uploads", timeout: 30s } }
        etcd:
          class: standard
          source: { type: command, command: "etcdctl snapshot save /dev/stdout", filename: etcd.db }
      groups:
        shop:
          members: [orders-db, { asset: uploads, after: [orders-db] }]
          checks: [ { http: "http://127.0.0.1:8080/health", status: 200 } ]
      """;

  @Test
  void read_theIssuesExample_resolvesEffectiveSettingsWithTheirOrigins() {
    Policy p = read(GOOD);
    Policy.Effective up = p.effective("uploads");
    assertThat(up.rpo().value()).isEqualTo(Duration.ofMinutes(5));
    assertThat(up.rpo().origin()).isEqualTo("asset override");
    assertThat(up.rto().value()).isEqualTo(Duration.ofMinutes(30));
    assertThat(up.rto().origin()).startsWith("class critical (cairn.yaml:");
    assertThat(up.prune().origin()).isEqualTo("built-in class critical");
    assertThat(up.consistency().value()).isEqualTo(Consistency.APPLICATION);
    assertThat(p.effective("etcd").rpo().value()).isEqualTo(Duration.ofDays(1));
    assertThat(p.effectiveGroup("shop").rpo().value()).isEqualTo(Duration.ofMinutes(5));
    assertThat(p.repositoryOf(p.asset("etcd")).orElseThrow().name()).isEqualTo("local");
    Source.Postgres pg = (Source.Postgres) p.asset("orders-db").source();
    assertThat(pg.password()).hasToString("env:PGPASSWORD");
    assertThat(p.asset("uploads").hooks().before().get(0).onFailure()).isEqualTo(Hook.OnFailure.ABORT);
    assertThat(p.group("shop").members().get(1).after()).containsExactly("orders-db");
    assertThat(p.warnings()).isEmpty();
  }

  @Test
  void read_unknownKey_namesLineColumnAndTheClosestKey() {
    assertThat(problems("""
        assets:
          a:
            source: { type: files, paths: [/x] }
            rpoo: 1h
        """)).containsExactly("cairn.yaml:4:5: unknown key 'rpoo' in asset 'a' (did you mean 'rpo'?); expected one of checks, class,"
            + " consistency, copies, drill, hooks, repository, retention, rpo, rto, source, tags, verify");
  }

  @Test
  void read_wrongTypesAndImpossibleValues_reportsEveryOneWithItsPosition() {
    List<String> ps = problems("""
        classes:
          gold: { rpo: soon, retention: { keep-daily: many } }
        assets:
          a:
            class: gold
            source: { type: files, paths: [relative/path] }
            hooks: { before: { run: x, on-failure: sometimes } }
            checks: [ { sql: "select 1", http: "http://x" } ]
        """);
    assertThat(ps).containsExactlyInAnyOrder(
        "cairn.yaml:2:16: 'rpo' in class 'gold' must be a duration such as 30s, 15m, 1h30m, 7d or 1w, not 'soon'",
        "cairn.yaml:2:47: 'keep-daily' in the retention of class 'gold' must be a whole number, not 'many'",
        "cairn.yaml:2:33: the retention of class 'gold' keeps nothing; set at least one keep-* rule",
        "cairn.yaml:6:35: path 'relative/path' in the source of asset 'a' must be absolute",
        "cairn.yaml:7:44: 'on-failure' of a hook must be abort, continue or retry N (N from 1 to 99), not 'sometimes'",
        "cairn.yaml:8:15: a check must have exactly one of sql, http, command or file, found http and sql");
  }

  @Test
  void read_undefinedReferences_areErrors() {
    List<String> ps = problems("""
        classes:
          gold: { rpo: 1h, retention: { keep-last: 3 }, copies: [ { to: nowhere } ] }
        assets:
          a: { class: silver, repository: there, source: { type: files, paths: [/x] } }
        groups:
          g: { members: [a, b] }
        """);
    assertThat(ps).anyMatch(s -> s.startsWith("cairn.yaml:4:15: asset 'a' names class 'silver', which is not defined"))
        .contains("cairn.yaml:4:35: asset 'a' names repository 'there', which is not defined under repositories",
            "cairn.yaml:6:21: group 'g' lists asset 'b', which is not defined under assets",
            "cairn.yaml:2:65: a copy rule of class 'gold' copies to repository 'nowhere', which is not defined under repositories");
  }

  @Test
  void read_dependencyCycle_isAnErrorNamingTheCycle() {
    assertThat(problems("""
        assets:
          a: { source: { type: files, paths: [/a] } }
          b: { source: { type: files, paths: [/b] } }
          c: { source: { type: files, paths: [/c] } }
        groups:
          g:
            members: [ { asset: a, after: [c] }, { asset: b, after: [a] }, { asset: c, after: [b] } ]
        """)).containsExactly("cairn.yaml:7:14: the restore order of group 'g' has a cycle: a -> c -> b -> a; 'after' must not lead back to a member");
  }

  @Test
  void read_groupAcrossRepositories_isAnError() {
    assertThat(problems("""
        repositories:
          a: { location: /a, password: "env:A" }
          b: { location: /b, password: "env:B", role: copy }
        assets:
          x: { source: { type: files, paths: [/x] } }
          y: { repository: b, source: { type: files, paths: [/y] } }
        groups:
          g: { members: [x, y] }
        """)).containsExactly("cairn.yaml:8:6: the members of group 'g' go to different repositories (a, b); a group point lives in one"
            + " repository, so give its members the same one");
  }

  @Test
  void read_inlinePassword_isRefusedWithoutEchoingIt() {
    List<String> ps = problems("""
        repositories:
          r: { location: /r, password: hunter2 }
        """);
    assertThat(ps).containsExactly("cairn.yaml:2:32: 'password' in repository 'r' must be a reference, env:NAME or file:PATH;"
        + " a secret is never written in the policy");
    assertThat(String.join("", ps)).doesNotContain("hunter2");
  }

  @Test
  void read_syntaxError_hasItsPosition() {
    assertThat(problems("assets:\n  a: { source: [\n")).containsExactly(
        "cairn.yaml:2:17: not valid YAML: while parsing a flow node; expected the node content, but found '<stream end>'");
  }

  @Test
  void read_retentionShorterThanRpo_isAWarningWithTheNumbers() {
    Policy p = read("""
        assets:
          a: { rpo: 1h, retention: { keep-within: 10m }, source: { type: files, paths: [/a] } }
        """);
    assertThat(p.warnings()).singleElement().asString().isEqualTo("cairn.yaml:2:6: asset 'a': its retention (keep-within 10m) keeps points"
        + " for at most 10m, less than its RPO of 1h, so between captures it may have no point at all");
  }

  @Test
  void secret_missingEnvironmentVariable_namesItNotAValue() {
    SecretRef ref = SecretRef.parse("env:NOT_SET_ANYWHERE");
    assertThatThrownBy(() -> ref.resolve(java.util.Map.of())).isInstanceOf(CairnException.class)
        .hasMessage("the secret env:NOT_SET_ANYWHERE is not set: export NOT_SET_ANYWHERE in the job's environment");
  }

  @Test
  void read_emptySourceOrRepeatedDatabase_isAnError_notADroppedAsset() {
    assertThat(problems("""
        assets:
          a: { source: }
          b: { source: { type: postgres, databases: [x, x] } }
          c: { rpo: 999999999999999d, source: { type: files, paths: [/c] } }
        groups:
          g: { members: [a, b] }
        """)).containsExactlyInAnyOrder(
            "cairn.yaml:2:15: asset 'a' needs a 'source' with a type (files, postgres, mariadb, mysql, sqlite or command)",
            "cairn.yaml:3:45: 'databases' in the source of asset 'b' lists a name twice",
            "cairn.yaml:4:13: 'rpo' in asset 'c' must be a duration such as 30s, 15m, 1h30m, 7d or 1w, not '999999999999999d'");
  }

  @Test
  void programOf_skipsAssignmentsAndFolders_soNoSecretIsRecorded() {
    assertThat(io.cairn.engine.fs.Processes.programOf("MYSQL_PWD=s3cret /usr/bin/mysqldump --all-databases")).isEqualTo("mysqldump");
    assertThat(io.cairn.engine.fs.Processes.programOf("\tetcdctl\tsnapshot save /dev/stdout")).isEqualTo("etcdctl");
  }

  @Test
  void durations_readWhatTheyFormat() {
    for (String s : List.of("30s", "15m", "1h30m", "2d", "1w", "1d2h3m4s")) assertThat(Durations.format(Durations.parse(s))).isEqualTo(s);
    assertThat(Durations.parse("PT15M")).isEqualTo(Duration.ofMinutes(15));
    assertThat(Durations.parse("15 minutes")).isNull();
    assertThat(Durations.parse("PT-1H")).isNull();
  }

  @Test
  void repository_inObjectStorage_takesEndpointRegionAndKeyReferences() {
    Policy p = read("""
        repositories:
          offsite:
            location: s3://cairn-offsite/prod
            password: "env:OFFSITE_PW"
            endpoint: https://objects.example.net:9000
            region: eu-central-1
            access-key: "env:OFFSITE_KEY_ID"
            secret-key: "env:OFFSITE_SECRET"
        """);
    RepositoryEntry.Store st = p.repositories().get("offsite").store();
    assertThat(st.endpoint()).isEqualTo("https://objects.example.net:9000");
    assertThat(st.region()).isEqualTo("eu-central-1");
    assertThat(st.accessKey()).hasToString("env:OFFSITE_KEY_ID");
    assertThat(st.environment(java.util.Map.of(), false)).containsOnlyKeys("AWS_ENDPOINT_URL", "AWS_ENDPOINT_URL_S3", "AWS_REGION");
    assertThat(st.environment(java.util.Map.of("OFFSITE_KEY_ID", "AKID", "OFFSITE_SECRET", "s3cr3t", "UNUSED", "x"), true))
        .containsEntry("AWS_ACCESS_KEY_ID", "AKID")
        .containsEntry("AWS_ENDPOINT_URL", "https://objects.example.net:9000").containsEntry("AWS_REGION", "eu-central-1")
        .containsEntry("AWS_SECRET_ACCESS_KEY", "s3cr3t").containsEntry("AWS_SESSION_TOKEN", "");
    assertThat(read(GOOD).repositories().get("local").store()).isEqualTo(RepositoryEntry.Store.NONE);
  }

  @Test
  void repository_storeSettingsThatCannotApply_areProblemsNamingThem() {
    assertThat(problems("""
        repositories:
          local: { location: /srv/cairn/repo, password: "env:PW", endpoint: "https://s3.example.net" }
        """)).singleElement().asString().contains("is a folder").contains("for s3: locations");
    assertThat(problems("""
        repositories:
          offsite: { location: "s3://b/p", password: "env:PW", endpoint: "s3.example.net/path" }
        """)).singleElement().asString().contains("endpoint of repository 'offsite' must be http(s)://host[:port]");
    assertThat(problems("""
        repositories:
          offsite: { location: "s3:http://127.0.0.1:9000/b/p", password: "env:PW", endpoint: "http://10.0.0.1:9000" }
        """)).singleElement().asString().contains("names its server in its location").contains("drop one of them");
    assertThat(problems("""
        repositories:
          offsite: { location: "s3://b/p", password: "env:PW", access-key: "env:KEY_ID" }
        """)).singleElement().asString().contains("needs both access-key and secret-key");
    List<String> literal = problems("""
        repositories:
          offsite: { location: "s3://b/p", password: "env:PW", access-key: "AKIAEXAMPLE", secret-key: "wJalrEXAMPLEKEY" }
        """);
    assertThat(literal).hasSize(2).allSatisfy(m -> assertThat(m).contains("must be a reference").doesNotContain("EXAMPLE"));
  }
}
