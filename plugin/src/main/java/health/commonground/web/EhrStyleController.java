package health.commonground.web;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import health.commonground.smart.AppSessions;
import jakarta.servlet.http.HttpServletRequest;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.net.URI;
import java.net.URISyntaxException;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.ByteBuffer;
import java.time.Duration;
import java.time.Instant;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.Flow;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.regex.Pattern;
import org.springframework.http.CacheControl;
import org.springframework.http.MediaType;
import org.springframework.http.ResponseEntity;
import org.springframework.stereotype.Controller;
import org.springframework.web.bind.annotation.GetMapping;

/**
 * The EHR's style hint (SMART {@code smart_style_url}, a JSON of colours, sizes and fonts) as a
 * stylesheet of CSS custom properties, so the screens take the EHR's look without inline styles
 * (the CSP allows none). Each value is checked against a strict pattern before it reaches CSS.
 *
 * <p>The server fetches the hint only from the launching EHR's own origin (scheme, host and port of
 * its {@code iss}), so a token response cannot make it call another server; without following
 * redirects, within 2 s to connect and 3 s in all, and at most 64 KB.
 */
@Controller
class EhrStyleController {

  private static final Pattern COLOR =
      Pattern.compile("#[0-9A-Fa-f]{3,8}|[a-z]{3,20}|rgba?\\([0-9., %]{5,40}\\)");
  private static final Pattern DIMENSION =
      Pattern.compile("[0-9]{1,3}(\\.[0-9]{1,3})?(px|rem|em|%)");
  private static final Pattern FONT = Pattern.compile("[A-Za-z0-9 ,'\"\\-]{1,120}");
  private static final Duration KEEP = Duration.ofMinutes(10);
  static final int MAX_BYTES = 64 * 1024;
  static final Duration READ_TIMEOUT = Duration.ofSeconds(3);
  private static final ObjectMapper JSON = new ObjectMapper();

  /** SMART style property → our custom property, with the check its value must pass. */
  private static final Map<String, Map.Entry<String, Pattern>> PROPERTIES = new LinkedHashMap<>();

  static {
    PROPERTIES.put("color_background", Map.entry("--cg-ehr-bg", COLOR));
    PROPERTIES.put("color_text", Map.entry("--cg-ehr-text", COLOR));
    PROPERTIES.put("color_highlight", Map.entry("--cg-ehr-highlight", COLOR));
    PROPERTIES.put("color_error", Map.entry("--cg-ehr-error", COLOR));
    PROPERTIES.put("color_success", Map.entry("--cg-ehr-success", COLOR));
    PROPERTIES.put("dim_border_radius", Map.entry("--cg-ehr-radius", DIMENSION));
    PROPERTIES.put("dim_font_size", Map.entry("--cg-ehr-font-size", DIMENSION));
    PROPERTIES.put("dim_spacing_size", Map.entry("--cg-ehr-spacing", DIMENSION));
    PROPERTIES.put("font_family_body", Map.entry("--cg-ehr-font", FONT));
    PROPERTIES.put("font_family_heading", Map.entry("--cg-ehr-heading-font", FONT));
  }

  private record Cached(String css, Instant fetched) {}

  private final AppSessions sessions;
  private final HttpClient http =
      HttpClient.newBuilder()
          .connectTimeout(Duration.ofSeconds(2))
          .followRedirects(HttpClient.Redirect.NEVER)
          .build();
  private final Map<String, Cached> cache = new ConcurrentHashMap<>();

  EhrStyleController(AppSessions sessions) {
    this.sessions = sessions;
  }

  @GetMapping(value = "/app/ehr-style.css")
  ResponseEntity<String> style(HttpServletRequest request) {
    String css =
        sessions
            .current(request)
            .filter(s -> s.context().smartStyleUrl() != null)
            .filter(s -> sameOrigin(s.context().smartStyleUrl(), s.iss()))
            .map(s -> css(s.context().smartStyleUrl()))
            .orElse("");
    return ResponseEntity.ok()
        .contentType(new MediaType("text", "css"))
        .cacheControl(CacheControl.maxAge(KEEP).cachePrivate())
        .body(css);
  }

