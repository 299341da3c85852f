package health.commonground.smart;

import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import org.springframework.security.oauth2.core.DelegatingOAuth2TokenValidator;
import org.springframework.security.oauth2.core.OAuth2Error;
import org.springframework.security.oauth2.core.OAuth2TokenValidator;
import org.springframework.security.oauth2.core.OAuth2TokenValidatorResult;
import org.springframework.security.oauth2.jose.jws.SignatureAlgorithm;
import org.springframework.security.oauth2.jwt.Jwt;
import org.springframework.security.oauth2.jwt.JwtDecoder;
import org.springframework.security.oauth2.jwt.JwtException;
import org.springframework.security.oauth2.jwt.JwtValidators;
import org.springframework.security.oauth2.jwt.NimbusJwtDecoder;
import org.springframework.stereotype.Component;

/**
 * Checks an OpenID Connect id_token (signature against the server's JWKS, issuer, audience, expiry)
 * before its {@code fhirUser} is believed.
 */
@Component
class IdTokenVerifier {

  private final Map<String, JwtDecoder> decoders = new ConcurrentHashMap<>();

  Jwt verify(String idToken, SmartConfiguration configuration, String clientId) {
    if (configuration.jwksUri() == null) {
      throw new SmartLaunchException(
          "The EHR's SMART configuration names no jwks_uri, so the sign-in cannot be checked.",
          502);
    }
    JwtDecoder decoder =
        decoders.computeIfAbsent(
            configuration.jwksUri() + " " + configuration.issuer() + " " + clientId,
            key -> decoder(configuration, clientId));
    try {
      return decoder.decode(idToken);
    } catch (JwtException e) {
      throw new SmartLaunchException("The sign-in (id_token) could not be verified.", 401);
    }
  }

  private static JwtDecoder decoder(SmartConfiguration configuration, String clientId) {
    NimbusJwtDecoder decoder =
        NimbusJwtDecoder.withJwkSetUri(configuration.jwksUri())
            .jwsAlgorithms(
                algorithms -> {
                  algorithms.add(SignatureAlgorithm.RS256);
                  algorithms.add(SignatureAlgorithm.RS384);
                  algorithms.add(SignatureAlgorithm.ES256);
                  algorithms.add(SignatureAlgorithm.ES384);
                  algorithms.add(SignatureAlgorithm.PS256);
                })
            .build();
    OAuth2TokenValidator<Jwt> base =
        configuration.issuer() != null
            ? JwtValidators.createDefaultWithIssuer(configuration.issuer())
            : JwtValidators.createDefault();
    OAuth2TokenValidator<Jwt> audience =
        jwt -> {
          List<String> aud = jwt.getAudience();
          return aud != null && aud.contains(clientId)
              ? OAuth2TokenValidatorResult.success()
              : OAuth2TokenValidatorResult.failure(
                  new OAuth2Error("invalid_token", "id_token is not meant for this app", null));
        };
    decoder.setJwtValidator(new DelegatingOAuth2TokenValidator<>(base, audience));
    return decoder;
  }
}
