package io.cairn.recovery;

import io.cairn.engine.CairnException;
import io.cairn.engine.ErrorCode;
import io.cairn.engine.tree.Node;
import io.cairn.policy.Source;
import java.io.BufferedOutputStream;
import java.io.IOException;
import java.io.OutputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.List;

/** A SQLite database: its copy written beside the place, checked by SQLite, then moved into place atomically. */
final class SqliteMember extends Member {
  SqliteMember(String asset, Source source, Hydration h, Context ctx, Path folder, String target) {
    super(asset, source, h, ctx, folder, target);
  }

  @Override
  String type() {
    return "sqlite";
  }

  private Path file() throws IOException {
    if (target != null) return Path.of(target).toAbsolutePath();
    return folder.resolve(streamNamed(null).displayName());
  }

  @Override
  String writes() {
    return target != null ? "SQLite file " + target : "a SQLite file in the sandbox";
  }

  @Override
  Place provision() throws IOException {
    Path f = file();
    if (target != null && Files.exists(f) && !ctx.replace()) {
      throw new CairnException(ErrorCode.CONFLICT, "asset " + asset + ": target " + f + " exists; recover to a new file, or pass --replace"
          + " to overwrite it");
    }
    Files.createDirectories(f.getParent());
    return new Place(asset, type(), target == null, null, null, f.getParent().toString(), f.toString(), null, List.of(), "sqlite3 " + f);
  }

  @Override
  void recover(Provisioned place, Phases phases) throws IOException {
    Path f = Path.of(place.get().path());
    Path partial = f.resolveSibling(f.getFileName() + ".cairn-partial");
    Node stream = streamNamed(null);
    Phases.Timed h = phases.start("hydrate", asset);
    try (OutputStream out = new BufferedOutputStream(Files.newOutputStream(partial), 1 << 20)) {
      hydration.stream(stream, out);
      h.ok(null);
    } catch (IOException | RuntimeException e) {
      h.failed(e.getMessage());
      Files.deleteIfExists(partial);
      throw e;
    }
    Phases.Timed r = phases.start("reconcile", asset);
    try (Connection c = DriverManager.getConnection("jdbc:sqlite:file:" + partial + "?mode=ro"); Statement st = c.createStatement();
        ResultSet rs = st.executeQuery("pragma quick_check")) {
      String res = rs.next() ? rs.getString(1) : "no answer";
      if (!"ok".equals(res)) throw new CairnException(ErrorCode.DATA_DAMAGED, "asset " + asset + ": the restored SQLite database fails"
          + " its quick_check: " + res);
    } catch (SQLException e) {
      r.failed(e.getMessage());
      Files.deleteIfExists(partial);
      throw new CairnException(ErrorCode.DATA_DAMAGED, "asset " + asset + ": the restored SQLite database cannot be opened: " + e.getMessage(), e);
    } catch (RuntimeException e) {
      r.failed(e.getMessage());
      Files.deleteIfExists(partial);
      throw e;
    }
    Files.move(partial, f, StandardCopyOption.ATOMIC_MOVE, StandardCopyOption.REPLACE_EXISTING);
    r.ok("quick_check ok; moved into place");
  }
}
