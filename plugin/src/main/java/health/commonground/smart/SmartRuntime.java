package health.commonground.smart;

import java.net.http.HttpClient;
import java.time.Clock;
import java.time.Duration;
import org.springframework.http.client.JdkClientHttpRequestFactory;
import org.springframework.stereotype.Component;
import org.springframework.web.client.RestClient;

/**
 * The SMART client's own HTTP client (short timeouts: a slow EHR must not hang the browser) and
 * clock. Kept private to this package rather than published as general-purpose beans.
 */
@Component
class SmartRuntime {

  private final RestClient http;
  private final Clock clock = Clock.systemUTC();

  SmartRuntime(RestClient.Builder builder) {
    HttpClient client =
        HttpClient.newBuilder()
            .connectTimeout(Duration.ofSeconds(5))
            .followRedirects(HttpClient.Redirect.NEVER)
            .build();
    JdkClientHttpRequestFactory factory = new JdkClientHttpRequestFactory(client);
    factory.setReadTimeout(Duration.ofSeconds(15));
    this.http = builder.clone().requestFactory(factory).build();
  }

  RestClient http() {
    return http;
  }

  Clock clock() {
    return clock;
  }
}
