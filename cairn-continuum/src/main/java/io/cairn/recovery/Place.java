package io.cairn.recovery;

import com.fasterxml.jackson.annotation.JsonInclude;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * Where one member was recovered to: a folder, a file, or a server and how to reach it. Checks refer
 * to it as {@code ${host}}, {@code ${port}}, {@code ${folder}}, {@code ${path}}, {@code ${user}} and
 * {@code ${database}} (and, in a group's checks, {@code ${ASSET.port}} and so on).
 *
 * @param folder the folder its data is in
 * @param path the restored file or folder itself (a SQLite file; a files asset's first path)
 * @param databases the databases restored (PostgreSQL, MariaDB)
 * @param connect how a person connects to it, as a command line (no secret in it)
 */
@JsonInclude(JsonInclude.Include.NON_NULL)
public record Place(String asset, String type, boolean sandbox, String host, Integer port, String folder, String path, String user,
    List<String> databases, String connect) {
  public Place {
    databases = databases == null ? List.of() : List.copyOf(databases);
  }

  /** The variables a check may use, unqualified. */
  public Map<String, String> variables() {
    Map<String, String> v = new LinkedHashMap<>();
    v.put("asset", asset);
    if (host != null) v.put("host", host);
    if (port != null) v.put("port", Integer.toString(port));
    if (folder != null) v.put("folder", folder);
    if (path != null) v.put("path", path);
    if (user != null) v.put("user", user);
    if (!databases.isEmpty()) v.put("database", databases.get(0));
    return v;
  }

  Place withDatabases(List<String> dbs) {
    return new Place(asset, type, sandbox, host, port, folder, path, user, dbs, connect);
  }
}
