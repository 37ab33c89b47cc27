package io.cairn.capture;

import io.cairn.engine.CairnException;
import io.cairn.engine.ErrorCode;
import io.cairn.engine.backup.Backup;
import io.cairn.engine.backup.Finisher;
import io.cairn.engine.backup.StreamCapture;
import io.cairn.engine.snapshot.Consistency;
import io.cairn.policy.Source;
import java.io.IOException;
import java.nio.channels.FileChannel;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * A consistent copy of a live SQLite database: {@code VACUUM INTO} a temporary file reads the
 * database in one read transaction (writers go on; the copy is the state when it began), then the
 * copy is captured as {@code /NAME} and deleted. The temporary file needs as much space as the
 * database's live pages, in {@code temp} (the source's setting) or the system's temporary folder.
 */
final class SqliteCapture implements Capture {
  private final Source.Sqlite source;
  private final String asset;

  SqliteCapture(String asset, Source.Sqlite source) {
    this.asset = asset;
    this.source = source;
  }

  @Override
  public Backup.Result run(Opening repo, Context ctx, Finisher finisher) throws IOException {
    if (!Files.isRegularFile(source.path())) {
      throw new CairnException(ErrorCode.IO, "asset " + asset + ": SQLite database " + source.path() + " does not exist; nothing was captured");
    }
    Path dir = source.temp() != null ? source.temp() : Path.of(System.getProperty("java.io.tmpdir"));
    Path copy = dir.resolve("cairn-sqlite-" + Long.toHexString(System.nanoTime()) + ".db");
    Map<String, String> facts = new LinkedHashMap<>();
    facts.put("type", "sqlite");
    facts.put("path", source.path().toString());
    try {
      // the copy is as secret as the database: created empty and private first (VACUUM INTO fills an empty file)
      Files.createFile(copy, java.nio.file.attribute.PosixFilePermissions.asFileAttribute(
          java.nio.file.attribute.PosixFilePermissions.fromString("rw-------")));
      try (Connection c = DriverManager.getConnection("jdbc:sqlite:file:" + source.path() + "?mode=ro");
          Statement st = c.createStatement()) {
        st.execute("pragma busy_timeout = 60000");
        try (ResultSet rs = st.executeQuery("select sqlite_version(), (select page_count from pragma_page_count()) *"
            + " (select page_size from pragma_page_size())")) {
          rs.next();
          facts.put("server-version", "SQLite " + rs.getString(1));
          facts.put("size", Long.toString(rs.getLong(2)));
        }
        st.execute("vacuum into '" + copy.toString().replace("'", "''") + "'");
      } catch (SQLException e) {
        throw new CairnException(ErrorCode.IO, "asset " + asset + ": cannot copy SQLite database " + source.path() + ": " + e.getMessage()
            + "; nothing was captured", e);
      }
      facts.put("method", "VACUUM INTO (one read transaction)");
      String name = source.path().getFileName().toString();
      try (FileChannel in = FileChannel.open(copy, StandardOpenOption.READ)) {
        return new StreamCapture(repo.get(), ctx.tags(), ctx.host(), ctx.progress())
            .finishWith(s -> finisher.finish(s.toBuilder().source(facts).consistency(Consistency.APPLICATION)
                .consistencyReason("SQLite's VACUUM INTO copied the database in one read transaction").build()))
            .run(List.of(new StreamCapture.NamedStream(name, in)), facts);
      }
    } finally {
      Files.deleteIfExists(copy);
    }
  }
}
