package health.commonground.keycloak;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;

import java.util.Map;
import org.junit.jupiter.api.Test;

class SmartLaunchContextTest {

  @Test
  void patientIdComesFromAPatientFhirUserOnly() {
    assertEquals(
        "client-sam", SmartLaunchContextMapper.patientId("https://ehr/fhir/Patient/client-sam"));
    assertEquals("42", SmartLaunchContextMapper.patientId("Patient/42"));
    assertNull(
        SmartLaunchContextMapper.patientId("https://ehr/fhir/Practitioner/therapist-okafor"));
    assertNull(SmartLaunchContextMapper.patientId("https://ehr/fhir/RelatedPatient/1"));
    assertNull(SmartLaunchContextMapper.patientId("https://ehr/fhir/Patient/a/b"));
    assertNull(SmartLaunchContextMapper.patientId(null));
  }

  @Test
  void launchContextIsValidatedFieldByField() {
    Map<String, String> context =
        SmartLaunchResource.parse(
            "{\"patient\":\"client-sam\",\"encounter\":\"e1\",\"need_patient_banner\":true,"
                + "\"smart_style_url\":\"https://ehr/style.json\","
                + "\"fhirContext\":[{\"reference\":\"Goal/1\"}]}");
    assertEquals("client-sam", context.get("patient"));
    assertEquals("true", context.get("need_patient_banner"));
    assertEquals("[{\"reference\":\"Goal/1\"}]", context.get("fhirContext"));
  }

  @Test
  void badLaunchContextsAreRefused() {
    assertThrows(IllegalArgumentException.class, () -> SmartLaunchResource.parse("not json"));
    assertThrows(IllegalArgumentException.class, () -> SmartLaunchResource.parse("[]"));
    assertThrows(
        IllegalArgumentException.class, () -> SmartLaunchResource.parse("{\"patient\":\"../x\"}"));
    assertThrows(
        IllegalArgumentException.class, () -> SmartLaunchResource.parse("{\"patient\":1}"));
    assertThrows(
        IllegalArgumentException.class, () -> SmartLaunchResource.parse("{\"tenant\":\"x\"}"));
    assertThrows(
        IllegalArgumentException.class, () -> SmartLaunchResource.parse("{\"fhirContext\":\"x\"}"));
    assertThrows(
        IllegalArgumentException.class,
        () -> SmartLaunchResource.parse("{\"need_patient_banner\":\"yes\"}"));
  }
}
