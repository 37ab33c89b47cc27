package io.cairn.cli;

import static org.assertj.core.api.Assertions.assertThat;

import java.lang.reflect.RecordComponent;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Test;

/** docs/json.md names the outcome records and their fields; this keeps the page and the records in step. */
class JsonDocTest {
  private static final List<String> PACKAGES = List.of("io.cairn.service.", "io.cairn.catalog.", "io.cairn.engine.gc.", "io.cairn.engine.repair.",
      "io.cairn.capture.", "io.cairn.schedule.", "io.cairn.policy.", "io.cairn.recovery.", "io.cairn.report.");
  private static final Pattern RECORD = Pattern.compile("`([A-Z]\\w*)\\.([A-Z]\\w*)`");

  @Test
  void everyOutcomeRecordInJsonMd_existsAndHasEveryFieldThePageNames() throws Exception {
    List<String> rows = Files.readAllLines(Path.of("../docs/json.md")).stream()
        .filter(l -> l.startsWith("| `") && l.split("\\|").length >= 4).toList();
    int checked = 0;
    List<String> problems = new ArrayList<>();
    for (String row : rows) {
      String[] cols = row.split("\\|");
      Matcher m = RECORD.matcher(cols[2]);
      if (!m.find()) continue; // a row without a record (dump, quickstart's summary)
      Class<?> type = find(m.group(1) + "$" + m.group(2));
      if (type == null) {
        problems.add(cols[1].strip() + ": no record " + m.group(1) + "." + m.group(2));
        continue;
      }
      if (!type.isRecord() || cols[3].contains("see ")) continue;
      for (RecordComponent c : type.getRecordComponents()) {
        if (!cols[3].contains("`" + c.getName() + "`")) problems.add(cols[1].strip() + ": field " + c.getName() + " not documented");
      }
      checked++;
    }
    assertThat(problems).isEmpty();
    assertThat(checked).as("records checked").isGreaterThanOrEqualTo(15);
  }

  private static Class<?> find(String nested) {
    for (String p : PACKAGES) {
      try {
        return Class.forName(p + nested);
      } catch (ClassNotFoundException e) {
        // next package
      }
    }
    return null;
  }
}
