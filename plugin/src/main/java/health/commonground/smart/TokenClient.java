package health.commonground.smart;

import com.fasterxml.jackson.databind.JsonNode;
import java.net.URI;
import java.net.URLEncoder;
import java.nio.charset.StandardCharsets;
import java.util.Base64;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.http.HttpHeaders;
import org.springframework.http.MediaType;
import org.springframework.stereotype.Component;
import org.springframework.util.LinkedMultiValueMap;
import org.springframework.util.MultiValueMap;
import org.springframework.web.client.RestClient;
import org.springframework.web.client.RestClientException;
import org.springframework.web.client.RestClientResponseException;

/**
 * Talks to an authorization server's token and revocation endpoints. Confidential clients
 * authenticate with HTTP Basic (SMART's client-confidential-symmetric); public clients send only
 * their id. Nothing it logs contains a token, code or secret.
 */
@Component
class TokenClient {

  private static final Logger log = LoggerFactory.getLogger(TokenClient.class);

  private final RestClient http;

  TokenClient(SmartRuntime runtime) {
    this.http = runtime.http();
  }

  TokenResponse exchangeCode(
      SmartProperties.Ehr ehr,
      String tokenEndpoint,
      String code,
      String redirectUri,
      String verifier) {
    MultiValueMap<String, String> form = new LinkedMultiValueMap<>();
    form.add("grant_type", "authorization_code");
    form.add("code", code);
    form.add("redirect_uri", redirectUri);
    form.add("code_verifier", verifier);
    return post(ehr, tokenEndpoint, form, "code exchange");
  }

  TokenResponse refresh(SmartProperties.Ehr ehr, String tokenEndpoint, String refreshToken) {
    MultiValueMap<String, String> form = new LinkedMultiValueMap<>();
    form.add("grant_type", "refresh_token");
    form.add("refresh_token", refreshToken);
    return post(ehr, tokenEndpoint, form, "refresh");
  }

  /** Best effort: logout goes on whether or not the server takes the token back. */
  void revoke(SmartProperties.Ehr ehr, String revocationEndpoint, String token, String hint) {
    MultiValueMap<String, String> form = new LinkedMultiValueMap<>();
    form.add("token", token);
    form.add("token_type_hint", hint);
    try {
      request(ehr, revocationEndpoint, form).retrieve().toBodilessEntity();
    } catch (RestClientException e) {
      log.info(
          "Token revocation at {} failed: {}", revocationEndpoint, e.getClass().getSimpleName());
    }
  }

  private TokenResponse post(
      SmartProperties.Ehr ehr,
      String tokenEndpoint,
      MultiValueMap<String, String> form,
      String what) {
    try {
      JsonNode body = request(ehr, tokenEndpoint, form).retrieve().body(JsonNode.class);
      return TokenResponse.of(body);
    } catch (RestClientResponseException e) {
      String error = errorCode(e);
      log.warn(
          "Token {} at {} refused: HTTP {} {}",
          what,
          tokenEndpoint,
          e.getStatusCode().value(),
          error);
      throw new SmartLaunchException(
          "The authorization server refused the " + what + " (" + error + ").", 401);
    } catch (RestClientException e) {
      log.warn("Token {} at {} failed: {}", what, tokenEndpoint, e.getClass().getSimpleName());
      throw new SmartLaunchException("The authorization server could not be reached.", 502);
    }
  }

  private RestClient.RequestBodySpec request(
      SmartProperties.Ehr ehr, String endpoint, MultiValueMap<String, String> form) {
    if (!ehr.confidential()) {
      form.add("client_id", ehr.clientId());
    }
    RestClient.RequestBodySpec spec =
        http.post()
            .uri(URI.create(endpoint))
            .contentType(MediaType.APPLICATION_FORM_URLENCODED)
            .accept(MediaType.APPLICATION_JSON);
    if (ehr.confidential()) {
      spec = spec.header(HttpHeaders.AUTHORIZATION, basic(ehr.clientId(), ehr.clientSecret()));
    }
    return spec.body(form);
  }

  /** RFC 6749 2.3.1: id and secret are form-encoded before Base64. */
  private static String basic(String clientId, String secret) {
    String pair =
        URLEncoder.encode(clientId, StandardCharsets.UTF_8)
            + ":"
            + URLEncoder.encode(secret, StandardCharsets.UTF_8);
    return "Basic " + Base64.getEncoder().encodeToString(pair.getBytes(StandardCharsets.UTF_8));
  }

  /** The OAuth error code of a refusal, never its body (which might echo what was sent). */
  private static String errorCode(RestClientResponseException e) {
    try {
      JsonNode body = e.getResponseBodyAs(JsonNode.class);
      String error = TokenResponse.text(body, "error");
      return error != null && error.matches("[a-z_]{1,40}") ? error : "error";
    } catch (RuntimeException notJson) {
      return "error";
    }
  }
}
