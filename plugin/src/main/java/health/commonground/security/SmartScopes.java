package health.commonground.security;

import java.util.List;

/** The SMART scopes this server understands, as advertised in its smart-configuration. */
public final class SmartScopes {

  private SmartScopes() {}

  /** Launch, identity and refresh scopes. */
  public static final List<String> LAUNCH =
      List.of(
          "openid",
          "fhirUser",
          "launch",
          "launch/patient",
          "launch/encounter",
          "offline_access",
          "online_access");

  /** Clinical scopes advertised; v1 and v2 forms of any type are accepted alike. */
  public static final List<String> CLINICAL =
      List.of(
          "patient/*.rs",
          "patient/*.cruds",
          "patient/Goal.rs",
          "patient/Goal.cruds",
          "patient/Patient.rs",
          "patient/Provenance.rs",
          "user/*.rs",
          "user/*.cruds",
          "user/Goal.rs",
          "user/Goal.cruds",
          "system/*.rs",
          "system/*.cruds",
          "system/AuditEvent.rs",
          "patient/*.read",
          "patient/*.write",
          "patient/Goal.read",
          "user/*.read",
          "user/*.write",
          "user/*.*",
          "system/*.read");

  public static List<String> supported() {
    return java.util.stream.Stream.concat(LAUNCH.stream(), CLINICAL.stream()).toList();
  }
}
