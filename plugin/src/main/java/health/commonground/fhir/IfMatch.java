package health.commonground.fhir;

import ca.uhn.fhir.rest.server.exceptions.InvalidRequestException;

/** The version an {@code If-Match} ETag asks for ({@code W/"3"} or {@code "3"}). */
public final class IfMatch {

  private IfMatch() {}

  /** The version, or null without an ETag; 400 for one that is not a version number. */
  public static Long version(String etag, String where) {
    if (etag == null || etag.isBlank()) {
      return null;
    }
    String digits = etag.trim().replaceFirst("^W/", "").replace("\"", "").trim();
    if (!digits.matches("[0-9]{1,18}")) {
      throw new InvalidRequestException(
          where + " must be a version ETag such as W/\"3\", not '" + etag + "'");
    }
    return Long.valueOf(digits);
  }
}
