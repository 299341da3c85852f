package health.commonground.web;

import ca.uhn.fhir.rest.server.exceptions.BaseServerResponseException;
import java.util.Set;

/**
 * What a refused action tells the person. Our own short codes (from form checks) become a message
 * of their own; the services' explanations are shown under a headline that says what kind of
 * refusal it was.
 */
final class ErrorMessages {

  /** Codes the web layer raises itself; each has a message {@code error.<code>}. */
  private static final Set<String> OWN =
      Set.of(
          "text-required",
          "text-too-long",
          "language-invalid",
          "translation-same-language",
          "dimension-required",
          "strategy-required",
          "status-required",
          "version-required");

  private ErrorMessages() {}

  static Flash flash(BaseServerResponseException e) {
    String message = e.getMessage() == null ? "" : e.getMessage();
    // HAPI prefixes messages with an error code ("HAPI-0389: ..."); people do not need it.
    String detail = message.replaceFirst("^HAPI-\\d+: ", "");
    if (OWN.contains(detail)) {
      return Flash.error("error." + detail, null);
    }
    String key =
        switch (e.getStatusCode()) {
          case 403 -> "error.forbidden";
          case 404 -> "error.not-found";
          case 409, 412 -> "error.conflict";
          case 422 -> "error.invalid";
          default -> "error.refused";
        };
    return Flash.error(key, detail);
  }
}
