package health.commonground.loadtest;

import java.io.IOException;
import java.net.http.HttpClient;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.ThreadLocalRandom;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * Benchmark (not a test): many editors change the same few Goals at once for minutes, each reading
 * a Goal and writing it back with {@code If-Match} on the version read. Afterwards every write the
 * server acknowledged (2xx) must be a version in the Goal's history, with the text that editor
 * wrote: anything else is a lost update. Prints lost updates, 5xx answers, conflicts (412) and the
 * server's resident memory at minute 2 and at the end.
 *
 * <pre>
 *   DRIVER=editors loadtest/run.sh                      # 50 editors, 20 Goals, 10 minutes
 *   DRIVER=editors loadtest/run.sh --minutes 3 --editors 50 --goals 20
 * </pre>
 */
final class ConcurrentEditors {

  private static final String FHIR_JSON = "application/fhir+json";
  private static final String CLIENT_GOAL =
      "https://commonground.health/fhir/StructureDefinition/client-goal";
  private static final Pattern VERSION = Pattern.compile("\"versionId\"\\s*:\\s*\"(\\d+)\"");
  private static final Pattern ID = Pattern.compile("\"id\"\\s*:\\s*\"([^\"]+)\"");
  private static final Pattern VERSION_AND_TEXT =
      Pattern.compile(
          "\"versionId\"\\s*:\\s*\"(\\d+)\".*?\"description\"\\s*:\\s*\\{\\s*\"text\"\\s*:\\s*\"([^\"]*)\"",
          Pattern.DOTALL);

  private final String base;
  private final PlainHttp fhir;
  private final BackendAuth auth;
  private final long serverPid;
  private final int editors;
  private final int goalCount;
  private final Duration duration;

  /** Acknowledged writes: Goal id -> version -> the text written. */
  private final Map<String, Map<String, String>> acknowledged = new ConcurrentHashMap<>();

  private final AtomicLong writes = new AtomicLong();
  private final AtomicLong conflicts = new AtomicLong();
  private final AtomicLong serverErrors = new AtomicLong();
  private final AtomicLong otherAnswers = new AtomicLong();
  private final AtomicLong reads = new AtomicLong();
  private final Map<Integer, AtomicLong> statuses = new ConcurrentHashMap<>();

