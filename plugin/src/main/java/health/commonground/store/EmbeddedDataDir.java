package health.commonground.store;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import org.springframework.beans.factory.config.BeanFactoryPostProcessor;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;
import org.springframework.core.env.Environment;

/**
 * Before anything opens the embedded database, checks that its data folder can be written, so that
 * a read-only or missing volume stops the start-up with one clear sentence naming the folder and
 * the setting, instead of a database error deep in the migration's stack trace.
 */
@Configuration(proxyBeanMethods = false)
class EmbeddedDataDir {

  private static final String EMBEDDED = "jdbc:h2:file:";

  @Bean
  static BeanFactoryPostProcessor embeddedDataDirIsWritable(Environment environment) {
    return beanFactory ->
        check(
            environment.getProperty("spring.datasource.url"),
            environment.getProperty("commonground.data-dir"));
  }

  /** Throws when the embedded database is used and its folder cannot be created or written. */
  static void check(String datasourceUrl, String dataDir) {
    if (datasourceUrl == null || !datasourceUrl.startsWith(EMBEDDED) || dataDir == null) {
      return;
    }
    Path dir = Path.of(dataDir).toAbsolutePath().normalize();
    try {
      Files.createDirectories(dir);
      Path probe = Files.createTempFile(dir, ".write-check", ".tmp");
      Files.delete(probe);
    } catch (IOException | SecurityException e) {
      throw new IllegalStateException(
          "The embedded database cannot be kept in "
              + dir
              + ": the folder cannot be created or written ("
              + e
              + "). Make it writable, or set COMMONGROUND_DATA_DIR (commonground.data-dir) to a"
              + " writable folder, or use PostgreSQL (SPRING_PROFILES_ACTIVE=postgres).",
          e);
    }
  }
}
