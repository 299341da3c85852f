package health.commonground.security;

import ca.uhn.fhir.context.FhirContext;
import com.nimbusds.jose.JWSAlgorithm;
import com.nimbusds.jose.jwk.source.JWKSource;
import com.nimbusds.jose.proc.JWSVerificationKeySelector;
import com.nimbusds.jose.proc.SecurityContext;
import com.nimbusds.jwt.proc.DefaultJWTProcessor;
import java.time.Duration;
import java.util.Collection;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Set;
import org.springframework.beans.factory.ObjectProvider;
import org.springframework.boot.context.properties.EnableConfigurationProperties;
import org.springframework.boot.web.servlet.ServletRegistrationBean;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;
import org.springframework.core.annotation.Order;
import org.springframework.http.HttpMethod;
import org.springframework.security.config.annotation.web.builders.HttpSecurity;
import org.springframework.security.config.http.SessionCreationPolicy;
import org.springframework.security.config.observation.SecurityObservationSettings;
import org.springframework.security.oauth2.core.DelegatingOAuth2TokenValidator;
import org.springframework.security.oauth2.core.OAuth2Error;
import org.springframework.security.oauth2.core.OAuth2TokenValidator;
import org.springframework.security.oauth2.core.OAuth2TokenValidatorResult;
import org.springframework.security.oauth2.jwt.Jwt;
import org.springframework.security.oauth2.jwt.JwtClaimValidator;
import org.springframework.security.oauth2.jwt.JwtDecoder;
import org.springframework.security.oauth2.jwt.JwtTimestampValidator;
import org.springframework.security.oauth2.jwt.NimbusJwtDecoder;
import org.springframework.security.oauth2.jwt.SupplierJwtDecoder;
import org.springframework.security.web.SecurityFilterChain;
import org.springframework.security.web.servlet.util.matcher.PathPatternRequestMatcher;
import org.springframework.web.client.RestClient;
import org.springframework.web.cors.CorsConfiguration;
import org.springframework.web.cors.CorsConfigurationSource;

/**
 * The FHIR API as an OAuth2 protected resource. Its own filter chain matches {@code /fhir/**} only,
 * so the web app's and the sandbox's chains sit beside it. Tokens are checked here (signature via
 * the issuer's keys, issuer, audience = the FHIR base URL, expiry); what a valid token may do is
 * decided per FHIR interaction by {@link SmartAccessInterceptor}.
 */
@Configuration(proxyBeanMethods = false)
@EnableConfigurationProperties(SecurityProperties.class)
class FhirSecurityConfig {

  /** Before any catch-all chain of the web app. */
  static final int ORDER = 10;

  static final String SMART_CONFIGURATION = "/fhir/.well-known/smart-configuration";

  /**
   * No Micrometer observation around each security filter, authentication and authorization: they
   * cost every request an observation per filter (~10 % of a read) and nothing reads them. HTTP
   * request metrics are kept (Spring's own server observation).
   */
  @Bean
  static SecurityObservationSettings noSecurityFilterObservations() {
    return SecurityObservationSettings.noObservations();
  }

  @Bean
  @Order(ORDER)
  SecurityFilterChain fhirApiSecurity(
      HttpSecurity http,
      SecurityProperties properties,
      ServerUrls urls,
      ObjectProvider<JWKSource<SecurityContext>> localKeys,
      ObjectProvider<RevokedAccessTokens> revoked,
      FhirContext fhirContext,
      ObjectProvider<AccessLog> accessLog)
      throws Exception {
    FhirAuthenticationErrors errors = new FhirAuthenticationErrors(fhirContext, accessLog);
    JwtDecoder decoder = fhirTokenDecoder(properties, urls, localKeys, revoked);
    PathPatternRequestMatcher.Builder paths = PathPatternRequestMatcher.withDefaults();
    http.securityMatcher(paths.matcher("/fhir/**"))
        .authorizeHttpRequests(
            requests ->
                requests
                    .requestMatchers(
                        paths.matcher(HttpMethod.GET, "/fhir/metadata"),
                        paths.matcher(HttpMethod.GET, SMART_CONFIGURATION))
                    .permitAll()
                    .anyRequest()
                    .authenticated())
        .oauth2ResourceServer(
            resourceServer ->
                resourceServer
                    .jwt(jwt -> jwt.decoder(decoder))
                    .bearerTokenResolver(new AuthorizationHeaderToken())
                    .authenticationEntryPoint(errors)
                    .accessDeniedHandler(errors))
        .exceptionHandling(exceptions -> exceptions.authenticationEntryPoint(errors))
        .sessionManagement(s -> s.sessionCreationPolicy(SessionCreationPolicy.STATELESS))
        .requestCache(cache -> cache.disable())
        .csrf(csrf -> csrf.disable())
        .cors(cors -> cors.configurationSource(fhirCors(properties)));
    return http.build();
  }

  /**
   * CORS for browser apps on other origins (SMART apps launched from an EHR): the FHIR methods, the
   * request headers FHIR clients send and the response headers they read.
   */
  static CorsConfigurationSource fhirCors(SecurityProperties properties) {
    CorsConfiguration cors = new CorsConfiguration();
    cors.setAllowedOriginPatterns(properties.corsAllowedOrigins());
    cors.setAllowedMethods(List.of("GET", "HEAD", "POST", "PUT", "PATCH", "DELETE", "OPTIONS"));
    cors.setAllowedHeaders(
        List.of(
            "Authorization",
            "Content-Type",
            "Accept",
            "Prefer",
            "If-Match",
            "If-None-Exist",
            "If-None-Match",
            "If-Modified-Since"));
    cors.setExposedHeaders(List.of("Location", "Content-Location", "ETag", "Last-Modified"));
    cors.setAllowCredentials(false);
    cors.setMaxAge(3600L);
    // The FHIR filter chain only sees /fhir/**, so one configuration serves all its requests.
    return request -> cors;
  }

