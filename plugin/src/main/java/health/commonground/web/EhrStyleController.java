package health.commonground.web;

import com.fasterxml.jackson.databind.JsonNode;
import health.commonground.smart.AppSessions;
import health.commonground.smart.SmartSession;
import jakarta.servlet.http.HttpServletRequest;
import java.net.URI;
import java.net.http.HttpClient;
import java.time.Duration;
import java.time.Instant;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.regex.Pattern;
import org.springframework.http.CacheControl;
import org.springframework.http.MediaType;
import org.springframework.http.ResponseEntity;
import org.springframework.http.client.JdkClientHttpRequestFactory;
import org.springframework.stereotype.Controller;
import org.springframework.web.bind.annotation.GetMapping;
import org.springframework.web.client.RestClient;
import org.springframework.web.client.RestClientException;

/**
 * The EHR's style hint (SMART {@code smart_style_url}, a JSON of colours, sizes and fonts) as a
 * stylesheet of CSS custom properties, so the screens take the EHR's look without inline styles
 * (the CSP allows none). Each value is checked against a strict pattern before it reaches CSS.
 */
@Controller
class EhrStyleController {

  private static final Pattern COLOR =
      Pattern.compile("#[0-9A-Fa-f]{3,8}|[a-z]{3,20}|rgba?\\([0-9., %]{5,40}\\)");
  private static final Pattern DIMENSION =
      Pattern.compile("[0-9]{1,3}(\\.[0-9]{1,3})?(px|rem|em|%)");
  private static final Pattern FONT = Pattern.compile("[A-Za-z0-9 ,'\"\\-]{1,120}");
  private static final Duration KEEP = Duration.ofMinutes(10);

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
  private final RestClient http;
  private final Map<String, Cached> cache = new ConcurrentHashMap<>();

  EhrStyleController(AppSessions sessions) {
    this.sessions = sessions;
    JdkClientHttpRequestFactory factory =
        new JdkClientHttpRequestFactory(
            HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(2)).build());
    factory.setReadTimeout(Duration.ofSeconds(3));
    this.http = RestClient.builder().requestFactory(factory).build();
  }

  @GetMapping(value = "/app/ehr-style.css")
  ResponseEntity<String> style(HttpServletRequest request) {
    String url =
        sessions
            .current(request)
            .map(SmartSession::context)
            .map(c -> c.smartStyleUrl())
            .orElse(null);
    String css = url == null ? "" : css(url);
    return ResponseEntity.ok()
        .contentType(new MediaType("text", "css"))
        .cacheControl(CacheControl.maxAge(KEEP).cachePrivate())
        .body(css);
  }

  private String css(String url) {
    Cached cached = cache.get(url);
    if (cached != null && cached.fetched().plus(KEEP).isAfter(Instant.now())) {
      return cached.css();
    }
    String css = "";
    URI uri = URI.create(url);
    if ("https".equals(uri.getScheme()) || "http".equals(uri.getScheme())) {
      try {
        JsonNode style =
            http.get().uri(uri).accept(MediaType.APPLICATION_JSON).retrieve().body(JsonNode.class);
        css = toCss(style);
      } catch (RestClientException | IllegalArgumentException e) {
        css = "/* The EHR's style could not be read; the app's own style applies. */\n";
      }
    }
    if (cache.size() > 100) {
      cache.clear();
    }
    cache.put(url, new Cached(css, Instant.now()));
    return css;
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
