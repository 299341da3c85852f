package health.commonground.smart;

import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.time.Duration;
import java.time.Instant;
import java.util.Comparator;
import java.util.List;
import java.util.Map;
import java.util.stream.Stream;

/**
 * A real Keycloak (the distribution unpacked from Maven Central by the build) with our realm and
 * extension, started in dev mode on loopback and stopped by its process id.
 */
final class KeycloakServer {

  private final Path home;
  private final int port;
  private final int managementPort;
  private final Path log;
  private Process process;

  KeycloakServer(Path home, int port, int managementPort, Path log) {
    this.home = home;
    this.port = port;
    this.managementPort = managementPort;
    this.log = log;
  }

  String realmUrl() {
    return "http://127.0.0.1:" + port + "/realms/commonground";
  }

  void start(Path realmFile, Path extensionJar, Map<String, String> environment) throws Exception {
    if (!Files.isDirectory(home)) {
      throw new IllegalStateException("Keycloak is not unpacked at " + home + " (run mvn verify)");
    }
    // A fresh database every run, so the realm file is imported as it is now.
    deleteTree(home.resolve("data"));
    Files.createDirectories(home.resolve("data/import"));
    Files.copy(
        realmFile,
        home.resolve("data/import/commonground.json"),
        StandardCopyOption.REPLACE_EXISTING);
    Files.createDirectories(home.resolve("providers"));
    // Keycloak rebuilds itself (minutes) when providers/ changes: copy the jar only when it
    // differs.
    Path deployed = home.resolve("providers/commonground-keycloak-extension.jar");
    if (!Files.exists(deployed) || Files.mismatch(deployed, extensionJar) != -1) {
      Files.copy(extensionJar, deployed, StandardCopyOption.REPLACE_EXISTING);
    }
    Files.createDirectories(log.getParent());

    ProcessBuilder builder =
        new ProcessBuilder(
                home.resolve("bin/kc.sh").toString(),
                "start-dev",
                "--http-host=127.0.0.1",
                "--http-port=" + port,
                "--http-management-port=" + managementPort,
                "--health-enabled=true",
                "--import-realm")
            .directory(home.toFile())
            .redirectErrorStream(true)
            .redirectOutput(log.toFile());
    builder.environment().putAll(environment);
    builder.environment().put("JAVA_OPTS_KC_HEAP", "-Xms64m -Xmx512m");
    process = builder.start();
    waitUntilReady(Duration.ofMinutes(8));
  }

  private void waitUntilReady(Duration timeout) throws Exception {
    HttpClient http = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(2)).build();
    URI ready = URI.create("http://127.0.0.1:" + managementPort + "/health/ready");
    Instant deadline = Instant.now().plus(timeout);
    while (Instant.now().isBefore(deadline)) {
      if (!process.isAlive()) {
        throw new IllegalStateException(
            "Keycloak exited with " + process.exitValue() + "; see " + log);
      }
      try {
        HttpResponse<String> response =
            http.send(HttpRequest.newBuilder(ready).build(), HttpResponse.BodyHandlers.ofString());
        if (response.statusCode() == 200) {
          return;
        }
      } catch (IOException notYet) {
        // still starting
      }
      Thread.sleep(1000);
    }
    throw new IllegalStateException("Keycloak not ready after " + timeout + "; see " + log);
  }

  /** Stops the Keycloak this object started: its process and that process's children, by pid. */
  void stop() throws InterruptedException {
    if (process == null) {
      return;
    }
    List<ProcessHandle> children = process.descendants().toList();
    process.destroy();
    children.forEach(ProcessHandle::destroy);
    if (!process.waitFor(30, java.util.concurrent.TimeUnit.SECONDS)) {
      process.destroyForcibly();
      children.forEach(ProcessHandle::destroyForcibly);
    }
  }

  private static void deleteTree(Path path) throws IOException {
    if (!Files.exists(path)) {
      return;
    }
    try (Stream<Path> walk = Files.walk(path)) {
      for (Path p : walk.sorted(Comparator.reverseOrder()).toList()) {
        Files.delete(p);
      }
    }
  }
}
