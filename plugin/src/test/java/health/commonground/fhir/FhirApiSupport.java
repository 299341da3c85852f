package health.commonground.fhir;

import static org.assertj.core.api.Assertions.assertThat;

import ca.uhn.fhir.context.FhirContext;
import ca.uhn.fhir.rest.client.api.IGenericClient;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import org.hl7.fhir.instance.model.api.IBaseResource;
import org.hl7.fhir.instance.model.api.IIdType;
import org.hl7.fhir.r4.model.Bundle;
import org.hl7.fhir.r4.model.Goal;
import org.hl7.fhir.r4.model.Identifier;
import org.hl7.fhir.r4.model.OperationOutcome;
import org.hl7.fhir.r4.model.Patient;
import org.hl7.fhir.r4.model.Practitioner;
import org.hl7.fhir.r4.model.Resource;

/**
 * What every FHIR API scenario needs: a HAPI generic client and a raw HTTP client against the
 * started application, fixtures, and small builders. Implemented once per database.
 */
interface FhirApiSupport {

  /** The types the store holds; their history totals together count every version written. */
  List<String> STORED_TYPES =
      List.of("Goal", "Patient", "Practitioner", "PractitionerRole", "RelatedPerson", "Provenance");

  String TEST_SYSTEM = "urn:commonground:test";

  FhirContext fhir();

  IGenericClient client();

  /** {@code http://127.0.0.1:port/fhir}, no trailing slash. */
  String base();

  HttpClient http();

  /** A current bearer token for the FHIR API (a backend service's, with every permission). */
  String accessToken();

  /** A backend service's token that may read the AuditEvent log. */
  String auditorToken();

  // ---- raw HTTP --------------------------------------------------------------------------------

  record Response(int status, java.net.http.HttpHeaders headers, String body) {
    String header(String name) {
      return headers.firstValue(name).orElse(null);
    }
  }

  default Response send(HttpRequest.Builder request) {
    try {
      HttpResponse<String> response =
          http().send(request.build(), HttpResponse.BodyHandlers.ofString(StandardCharsets.UTF_8));
      return new Response(response.statusCode(), response.headers(), response.body());
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new IllegalStateException(e);
    }
  }

  /** {@code path} is relative to the FHIR base and already URL-encoded where it needs to be. */
  default HttpRequest.Builder request(String path) {
    return HttpRequest.newBuilder(URI.create(base() + (path.isEmpty() ? "" : "/" + path)))
        .header("Authorization", "Bearer " + accessToken());
  }

  default Response get(String path, String... headers) {
    HttpRequest.Builder request = request(path).GET();
    for (int i = 0; i < headers.length; i += 2) {
      request.setHeader(headers[i], headers[i + 1]);
    }
    return send(request);
  }

  default Response post(String path, String contentType, String body, String... headers) {
    HttpRequest.Builder request =
        request(path)
            .header("Content-Type", contentType)
            .POST(HttpRequest.BodyPublishers.ofString(body, StandardCharsets.UTF_8));
    for (int i = 0; i < headers.length; i += 2) {
      request.header(headers[i], headers[i + 1]);
    }
    return send(request);
  }

  default Response put(String path, String body, String... headers) {
    HttpRequest.Builder request =
        request(path)
            .header("Content-Type", "application/fhir+json")
            .PUT(HttpRequest.BodyPublishers.ofString(body, StandardCharsets.UTF_8));
    for (int i = 0; i < headers.length; i += 2) {
      request.header(headers[i], headers[i + 1]);
    }
    return send(request);
  }

  default String json(IBaseResource resource) {
    return fhir().newJsonParser().encodeResourceToString(resource);
  }

  default <T extends IBaseResource> T parse(Class<T> type, Response response) {
    String contentType = response.header("Content-Type");
    boolean xml = contentType != null && contentType.contains("xml");
    return (xml ? fhir().newXmlParser() : fhir().newJsonParser())
        .parseResource(type, response.body());
  }