  /** Whether the style URL is on the EHR's own origin (scheme, host and port of its iss). */
  static boolean sameOrigin(String styleUrl, String iss) {
    try {
      URI style = new URI(styleUrl);
      URI ehr = new URI(iss);
      return style.getScheme() != null
          && (style.getScheme().equals("https") || style.getScheme().equals("http"))
          && style.getRawUserInfo() == null
          && style.getScheme().equalsIgnoreCase(ehr.getScheme())
          && style.getHost() != null
          && style.getHost().equalsIgnoreCase(ehr.getHost())
          && port(style) == port(ehr);
    } catch (URISyntaxException | RuntimeException e) {
      return false;
    }
  }

  private static int port(URI uri) {
    return uri.getPort() > 0 ? uri.getPort() : "https".equalsIgnoreCase(uri.getScheme()) ? 443 : 80;
  }

  private String css(String url) {
    Cached cached = cache.get(url);
    if (cached != null && cached.fetched().plus(KEEP).isAfter(Instant.now())) {
      return cached.css();
    }
    String css;
    try {
      css = toCss(fetch(URI.create(url)));
    } catch (IOException | RuntimeException e) {
      css = "/* The EHR's style could not be read; the app's own style applies. */\n";
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      return "";
    }
    if (cache.size() > 100) {
      cache.clear();
    }
    cache.put(url, new Cached(css, Instant.now()));
    return css;
  }

  /**
   * The style JSON at the URI: the whole answer within 3 s (headers and body; a server dripping its
   * body slowly is cut off), at most 64 KB (reading stops beyond), HTTP 200 only.
   */
  JsonNode fetch(URI uri) throws IOException, InterruptedException {
    CompletableFuture<HttpResponse<byte[]>> answer =
        http.sendAsync(
            HttpRequest.newBuilder(uri)
                .timeout(READ_TIMEOUT)
                .header("Accept", MediaType.APPLICATION_JSON_VALUE)
                .GET()
                .build(),
            info ->
                HttpResponse.BodySubscribers.fromSubscriber(new CappedBody(), CappedBody::bytes));
    HttpResponse<byte[]> response;
    try {
      response = answer.get(READ_TIMEOUT.toMillis(), TimeUnit.MILLISECONDS);
    } catch (TimeoutException e) {
      answer.cancel(true);
      throw new IOException("no complete answer within " + READ_TIMEOUT.toSeconds() + " s");
    } catch (ExecutionException e) {
      throw new IOException(e.getCause());
    }
    if (response.statusCode() != 200) {
      throw new IOException("HTTP " + response.statusCode());
    }
    return JSON.readTree(response.body());
  }

  /** Collects a response body up to {@link #MAX_BYTES}; beyond that it stops reading. */
  private static final class CappedBody implements Flow.Subscriber<List<ByteBuffer>> {
    private final ByteArrayOutputStream bytes = new ByteArrayOutputStream();
    private Flow.Subscription subscription;
    private boolean tooLarge;

    @Override
    public void onSubscribe(Flow.Subscription subscription) {
      this.subscription = subscription;
      subscription.request(Long.MAX_VALUE);
    }

    @Override
    public void onNext(List<ByteBuffer> buffers) {
      for (ByteBuffer buffer : buffers) {
        byte[] chunk = new byte[buffer.remaining()];
        buffer.get(chunk);
        bytes.write(chunk, 0, chunk.length);
      }
      if (bytes.size() > MAX_BYTES && !tooLarge) {
        tooLarge = true;
        subscription.cancel();
      }
    }

    @Override
    public void onError(Throwable error) {}

    @Override
    public void onComplete() {}

    byte[] bytes() {
      if (tooLarge) {
        throw new IllegalStateException("style larger than " + MAX_BYTES + " bytes");
      }
      return bytes.toByteArray();
    }
  }

  static String toCss(JsonNode style) {
    if (style == null || !style.isObject()) {
      return "";
    }
    StringBuilder css = new StringBuilder(":root {\n");
    PROPERTIES.forEach(
        (name, target) -> {
          JsonNode value = style.get(name);
          if (value != null
              && value.isTextual()
              && target.getValue().matcher(value.asText().trim()).matches()) {
            css.append("  ")
                .append(target.getKey())
                .append(": ")
                .append(value.asText().trim())
                .append(";\n");
          }
        });
    return css.append("}\n").toString();
  }
}
