package health.commonground.smart;

import com.fasterxml.jackson.databind.JsonNode;

/** A token endpoint's answer. Its toString names no token. */
record TokenResponse(
    String accessToken,
    String refreshToken,
    String idToken,
    long expiresIn,
    String scope,
    JsonNode body) {

  static TokenResponse of(JsonNode body) {
    String accessToken = text(body, "access_token");
    if (accessToken == null) {
      throw new SmartLaunchException("The authorization server returned no access token.", 502);
    }
    String tokenType = text(body, "token_type");
    if (tokenType != null && !tokenType.equalsIgnoreCase("bearer")) {
      throw new SmartLaunchException(
          "The authorization server returned an unusable token type.", 502);
    }
    JsonNode expires = body.get("expires_in");
    return new TokenResponse(
        accessToken,
        text(body, "refresh_token"),
        text(body, "id_token"),
        expires != null && expires.canConvertToLong() ? expires.asLong() : 0,
        text(body, "scope"),
        body);
  }

  String contextText(String field) {
    return text(body, field);
  }

  static String text(JsonNode node, String field) {
    JsonNode value = node == null ? null : node.get(field);
    if (value == null || value.isNull()) {
      return null;
    }
    return value.isValueNode() ? value.asText() : value.toString();
  }

  @Override
  public String toString() {
    return "TokenResponse[scope=" + scope + ", expiresIn=" + expiresIn + "]";
  }
}
