package io.cairn.policy;

import java.nio.file.Path;
import java.time.Duration;
import java.util.List;

/** Where an asset's data comes from, and how it is read. */
public sealed interface Source {
  /** The name of the type as written in the policy. */
  String type();

  /** Files and folders, read as they are (crash-consistent unless a {@code before} hook quiesces them). */
  record Files(List<Path> paths, List<String> exclude, boolean oneFileSystem) implements Source {
    public String type() {
      return "files";
    }
  }

  /**
   * A PostgreSQL server, dumped logically with the {@code pg_dump} of the server's major version:
   * each database in its own exported snapshot, plus the roles ({@code pg_dumpall --globals-only}).
   *
   * @param databases the databases to dump; empty for every database that accepts connections
   * @param bin a folder holding pg_dump and pg_dumpall, or null to pick by the server's version
   */
  record Postgres(String host, int port, String user, SecretRef password, List<String> databases, boolean globals, Path bin,
      Duration timeout) implements Source {
    public String type() {
      return "postgres";
    }
  }

  /**
   * A MariaDB or MySQL server, dumped with {@code mariadb-dump} (or {@code mysqldump}) in one
   * transaction, routines, events and triggers included, the binary log position recorded.
   *
   * @param flavor {@code mariadb} or {@code mysql}
   * @param databases empty for all databases
   */
  record Mariadb(String flavor, String host, int port, String socket, String user, SecretRef password, List<String> databases,
      Duration timeout) implements Source {
    public String type() {
      return flavor;
    }
  }

  /** A live SQLite database, copied consistently with SQLite's online backup into a temporary file first. */
  record Sqlite(Path path, Path temp) implements Source {
    public String type() {
      return "sqlite";
    }
  }

  /**
   * Any command's standard output ({@code sh -c COMMAND}), stored as the file {@code /FILENAME}.
   *
   * @param consistent the command exports a self-consistent copy (an etcd snapshot, a Redis RDB): the
   *     point is application-consistent; else crash-consistent
   * @param restore the command ({@code sh -c}) a recovery feeds the stream to on its standard input; null
   *     when the stream is only restored as the file
   */
  record Command(String command, String filename, Duration timeout, boolean consistent, String restore) implements Source {
    public String type() {
      return "command";
    }
  }
}
