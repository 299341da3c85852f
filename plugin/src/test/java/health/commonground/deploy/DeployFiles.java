package health.commonground.deploy;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.yaml.snakeyaml.Yaml;

/** What {@code deploy/} gives the running container: the image's ENV and the manifest's. */
final class DeployFiles {

  static final Path DEPLOY = Path.of(System.getProperty("deploy.dir", "../deploy"));
  static final Path MANIFEST = DEPLOY.resolve("kubernetes/common-ground.yaml");
  static final Path DOCKERFILE = DEPLOY.resolve("Dockerfile");

  private static final Pattern ENV_PAIR =
      Pattern.compile("([A-Za-z_][A-Za-z0-9_]*)=(\"[^\"]*\"|\\S*)");

  private DeployFiles() {}

  /** Every document of the Kubernetes manifest. */
  @SuppressWarnings("unchecked")
  static List<Map<String, Object>> manifest() {
    List<Map<String, Object>> documents = new ArrayList<>();
    for (Object document : new Yaml().loadAll(read(MANIFEST))) {
      if (document != null) {
        documents.add((Map<String, Object>) document);
      }
    }
    return documents;
  }

  /** The manifest's document of this kind. */
  static Map<String, Object> manifestOf(String kind) {
    return manifest().stream()
        .filter(document -> kind.equals(document.get("kind")))
        .findFirst()
        .orElseThrow(() -> new AssertionError("no " + kind + " in " + MANIFEST));
  }

  /** The Deployment's one application container. */
  @SuppressWarnings("unchecked")
  static Map<String, Object> container() {
    Map<String, Object> pod = podSpec();
    List<Map<String, Object>> containers = (List<Map<String, Object>>) pod.get("containers");
    return containers.get(0);
  }

  @SuppressWarnings("unchecked")
  static Map<String, Object> podSpec() {
    Map<String, Object> spec = (Map<String, Object>) manifestOf("Deployment").get("spec");
    Map<String, Object> template = (Map<String, Object>) spec.get("template");
    return (Map<String, Object>) template.get("spec");
  }

  /** The container's environment entries, in order. */
  @SuppressWarnings("unchecked")
  static List<Map<String, Object>> containerEnv() {
    Object env = container().get("env");
    return env == null ? List.of() : (List<Map<String, Object>>) env;
  }

  /** The environment variables the manifest sets to a literal value. */
  static Map<String, String> manifestValues() {
    Map<String, String> values = new LinkedHashMap<>();
    for (Map<String, Object> entry : containerEnv()) {
      if (entry.containsKey("value")) {
        values.put((String) entry.get("name"), String.valueOf(entry.get("value")));
      }
    }
    return values;
  }

  /** The {@code ENV} of the image's last stage (the one that runs). */
  static Map<String, String> dockerfileEnv() {
    String text = read(DOCKERFILE).replace("\\\n", " ");
    List<String> lines = text.lines().toList();
    int lastFrom = 0;
    for (int i = 0; i < lines.size(); i++) {
      if (lines.get(i).startsWith("FROM ")) {
        lastFrom = i;
      }
    }
    Map<String, String> env = new LinkedHashMap<>();
    for (String line : lines.subList(lastFrom, lines.size())) {
      if (line.startsWith("ENV ")) {
        Matcher pair = ENV_PAIR.matcher(line.substring(4));
        while (pair.find()) {
          env.put(pair.group(1), pair.group(2).replace("\"", ""));
        }
      }
    }
    return env;
  }

  /** The image's {@code USER}. */
  static String dockerfileUser() {
    String user = null;
    for (String line : read(DOCKERFILE).lines().toList()) {
      if (line.startsWith("USER ")) {
        user = line.substring(5).trim();
      }
    }
    return user;
  }

  static String read(Path file) {
    try {
      return Files.readString(file);
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }
}
