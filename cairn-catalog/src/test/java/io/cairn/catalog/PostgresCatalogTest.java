package io.cairn.catalog;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.cairn.engine.CairnException;
import io.cairn.engine.ErrorCode;
import io.cairn.testkit.PostgresServer;
import java.net.ServerSocket;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * The same behaviour on a real PostgreSQL server started for this class. Skipped only where no
 * server can run; under CI (CI=true) that is a failure instead, since .ci/run installs PostgreSQL.
 */
class PostgresCatalogTest extends CatalogContract {
  static PostgresServer pg;
  static int n;

  @BeforeAll
  static void startServer() throws Exception {
    String why = PostgresServer.unavailableReason();
    if (why != null && "true".equals(System.getenv("CI"))) throw new IllegalStateException("CI lacks PostgreSQL: " + why);
    Assumptions.assumeTrue(why == null, why);
    pg = PostgresServer.start();
  }

  @AfterAll
  static void stopServer() throws Exception {
    if (pg != null) pg.close();
  }

  @Override
  String newCatalog() throws Exception {
    return pg.newDatabase("catalog" + (n++));
  }

  @Test
  void anUnreachableServer_isNamedWithTheWayOut() throws Exception {
    int port;
    try (ServerSocket s = new ServerSocket(0)) {
      port = s.getLocalPort();
    }
    String url = "jdbc:postgresql://127.0.0.1:" + port + "/nothing?user=cairn&password=secret";
    assertThatThrownBy(() -> Catalog.open(url, clock)).isInstanceOf(CairnException.class)
        .hasMessageContaining("cannot reach the catalog database").hasMessageContaining("127.0.0.1:" + port)
        .hasMessageNotContaining("secret")
        .satisfies(e -> assertThat(((CairnException) e).code()).isEqualTo(ErrorCode.IO));
  }
}
