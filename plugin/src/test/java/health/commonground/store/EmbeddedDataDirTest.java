package health.commonground.store;

import static org.assertj.core.api.Assertions.assertThatCode;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** A data folder the embedded database cannot write stops the start with a clear message. */
class EmbeddedDataDirTest {

  private static final String H2 = "jdbc:h2:file:./data/commonground;MODE=PostgreSQL";

  @TempDir Path temp;

  @Test
  void aDataFolderThatCannotBeCreatedStopsTheStartNamingTheFolderAndTheSetting()
      throws IOException {
    Path file = Files.writeString(temp.resolve("not-a-folder"), "x");

    assertThatThrownBy(() -> EmbeddedDataDir.check(H2, file.resolve("data").toString()))
        .isInstanceOf(IllegalStateException.class)
        .hasMessageContaining(file.resolve("data").toString())
        .hasMessageContaining("COMMONGROUND_DATA_DIR");
  }

  @Test
  void aWritableFolderOrAnotherDatabasePasses() {
    assertThatCode(() -> EmbeddedDataDir.check(H2, temp.resolve("new").toString()))
        .doesNotThrowAnyException();
    assertThatCode(
            () ->
                EmbeddedDataDir.check(
                    "jdbc:postgresql://127.0.0.1/x",
                    temp.resolve("not-a-folder").resolve("data").toString()))
        .doesNotThrowAnyException();
  }
}