  private static JwtDecoder fhirTokenDecoder(
      SecurityProperties properties,
      ServerUrls urls,
      ObjectProvider<JWKSource<SecurityContext>> localKeys,
      ObjectProvider<RevokedAccessTokens> revokedTokens) {
    return new SupplierJwtDecoder(
        () -> {
          NimbusJwtDecoder decoder;
          if (properties.jwkSetUri() != null) {
            decoder =
                NimbusJwtDecoder.withJwkSetUri(properties.jwkSetUri())
                    .jwsAlgorithms(
                        algs ->
                            algs.addAll(
                                Set.of(
                                    org.springframework.security.oauth2.jose.jws.SignatureAlgorithm
                                        .RS256,
                                    org.springframework.security.oauth2.jose.jws.SignatureAlgorithm
                                        .RS384,
                                    org.springframework.security.oauth2.jose.jws.SignatureAlgorithm
                                        .ES256,
                                    org.springframework.security.oauth2.jose.jws.SignatureAlgorithm
                                        .ES384)))
                    .build();
          } else if (properties.issuerUri() != null) {
            decoder = NimbusJwtDecoder.withIssuerLocation(properties.issuerUri()).build();
          } else {
            JWKSource<SecurityContext> keys = localKeys.getIfAvailable();
            if (keys == null) {
              throw new IllegalStateException(
                  "No token issuer: set commonground.security.issuer-uri (e.g. the Keycloak realm)"
                      + " or enable the sandbox (commonground.sandbox.enabled=true)");
            }
            DefaultJWTProcessor<SecurityContext> processor = new DefaultJWTProcessor<>();
            processor.setJWSKeySelector(
                new JWSVerificationKeySelector<>(
                    Set.of(JWSAlgorithm.RS256, JWSAlgorithm.RS384, JWSAlgorithm.ES256), keys));
            processor.setJWTClaimsSetVerifier((claims, context) -> {});
            decoder = new NimbusJwtDecoder(processor);
          }
          // The claims are checked by the cache on every request; the decoder checks signatures.
          decoder.setJwtValidator(jwt -> OAuth2TokenValidatorResult.success());
          RevokedAccessTokens revoked = revokedTokens.getIfAvailable(() -> token -> false);
          return new VerifiedTokenCache(
              decoder,
              new DelegatingOAuth2TokenValidator<>(
                  new JwtTimestampValidator(Duration.ofSeconds(30)),
                  new JwtClaimValidator<>("exp", Objects::nonNull),
                  expected("iss", urls::issuer),
                  expected("aud", urls::audience),
                  jwt ->
                      revoked.isRevoked(jwt.getTokenValue())
                          ? OAuth2TokenValidatorResult.failure(
                              new OAuth2Error("invalid_token", "The token was revoked", null))
                          : OAuth2TokenValidatorResult.success()),
              10_000);
        });
  }

  /** The claim must equal (or, for a list like {@code aud}, contain) the expected value. */
  private static OAuth2TokenValidator<Jwt> expected(
      String claim, java.util.function.Supplier<String> value) {
    return jwt -> {
      String wanted = value.get();
      Object actual = jwt.getClaims().get(claim);
      boolean ok =
          actual instanceof Collection<?> list
              ? list.stream().map(String::valueOf).anyMatch(v -> same(v, wanted))
              : actual != null && same(String.valueOf(actual), wanted);
      return ok
          ? OAuth2TokenValidatorResult.success()
          : OAuth2TokenValidatorResult.failure(
              new OAuth2Error(
                  "invalid_token", "The token's '" + claim + "' must be " + wanted, null));
    };
  }

  private static boolean same(String a, String b) {
    return a.replaceAll("/+$", "").equals(b.replaceAll("/+$", ""));
  }

  /** Endpoints from the issuer's discovery document, fetched once on first use. */
  @Bean
  @org.springframework.boot.autoconfigure.condition.ConditionalOnProperty(
      name = "commonground.security.issuer-uri")
  AuthorizationServerEndpoints issuerEndpoints(SecurityProperties properties) {
    return new AuthorizationServerEndpoints() {
      private volatile Map<String, Object> metadata;

      @Override
      @SuppressWarnings("unchecked")
      public Map<String, Object> metadata() {
        if (metadata == null) {
          metadata =
              RestClient.create()
                  .get()
                  .uri(properties.issuerUri() + "/.well-known/openid-configuration")
                  .retrieve()
                  .body(Map.class);
        }
        return metadata;
      }
    };
  }

  @Bean
  ServletRegistrationBean<SmartConfigurationServlet> smartConfiguration(
      ObjectProvider<AuthorizationServerEndpoints> endpoints,
      com.fasterxml.jackson.databind.ObjectMapper json) {
    ServletRegistrationBean<SmartConfigurationServlet> registration =
        new ServletRegistrationBean<>(
            new SmartConfigurationServlet(endpoints, json), SMART_CONFIGURATION);
    registration.setName("smartConfiguration");
    return registration;
  }
}