  ConcurrentEditors(
      String base, Path key, long serverPid, int editors, int goals, Duration duration)
      throws IOException {
    this.base = base;
    this.fhir = new PlainHttp(base, 60_000);
    this.auth =
        key == null
            ? null
            : new BackendAuth(
                HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(10)).build(), base, key);
    this.serverPid = serverPid;
    this.editors = editors;
    this.goalCount = goals;
    this.duration = duration;
  }

  static void main(String[] args) throws Exception {
    Map<String, String> options = new HashMap<>();
    for (int i = 0; i + 1 < args.length; i += 2) {
      options.put(args[i].replaceFirst("^--", ""), args[i + 1]);
    }
    if (!options.containsKey("base")) {
      System.err.println(
          "Usage: --base URL [--key FILE] [--server-pid PID] [--minutes 10] [--editors 50]"
              + " [--goals 20]");
      System.exit(2);
    }
    double minutes = Double.parseDouble(options.getOrDefault("minutes", "10"));
    ConcurrentEditors benchmark =
        new ConcurrentEditors(
            options.get("base"),
            options.containsKey("key") ? Path.of(options.get("key")) : null,
            Long.parseLong(options.getOrDefault("server-pid", "-1")),
            Integer.parseInt(options.getOrDefault("editors", "50")),
            Integer.parseInt(options.getOrDefault("goals", "20")),
            Duration.ofMillis((long) (minutes * 60_000)));
    long lost = benchmark.run();
    System.exit(lost == 0 && benchmark.serverErrors.get() == 0 ? 0 : 1);
  }

  long run() throws Exception {
    System.out.printf(
        Locale.ROOT,
        "Concurrent editors: %d editors on %d Goals for %.1f min at %s, load average %s%n",
        editors,
        goalCount,
        duration.toMillis() / 60_000.0,
        base,
        loadAverage());
    String patient =
        create("Patient", "{\"resourceType\":\"Patient\",\"name\":[{\"family\":\"Edits\"}]}");
    List<String> goals = new ArrayList<>();
    for (int i = 0; i < goalCount; i++) {
      goals.add(create("Goal", goal(null, patient, "first words " + i)));
    }
    long start = System.nanoTime();
    long end = start + duration.toNanos();
    ExecutorService pool = Executors.newFixedThreadPool(editors);
    List<Future<?>> running = new ArrayList<>();
    for (int e = 0; e < editors; e++) {
      int editor = e;
      running.add(pool.submit(() -> edit(editor, goals, patient, end)));
    }
    long rssAtTwoMinutes = -1;
    long minuteTwo = start + TimeUnit.MINUTES.toNanos(2);
    while (System.nanoTime() < end) {
      Thread.sleep(1_000);
      if (rssAtTwoMinutes < 0 && System.nanoTime() >= minuteTwo) {
        rssAtTwoMinutes = serverMemoryMegabytes("VmRSS:");
        System.out.printf(
            Locale.ROOT,
            "Minute 2: %d writes acknowledged, %d conflicts, %d 5xx; server VmRSS %d MB%n",
            writes.get(),
            conflicts.get(),
            serverErrors.get(),
            rssAtTwoMinutes);
      }
    }
    for (Future<?> f : running) {
      f.get();
    }
    pool.shutdown();
    double seconds = (System.nanoTime() - start) / 1e9;
    long rssAtEnd = serverMemoryMegabytes("VmRSS:");

    long lost = 0;
    long checked = 0;
    for (String id : goals) {
      Map<String, String> history = history(id);
      for (Map.Entry<String, String> write : acknowledged.getOrDefault(id, Map.of()).entrySet()) {
        checked++;
        if (!write.getValue().equals(history.get(write.getKey()))) {
          lost++;
          if (lost <= 10) {
            System.out.printf(
                Locale.ROOT,
                "LOST: Goal/%s version %s was acknowledged with '%s', history has '%s'%n",
                id,
                write.getKey(),
                write.getValue(),
                history.get(write.getKey()));
          }
        }
      }
    }
    System.out.printf(
        Locale.ROOT,
        "Reads %d, writes acknowledged %d (%.1f/s), conflicts 412 %d, 5xx %d, other answers %d,"
            + " statuses %s%n",
        reads.get(),
        writes.get(),
        writes.get() / seconds,
        conflicts.get(),
        serverErrors.get(),
        otherAnswers.get(),
        new java.util.TreeMap<>(statuses));
    System.out.printf(
        Locale.ROOT,
        "Lost updates: %d of %d acknowledged writes checked against the histories%n",
        lost,
        checked);
    System.out.printf(
        Locale.ROOT,
        "Server resident memory: VmRSS %d MB at minute 2, %d MB at the end (peak VmHWM %d MB);"
            + " load average %s%n",
        rssAtTwoMinutes,
        rssAtEnd,
        serverMemoryMegabytes("VmHWM:"),
        loadAverage());
    return lost;
  }

  private Void edit(int editor, List<String> goals, String patient, long end) {
    int n = 0;
    while (System.nanoTime() < end) {
      String id = goals.get(ThreadLocalRandom.current().nextInt(goals.size()));
      try {
        PlainHttp.Reply read = send("GET", "Goal/" + id, null, null);
        count(read.statusCode());
        reads.incrementAndGet();
        if (read.statusCode() != 200) {
          continue;
        }
        Matcher version = VERSION.matcher(read.body());
        if (!version.find()) {
          otherAnswers.incrementAndGet();
          continue;
        }
        String text = "editor " + editor + " edit " + n++;
        PlainHttp.Reply written =
            send("PUT", "Goal/" + id, goal(id, patient, text), "W/\"" + version.group(1) + "\"");
        count(written.statusCode());
        if (written.statusCode() == 200 || written.statusCode() == 201) {
          Matcher stored = VERSION.matcher(written.body());
          String storedVersion =
              stored.find() ? stored.group(1) : written.header("etag").replaceAll("[^0-9]", "");
          acknowledged.computeIfAbsent(id, k -> new ConcurrentHashMap<>()).put(storedVersion, text);
          writes.incrementAndGet();
        } else if (written.statusCode() == 412 || written.statusCode() == 409) {
          conflicts.incrementAndGet();
        }
      } catch (IOException e) {
        otherAnswers.incrementAndGet();
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
        return null;
      }
    }
    return null;
  }

  private void count(int status) {
    statuses.computeIfAbsent(status, s -> new AtomicLong()).incrementAndGet();
    if (status >= 500) {
      serverErrors.incrementAndGet();
    } else if (status != 200 && status != 201 && status != 412 && status != 409) {
      otherAnswers.incrementAndGet();
    }
  }

  /** Every version of the Goal with its description text. */
  private Map<String, String> history(String id) throws IOException, InterruptedException {
    Map<String, String> versions = new LinkedHashMap<>();
    for (int offset = 0; ; offset += 500) {
      PlainHttp.Reply page =
          send("GET", "Goal/" + id + "/_history?_count=500&_offset=" + offset, null, null);
      if (page.statusCode() != 200) {
        throw new IllegalStateException("History of Goal/" + id + ": " + page.statusCode());
      }
      int before = versions.size();
      Matcher entry = VERSION_AND_TEXT.matcher(page.body());
      while (entry.find()) {
        versions.put(entry.group(1), entry.group(2));
      }
      if (versions.size() - before < 500) {
        return versions;
      }
    }
  }

  private static String goal(String id, String patient, String text) {
    return "{\"resourceType\":\"Goal\","
        + (id == null ? "" : "\"id\":\"" + id + "\",")
        + "\"meta\":{\"profile\":[\""
        + CLIENT_GOAL
        + "\"]},\"language\":\"en\",\"lifecycleStatus\":\"active\","
        + "\"description\":{\"text\":\""
        + text
        + "\"},\"subject\":{\"reference\":\"Patient/"
        + patient
        + "\"},\"expressedBy\":{\"reference\":\"Patient/"
        + patient
        + "\"}}";
  }

  private String create(String type, String body) throws IOException, InterruptedException {
    PlainHttp.Reply reply = send("POST", type, body, null);
    if (reply.statusCode() != 201) {
      throw new IllegalStateException(
          "Creating a " + type + " returned " + reply.statusCode() + ": " + reply.body());
    }
    Matcher id = ID.matcher(reply.body());
    if (!id.find()) {
      throw new IllegalStateException("No id in " + reply.body());
    }
    return id.group(1);
  }

  private PlainHttp.Reply send(String method, String path, String body, String ifMatch)
      throws IOException, InterruptedException {
    Map<String, String> headers = new LinkedHashMap<>();
    headers.put("Accept", FHIR_JSON);
    if (body != null) {
      headers.put("Content-Type", FHIR_JSON);
    }
    if (ifMatch != null) {
      headers.put("If-Match", ifMatch);
    }
    if (auth != null) {
      headers.put("Authorization", "Bearer " + auth.bearer());
    }
    return fhir.send(method, path, headers, body);
  }

  private long serverMemoryMegabytes(String key) {
    if (serverPid <= 0) {
      return -1;
    }
    try {
      for (String line : Files.readAllLines(Path.of("/proc/" + serverPid + "/status"))) {
        if (line.startsWith(key)) {
          return Long.parseLong(line.replaceAll("[^0-9]", "")) / 1024;
        }
      }
    } catch (IOException | RuntimeException e) {
      return -1;
    }
    return -1;
  }

  private static String loadAverage() {
    try {
      return Files.readString(Path.of("/proc/loadavg")).trim();
    } catch (IOException e) {
      return "?";
    }
  }
}
