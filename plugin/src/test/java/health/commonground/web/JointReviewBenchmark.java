package health.commonground.web;

import health.commonground.CommonGroundApplication;
import health.commonground.divergence.AlignmentStrategy;
import health.commonground.divergence.DivergenceDimension;
import health.commonground.divergence.DivergenceService;
import health.commonground.fhir.ResourceWriter;
import health.commonground.security.ActingUser;
import health.commonground.security.ResourceAccess;
import java.net.CookieManager;
import java.net.URI;
import java.net.URLEncoder;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.hl7.fhir.r4.model.Goal;
import org.hl7.fhir.r4.model.Patient;
import org.hl7.fhir.r4.model.Practitioner;
import org.hl7.fhir.r4.model.Reference;
import org.springframework.boot.SpringApplication;
import org.springframework.boot.web.servlet.context.ServletWebServerApplicationContext;
import org.springframework.context.ConfigurableApplicationContext;

/**
 * Server-side figures of the clinician view, printed (not asserted): a client with 60 goals (30 in
 * the client's words, 30 therapist goals, linked in pairs, 20 named divergences with strategies),
 * reached through the real sandbox EHR launch; then the view is fetched over loopback repeatedly.
 * Prints the median and p95 time per page, the page's HTML size and the first visit's transfer (the
 * page and every stylesheet and script it loads).
 *
 * <p>Run with the plugin's test classpath after {@code mvn -pl plugin -am test-compile}, e.g.
 * {@code java -cp <test classpath> health.commonground.web.JointReviewBenchmark} from {@code
 * plugin/} (an IDE's "run main" does the same). It writes the page to
 * target/benchmark-clinician-view.html.
 */
public final class JointReviewBenchmark {

  private static final int WARMUP = 100;
  private static final int RUNS = 200;

  public static void main(String[] args) throws Exception {
    String dataDir = Files.createTempDirectory("cg-web-bench").toString();
    ConfigurableApplicationContext context =
        new SpringApplication(CommonGroundApplication.class)
            .run(
                "--commonground.data-dir=" + dataDir,
                "--commonground.demo.enabled=false",
                "--server.port=0",
                "--server.address=127.0.0.1",
                "--logging.level.root=WARN");
    try {
      int port = ((ServletWebServerApplicationContext) context).getWebServer().getPort();
      String base = "http://127.0.0.1:" + port;
      String[] ids = seed(context);
      HttpClient http =
          HttpClient.newBuilder()
              .cookieHandler(new CookieManager())
              .followRedirects(HttpClient.Redirect.NORMAL)
              .build();
      launch(http, base, ids[0], ids[1]);

      HttpRequest page = HttpRequest.newBuilder(URI.create(base + "/app")).GET().build();
      String html = http.send(page, HttpResponse.BodyHandlers.ofString()).body();
      if (!html.contains("id=\"board\"")) {
        throw new IllegalStateException("The clinician view did not render");
      }
      for (int i = 0; i < WARMUP; i++) {
        http.send(page, HttpResponse.BodyHandlers.discarding());
      }
      long[] nanos = new long[RUNS];
      for (int i = 0; i < RUNS; i++) {
        long start = System.nanoTime();
        http.send(page, HttpResponse.BodyHandlers.ofByteArray());
        nanos[i] = System.nanoTime() - start;
      }
      Arrays.sort(nanos);
      int htmlBytes = html.getBytes(StandardCharsets.UTF_8).length;
      Files.writeString(java.nio.file.Path.of("target/benchmark-clinician-view.html"), html);
      long gzipped =
          http.send(
                  HttpRequest.newBuilder(URI.create(base + "/app"))
                      .header("Accept-Encoding", "gzip")
                      .GET()
                      .build(),
                  HttpResponse.BodyHandlers.ofByteArray())
              .body()
              .length;
      long assets = 0;
      long assetsGzipped = 0;
      List<String> loaded = new ArrayList<>();
      Matcher m = Pattern.compile("(?:href|src)=\"(/[^\"]+\\.(?:css|js))\"").matcher(html);
      while (m.find()) {
        HttpResponse<byte[]> asset =
            http.send(
                HttpRequest.newBuilder(URI.create(base + m.group(1))).GET().build(),
                HttpResponse.BodyHandlers.ofByteArray());
        assets += asset.body().length;
        assetsGzipped +=
            http.send(
                    HttpRequest.newBuilder(URI.create(base + m.group(1)))
                        .header("Accept-Encoding", "gzip")
                        .GET()
                        .build(),
                    HttpResponse.BodyHandlers.ofByteArray())
                .body()
                .length;
        loaded.add(m.group(1) + " " + asset.body().length + " B");
      }
      System.out.printf(
          "Clinician view, 60 goals, 20 divergences: median %.1f ms, p95 %.1f ms over %d requests%n",
          nanos[RUNS / 2] / 1e6, nanos[(int) (RUNS * 0.95)] / 1e6, RUNS);
      System.out.printf("Page HTML: %.1f KB%n", htmlBytes / 1024.0);
      loaded.forEach(a -> System.out.println("  asset " + a));
      System.out.printf(
          "First visit transfer (HTML + assets, uncompressed): %.1f KB%n",
          (htmlBytes + assets) / 1024.0);
      System.out.printf(
          "First visit transfer (HTML + assets, gzip): %.1f KB%n",
          (gzipped + assetsGzipped) / 1024.0);
    } finally {
      context.close();
    }
  }