  /** The response is a FHIR error a user can act on: an OperationOutcome with an error issue. */
  default OperationOutcome assertOperationOutcome(Response response) {
    assertThat(response.header("Content-Type"))
        .as("content type of %s", response.body())
        .contains("fhir");
    OperationOutcome outcome = parse(OperationOutcome.class, response);
    assertThat(outcome.getIssue())
        .as("issues of %s", response.body())
        .anySatisfy(
            issue ->
                assertThat(issue.getSeverity())
                    .isIn(
                        OperationOutcome.IssueSeverity.ERROR,
                        OperationOutcome.IssueSeverity.FATAL));
    return outcome;
  }

  /** Every issue message and location of an OperationOutcome, as one string to assert on. */
  default String describe(OperationOutcome outcome) {
    StringBuilder text = new StringBuilder();
    outcome
        .getIssue()
        .forEach(
            issue -> {
              text.append(issue.getDiagnostics()).append(" @ ");
              issue.getExpression().forEach(e -> text.append(e.getValue()).append(' '));
              issue.getLocation().forEach(l -> text.append(l.getValue()).append(' '));
              text.append('\n');
            });
    return text.toString();
  }

  // ---- store size
  // --------------------------------------------------------------------------------

  /** Number of versions of every stored type: any write, of any kind, changes it. */
  default long storeSize() {
    long total = 0;
    for (String type : STORED_TYPES) {
      Response response = get(type + "/_history?_count=0");
      assertThat(response.status()).as(response.body()).isEqualTo(200);
      total += parse(Bundle.class, response).getTotal();
    }
    return total;
  }

  // ---- fixtures and builders
  // ---------------------------------------------------------------------

  static String fixture(String name) {
    try (InputStream in = FhirApiSupport.class.getResourceAsStream("/fixtures/" + name)) {
      if (in == null) {
        throw new IllegalArgumentException("No fixture " + name);
      }
      return new String(in.readAllBytes(), StandardCharsets.UTF_8);
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  /** A fixture with its {@code ${name}} placeholders filled in. */
  static String fixture(String name, Map<String, String> values) {
    String text = fixture(name);
    for (Map.Entry<String, String> value : values.entrySet()) {
      text = text.replace("${" + value.getKey() + "}", value.getValue());
    }
    return text;
  }

  default <T extends Resource> T fixture(Class<T> type, String name, Map<String, String> values) {
    return fhir().newJsonParser().parseResource(type, fixture(name, values));
  }

  default <T extends Resource> T create(T resource) {
    @SuppressWarnings("unchecked")
    T created = (T) client().create().resource(resource).execute().getResource();
    return created;
  }

  /** Updates with If-Match on the version the resource carries; returns the stored version. */
  default <T extends Resource> T update(T resource) {
    @SuppressWarnings("unchecked")
    T updated = (T) client().update().resource(resource).execute().getResource();
    return updated;
  }

  default Patient newPatient() {
    return create(
        fixture(Patient.class, "patient.json", Map.of("mrn", "MRN-" + UUID.randomUUID())));
  }

  default Practitioner newPractitioner() {
    return create(
        fixture(
            Practitioner.class,
            "practitioner.json",
            Map.of("staffId", "PSY-" + UUID.randomUUID())));
  }

  default Goal clientGoal(IIdType patient) {
    return fixture(Goal.class, "client-goal.json", Map.of("patient", relative(patient)));
  }

  default Goal therapistGoal(IIdType patient, IIdType practitioner) {
    return fixture(
        Goal.class,
        "therapist-goal.json",
        Map.of("patient", relative(patient), "practitioner", relative(practitioner)));
  }

  default Goal sharedGoal(
      IIdType patient, IIdType practitioner, IIdType clientGoal, IIdType therapistGoal) {
    return fixture(
        Goal.class,
        "shared-goal.json",
        Map.of(
            "patient", relative(patient),
            "practitioner", relative(practitioner),
            "clientGoal", relative(clientGoal),
            "therapistGoal", relative(therapistGoal)));
  }

  /** A client goal with a business identifier unique to the test. */
  default Goal clientGoal(IIdType patient, String identifier) {
    Goal goal = clientGoal(patient);
    goal.addIdentifier(new Identifier().setSystem(TEST_SYSTEM).setValue(identifier));
    return goal;
  }

  static String relative(IIdType id) {
    return id.toUnqualifiedVersionless().getValue();
  }
}
