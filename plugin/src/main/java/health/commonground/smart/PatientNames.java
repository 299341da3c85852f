package health.commonground.smart;

import com.fasterxml.jackson.databind.JsonNode;

/** A Patient's display name from its FHIR JSON: the first name's text, or given + family. */
final class PatientNames {

  private PatientNames() {}

  static String display(JsonNode patient) {
    if (patient == null || !"Patient".equals(patient.path("resourceType").asText())) {
      return null;
    }
    JsonNode name = patient.path("name").path(0);
    if (name.hasNonNull("text")) {
      return name.get("text").asText();
    }
    StringBuilder display = new StringBuilder();
    name.path("given").forEach(given -> display.append(given.asText()).append(' '));
    display.append(name.path("family").asText(""));
    String result = display.toString().trim();
    return result.isEmpty() ? null : result;
  }
}