  /** A clinician and a client with 60 goals; answers their ids. */
  private static String[] seed(ConfigurableApplicationContext context) {
    ResourceWriter writer = context.getBean(ResourceWriter.class);
    GoalActions actions = context.getBean(GoalActions.class);
    DivergenceService divergences = context.getBean(DivergenceService.class);
    Practitioner clinician = new Practitioner();
    clinician.addName().setFamily("Bench").addGiven("Robin");
    String practitioner =
        writer
            .create(clinician, null, ResourceAccess.system(ActingUser.SYSTEM))
            .resource()
            .getIdElement()
            .getIdPart();
    Patient client = new Patient();
    client.addName().setFamily("Sixty").addGiven("Sam");
    client.addGeneralPractitioner(new Reference("Practitioner/" + practitioner));
    String patient =
        writer
            .create(client, null, ResourceAccess.system(ActingUser.SYSTEM))
            .resource()
            .getIdElement()
            .getIdPart();
    ResourceAccess therapist =
        ResourceAccess.system(ActingUser.SYSTEM)
            .actingAs(new ActingUser("Practitioner", practitioner, "Robin Bench"));
    for (int i = 0; i < 30; i++) {
      Goal mine =
          actions.recordClientGoal(
              patient,
              "In my own words, goal number "
                  + i
                  + ": I want my evenings back and to feel less on edge at work",
              i % 3 == 0 ? "es" : "en",
              therapist);
      Goal theirs =
          actions.addTherapistGoal(
              patient,
              "Therapist goal "
                  + i
                  + ": reduce avoidance and rumination, measured by weekly self-monitoring",
              "en",
              therapist);
      String mineId = mine.getIdElement().getIdPart();
      String theirsRef = "Goal/" + theirs.getIdElement().getIdPart();
      if (i < 20) {
        Goal named =
            divergences.nameDivergence(
                mineId,
                theirsRef,
                List.of(DivergenceDimension.values()[i % 5]),
                "Named in session " + i,
                null,
                therapist);
        divergences.logStrategy(
            mineId,
            theirsRef,
            AlignmentStrategy.values()[i % 6],
            null,
            "Talked it through",
            null,
            therapist);
      } else {
        divergences.link(mineId, theirsRef, null, therapist);
      }
    }
    return new String[] {practitioner, patient};
  }

  /** The sandbox EHR launch, as a browser does it: launcher form, authorization, callback. */
  private static void launch(HttpClient http, String base, String practitioner, String patient)
      throws Exception {
    String form =
        http.send(
                HttpRequest.newBuilder(URI.create(base + "/sandbox/launch")).GET().build(),
                HttpResponse.BodyHandlers.ofString())
            .body();
    Matcher csrf = Pattern.compile("name=\"_csrf\" value=\"([^\"]+)\"").matcher(form);
    if (!csrf.find()) {
      throw new IllegalStateException("No CSRF token on the sandbox launcher");
    }
    Map<String, String> fields =
        Map.of(
            "_csrf", csrf.group(1),
            "practitioner", "Practitioner/" + practitioner,
            "patient", "Patient/" + patient,
            "app", base + "/launch",
            "banner", "true");
    StringBuilder body = new StringBuilder();
    fields.forEach(
        (k, v) ->
            body.append(body.isEmpty() ? "" : "&")
                .append(k)
                .append('=')
                .append(URLEncoder.encode(v, StandardCharsets.UTF_8)));
    HttpResponse<String> landed =
        http.send(
            HttpRequest.newBuilder(URI.create(base + "/sandbox/launch"))
                .header("Content-Type", "application/x-www-form-urlencoded")
                .POST(HttpRequest.BodyPublishers.ofString(body.toString()))
                .build(),
            HttpResponse.BodyHandlers.ofString());
    if (!landed.uri().getPath().equals("/app")) {
      throw new IllegalStateException(
          "The launch ended at " + landed.uri() + " (" + landed.statusCode() + ")");
    }
  }

  private JointReviewBenchmark() {}
}
