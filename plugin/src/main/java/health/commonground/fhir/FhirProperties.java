package health.commonground.fhir;

import org.springframework.boot.context.properties.ConfigurationProperties;

/** Settings of the FHIR API, under {@code commonground.fhir}. */
@ConfigurationProperties("commonground.fhir")
public record FhirProperties(
    String baseUrl, int defaultPageSize, int maxPageSize, long maxBodyBytes) {

  public FhirProperties {
    if (defaultPageSize <= 0) {
      defaultPageSize = 20;
    }
    if (maxPageSize <= 0) {
      maxPageSize = 500;
    }
    if (maxBodyBytes <= 0) {
      maxBodyBytes = 5_000_000;
    }
  }
}
