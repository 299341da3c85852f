package health.commonground.sandbox;

import com.nimbusds.jose.JWSAlgorithm;
import com.nimbusds.jose.jwk.JWKSet;
import com.nimbusds.jose.jwk.source.ImmutableJWKSet;
import com.nimbusds.jose.proc.JWSVerificationKeySelector;
import com.nimbusds.jose.proc.SecurityContext;
import com.nimbusds.jwt.proc.DefaultJWTProcessor;
import java.text.ParseException;
import java.time.Clock;
import java.time.Instant;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import org.springframework.security.oauth2.core.OAuth2AuthenticationException;
import org.springframework.security.oauth2.core.OAuth2Error;
import org.springframework.security.oauth2.jwt.JwtDecoder;
import org.springframework.security.oauth2.jwt.JwtDecoderFactory;
import org.springframework.security.oauth2.jwt.NimbusJwtDecoder;
import org.springframework.security.oauth2.server.authorization.authentication.JwtClientAssertionDecoderFactory;
import org.springframework.security.oauth2.server.authorization.client.RegisteredClient;

/**
 * Verifies a backend client's {@code private_key_jwt} assertion with the public keys configured for
 * it (SMART asymmetric client authentication, RS384 or ES384), checks iss, sub, aud and expiry as
 * Spring Authorization Server does, and refuses a replayed assertion or one living longer than
 * SMART allows ({@link ClientAssertionReplayCheck}).
 */
class BackendClientKeys implements JwtDecoderFactory<RegisteredClient> {

  private final SandboxClients clients;
  private final Map<String, JwtDecoder> decoders = new ConcurrentHashMap<>();
  private final Map<String, Instant> usedAssertions = ClientAssertionReplayCheck.newMemory();

  BackendClientKeys(SandboxClients clients) {
    this.clients = clients;
  }

  @Override
  public JwtDecoder createDecoder(RegisteredClient registeredClient) {
    return decoders.computeIfAbsent(
        registeredClient.getClientId(), id -> decoder(registeredClient));
  }

  private JwtDecoder decoder(RegisteredClient registeredClient) {
    SandboxProperties.Client client = clients.client(registeredClient.getClientId());
    if (client == null || client.jwks() == null || client.jwks().isBlank()) {
      throw new OAuth2AuthenticationException(
          new OAuth2Error(
              "invalid_client",
              "Client "
                  + registeredClient.getClientId()
                  + " has no public keys (commonground.sandbox.clients[].jwks)",
              null));
    }
    JWKSet keys;
    try {
      keys = JWKSet.parse(client.jwks()).toPublicJWKSet();
    } catch (ParseException e) {
      throw new IllegalStateException(
          "The jwks of client " + client.clientId() + " is not a JWK Set", e);
    }
    DefaultJWTProcessor<SecurityContext> processor = new DefaultJWTProcessor<>();
    processor.setJWSKeySelector(
        new JWSVerificationKeySelector<>(
            Set.of(JWSAlgorithm.RS384, JWSAlgorithm.ES384), new ImmutableJWKSet<>(keys)));
    processor.setJWTClaimsSetVerifier((claims, context) -> {});
    NimbusJwtDecoder decoder = new NimbusJwtDecoder(processor);
    decoder.setJwtValidator(
        new ClientAssertionReplayCheck(
            JwtClientAssertionDecoderFactory.DEFAULT_JWT_VALIDATOR_FACTORY.apply(registeredClient),
            usedAssertions,
            Clock.systemUTC()));
    return decoder;
  }
}
