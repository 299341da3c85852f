package health.commonground.web;

import health.commonground.fhir.FhirProperties;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.boot.context.event.ApplicationReadyEvent;
import org.springframework.boot.web.context.WebServerApplicationContext;
import org.springframework.context.event.EventListener;
import org.springframework.core.Ordered;
import org.springframework.core.annotation.Order;
import org.springframework.core.env.Environment;
import org.springframework.stereotype.Component;

/** Tells whoever started the server where to open it, once everything (demo data too) is ready. */
@Component
class StartupMessage {

  private static final Logger log = LoggerFactory.getLogger(StartupMessage.class);

  private final Environment environment;
  private final FhirProperties fhirProperties;

  StartupMessage(Environment environment, FhirProperties fhirProperties) {
    this.environment = environment;
    this.fhirProperties = fhirProperties;
  }

  @EventListener
  @Order(Ordered.LOWEST_PRECEDENCE)
  public void onApplicationReady(ApplicationReadyEvent event) {
    if (!(event.getApplicationContext() instanceof WebServerApplicationContext web)) {
      return;
    }
    String root = "http://" + host() + ":" + web.getWebServer().getPort();
    String fhir =
        fhirProperties.baseUrl() == null || fhirProperties.baseUrl().isBlank()
            ? root + "/fhir"
            : fhirProperties.baseUrl();
    log.info("Common Ground is ready: open {}/ (FHIR API at {})", root, fhir);
  }

  private String host() {
    String address = environment.getProperty("server.address", "");
    if (address.isBlank() || address.equals("0.0.0.0") || address.equals("::")) {
      return "localhost";
    }
    return address.contains(":") ? "[" + address + "]" : address;
  }
}
