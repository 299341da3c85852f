package health.commonground.sandbox;

import com.nimbusds.jwt.SignedJWT;
import jakarta.servlet.http.HttpServletRequest;
import java.text.ParseException;
import java.util.HashMap;
import java.util.Map;
import org.springframework.security.core.Authentication;
import org.springframework.security.oauth2.core.ClientAuthenticationMethod;
import org.springframework.security.oauth2.core.OAuth2AuthenticationException;
import org.springframework.security.oauth2.core.OAuth2Error;
import org.springframework.security.oauth2.core.OAuth2ErrorCodes;
import org.springframework.security.oauth2.server.authorization.authentication.OAuth2ClientAuthenticationToken;
import org.springframework.security.web.authentication.AuthenticationConverter;

/**
 * SMART backend services authenticate with a signed assertion and no {@code client_id} parameter
 * (SMART Backend Services); Spring Authorization Server wants one. The client is taken from the
 * assertion's {@code sub}, and the assertion is then verified against that client's keys as usual.
 */
class SmartClientAssertionConverter implements AuthenticationConverter {

  private static final String JWT_BEARER = "urn:ietf:params:oauth:client-assertion-type:jwt-bearer";

  @Override
  public Authentication convert(HttpServletRequest request) {
    String type = request.getParameter("client_assertion_type");
    String assertion = request.getParameter("client_assertion");
    if (!JWT_BEARER.equals(type)
        || assertion == null
        || request.getParameter("client_id") != null) {
      return null;
    }
    String clientId;
    try {
      clientId = SignedJWT.parse(assertion).getJWTClaimsSet().getSubject();
    } catch (ParseException e) {
      clientId = null;
    }
    if (clientId == null || clientId.isBlank()) {
      throw new OAuth2AuthenticationException(
          new OAuth2Error(
              OAuth2ErrorCodes.INVALID_CLIENT, "client_assertion names no client (sub)", null));
    }
    Map<String, Object> additional = new HashMap<>();
    request
        .getParameterMap()
        .forEach(
            (name, values) -> {
              if (!name.equals("client_assertion_type") && !name.equals("client_assertion")) {
                additional.put(name, values.length == 1 ? values[0] : values);
              }
            });
    return new OAuth2ClientAuthenticationToken(
        clientId, new ClientAuthenticationMethod(JWT_BEARER), assertion, additional);
  }
}
