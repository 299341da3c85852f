package health.commonground.smart;

import com.fasterxml.jackson.databind.JsonNode;
import java.net.URI;
import java.time.Clock;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.http.MediaType;
import org.springframework.stereotype.Component;
import org.springframework.web.client.RestClient;
import org.springframework.web.client.RestClientException;

/** Reads and caches each EHR's SMART configuration. */
@Component
class SmartDiscovery {

  private static final Logger log = LoggerFactory.getLogger(SmartDiscovery.class);

  private final RestClient http;
  private final SmartProperties properties;
  private final Clock clock;
  private final Map<String, Cached> cache = new ConcurrentHashMap<>();

  SmartDiscovery(SmartRuntime runtime, SmartProperties properties) {
    this.http = runtime.http();
    this.properties = properties;
    this.clock = runtime.clock();
  }

  SmartConfiguration discover(String iss) {
    Cached cached = cache.get(iss);
    Instant now = clock.instant();
    if (cached != null && cached.expires.isAfter(now)) {
      return cached.configuration;
    }
    SmartConfiguration configuration = fetch(iss);
    cache.put(iss, new Cached(configuration, now.plus(properties.discoveryCacheTtl())));
    return configuration;
  }

  private SmartConfiguration fetch(String iss) {
    JsonNode document;
    try {
      document =
          http.get()
              .uri(URI.create(iss + "/.well-known/smart-configuration"))
              .accept(MediaType.APPLICATION_JSON)
              .retrieve()
              .body(JsonNode.class);
    } catch (RestClientException e) {
      log.warn("SMART discovery failed for {}: {}", iss, e.getMessage());
      throw new SmartLaunchException(
          "The EHR's SMART configuration could not be read. Try again later.", 502);
    }
    if (document == null) {
      throw new SmartLaunchException("The EHR's SMART configuration is empty.", 502);
    }
    return parse(iss, document);
  }

  static SmartConfiguration parse(String iss, JsonNode document) {
    String authorize = text(document, "authorization_endpoint");
    String token = text(document, "token_endpoint");
    if (authorize == null || token == null) {
      throw new SmartLaunchException(
          "The EHR's SMART configuration names no authorization or token endpoint.", 502);
    }
    List<String> methods = strings(document, "code_challenge_methods_supported");
    // SMART 2 requires S256; a server that does not offer it cannot be launched from safely.
    if (!methods.contains("S256")) {
      throw new SmartLaunchException(
          "The EHR's authorization server does not support PKCE with S256; the app will not launch"
              + " without it.",
          502);
    }
    return new SmartConfiguration(
        text(document, "issuer"),
        authorize,
        token,
        text(document, "jwks_uri"),
        text(document, "revocation_endpoint"),
        methods,
        strings(document, "capabilities"));
  }

  private static String text(JsonNode node, String field) {
    JsonNode value = node.get(field);
    return value != null && value.isTextual() && !value.asText().isBlank() ? value.asText() : null;
  }

  private static List<String> strings(JsonNode node, String field) {
    List<String> values = new ArrayList<>();
    JsonNode array = node.get(field);
    if (array != null && array.isArray()) {
      array.forEach(value -> values.add(value.asText()));
    }
    return values;
  }

  private record Cached(SmartConfiguration configuration, Instant expires) {}
}
