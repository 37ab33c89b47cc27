package io.cairn.catalog;

import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.assertThat;

import io.cairn.engine.CairnException;
import io.cairn.engine.ErrorCode;
import io.cairn.engine.Remedy;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;

/** The catalog on its embedded default, an SQLite file. */
class SqliteCatalogTest extends CatalogContract {
  private int n;

  @Override
  String newCatalog() {
    return tmp.resolve("catalog-" + (n++) + ".db").toString();
  }

  @Test
  void aCorruptCatalogFile_isNamedAsDamagedWithTheWayOut() throws Exception {
    Path f = tmp.resolve("broken.db");
    Files.write(f, "this is not an sqlite database, just some bytes that pretend to be one".repeat(100).getBytes());
    assertThatThrownBy(() -> Catalog.open(f.toString(), clock)).isInstanceOf(CairnException.class)
        .hasMessageContaining(f.toString()).hasMessageContaining("is damaged")
        .satisfies(e -> assertThat(((CairnException) e).code()).isEqualTo(ErrorCode.DATA_DAMAGED))
        .satisfies(e -> assertThat(((CairnException) e).remedy()).isEqualTo(Remedy.CATALOG_REBUILD));
  }

  @Test
  void anUnsupportedUrl_isABadFlag() {
    assertThatThrownBy(() -> Catalog.open("jdbc:mysql://x/y", clock)).isInstanceOf(CairnException.class)
        .satisfies(e -> assertThat(((CairnException) e).code()).isEqualTo(ErrorCode.USAGE));
  }
}
