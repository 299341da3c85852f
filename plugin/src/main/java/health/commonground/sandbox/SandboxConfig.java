package health.commonground.sandbox;

import com.nimbusds.jose.JOSEException;
import com.nimbusds.jose.jwk.JWKSet;
import com.nimbusds.jose.jwk.gen.RSAKeyGenerator;
import com.nimbusds.jose.jwk.source.JWKSource;
import com.nimbusds.jose.proc.SecurityContext;
import health.commonground.security.AuthorizationServerEndpoints;
import health.commonground.security.SecurityProperties;
import health.commonground.security.ServerUrls;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.CompletableFuture;
import org.springframework.boot.autoconfigure.condition.ConditionalOnProperty;
import org.springframework.boot.context.properties.EnableConfigurationProperties;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;
import org.springframework.context.annotation.Primary;
import org.springframework.core.annotation.Order;
import org.springframework.security.config.Customizer;
import org.springframework.security.config.annotation.web.builders.HttpSecurity;
import org.springframework.security.oauth2.server.authorization.OAuth2AuthorizationService;
import org.springframework.security.oauth2.server.authorization.authentication.JwtClientAssertionAuthenticationProvider;
import org.springframework.security.oauth2.server.authorization.authentication.OAuth2AuthorizationCodeRequestAuthenticationProvider;
import org.springframework.security.oauth2.server.authorization.config.annotation.web.configurers.OAuth2AuthorizationServerConfigurer;
import org.springframework.security.oauth2.server.authorization.settings.AuthorizationServerSettings;
import org.springframework.security.oauth2.server.authorization.token.JwtEncodingContext;
import org.springframework.security.oauth2.server.authorization.token.OAuth2TokenCustomizer;
import org.springframework.security.web.SecurityFilterChain;
import org.springframework.security.web.authentication.LoginUrlAuthenticationEntryPoint;
import org.springframework.security.web.context.HttpSessionSecurityContextRepository;
import org.springframework.security.web.context.SecurityContextHolderFilter;
import org.springframework.security.web.savedrequest.HttpSessionRequestCache;
import org.springframework.security.web.servlet.util.matcher.PathPatternRequestMatcher;
import org.springframework.security.web.util.matcher.OrRequestMatcher;

/**
 * The built-in SMART sandbox of the embedded default: Spring Authorization Server issuing SMART
 * tokens to the configured clients, a sign-in page to pick a demo clinician or client, and an EHR
 * launcher. Only with {@code commonground.sandbox.enabled=true}; production uses Keycloak.
 */
@Configuration(proxyBeanMethods = false)
@ConditionalOnProperty(name = "commonground.sandbox.enabled", havingValue = "true")
@EnableConfigurationProperties(SandboxProperties.class)
class SandboxConfig {

  /** After the FHIR API's chain, before any catch-all chain of the web app. */
  static final int ORDER = 20;

  /** The sandbox's sign-in lives in the session under its own key, apart from the app's. */
  static final String SESSION_CONTEXT_KEY = "COMMONGROUND_SANDBOX_SECURITY_CONTEXT";

  @Bean
  SandboxClients sandboxClients(SandboxProperties properties, ServerUrls urls) {
    return new SandboxClients(properties, urls);
  }

  @Bean
  LaunchContexts launchContexts() {
    return new LaunchContexts();
  }

  /** In memory; also tells the FHIR API which of its access tokens were revoked. */
  @Bean
  SandboxAuthorizations sandboxAuthorizations() {
    return new SandboxAuthorizations();
  }

  /**
   * A fresh signing key per start: tokens of an earlier run are no longer accepted. The key is made
   * on a thread of its own (an RSA key takes ~1 s of CPU), alongside the rest of the start-up; the
   * first token signed or checked waits for it.
   */
  @Bean
  JWKSource<SecurityContext> sandboxSigningKeys() {
    CompletableFuture<JWKSet> keys = new CompletableFuture<>();
    Thread maker =
        new Thread(
            () -> {
              try {
                keys.complete(
                    new JWKSet(
                        new RSAKeyGenerator(2048).keyID(UUID.randomUUID().toString()).generate()));
              } catch (JOSEException | RuntimeException e) {
                keys.completeExceptionally(e);
              }
            },
            "sandbox-signing-key");
    maker.setDaemon(true);
    maker.start();
    return (selector, context) -> selector.select(keys.join());
  }

  /** For the sandbox's OpenID Connect userinfo endpoint, which takes the sandbox's own tokens. */
  @Bean
  org.springframework.security.oauth2.jwt.JwtDecoder sandboxUserInfoTokenDecoder(
      JWKSource<SecurityContext> keys) {
    return org.springframework.security.oauth2.server.authorization.config.annotation.web
        .configuration.OAuth2AuthorizationServerConfiguration.jwtDecoder(keys);
  }

  @Bean
  AuthorizationServerSettings sandboxServerSettings(SecurityProperties security) {
    AuthorizationServerSettings.Builder settings = AuthorizationServerSettings.builder();
    if (security.issuerUri() != null) {
      settings.issuer(security.issuerUri());
    }
    return settings.build();
  }

  @Bean
  OAuth2TokenCustomizer<JwtEncodingContext> smartTokenClaims(
      ServerUrls urls, LaunchContexts launches) {
    return new SmartTokens(urls, launches, null);
  }

  @Bean
  @Primary
  AuthorizationServerEndpoints sandboxEndpoints(ServerUrls urls) {
    return () -> {
      String issuer = urls.issuer();
      Map<String, Object> metadata = new LinkedHashMap<>();
      metadata.put("issuer", issuer);
      metadata.put("authorization_endpoint", issuer + "/oauth2/authorize");
      metadata.put("token_endpoint", issuer + "/oauth2/token");
      metadata.put("jwks_uri", issuer + "/oauth2/jwks");
      metadata.put("introspection_endpoint", issuer + "/oauth2/introspect");
      metadata.put("revocation_endpoint", issuer + "/oauth2/revoke");
      metadata.put("userinfo_endpoint", issuer + "/userinfo");
      return metadata;
    };
  }

  @Bean
  @Order(ORDER)
  SecurityFilterChain sandboxSecurity(
      HttpSecurity http,
      OAuth2AuthorizationService authorizations,
      LaunchContexts launches,
      ServerUrls urls,
      SandboxClients clients)
      throws Exception {
    OAuth2AuthorizationServerConfigurer server =
        OAuth2AuthorizationServerConfigurer.authorizationServer();
    PathPatternRequestMatcher.Builder paths = PathPatternRequestMatcher.withDefaults();
    HttpSessionSecurityContextRepository signIns = new HttpSessionSecurityContextRepository();
    signIns.setSpringSecurityContextKey(SESSION_CONTEXT_KEY);
    HttpSessionRequestCache pendingAuthorizations = new HttpSessionRequestCache();
    pendingAuthorizations.setSessionAttrName("COMMONGROUND_SANDBOX_SAVED_REQUEST");
    SmartTokens tokens = new SmartTokens(urls, launches, authorizations);
    BackendClientKeys backendKeys = new BackendClientKeys(clients);
    http.securityMatcher(
            new OrRequestMatcher(server.getEndpointsMatcher(), paths.matcher("/sandbox/**")))
        .with(
            server,
            as ->
                as.oidc(Customizer.withDefaults())
                    .authorizationEndpoint(
                        authorize ->
                            authorize.authenticationProviders(
                                providers ->
                                    providers.forEach(
                                        provider -> {
                                          if (provider
                                              instanceof
                                              OAuth2AuthorizationCodeRequestAuthenticationProvider
                                                  codeRequests) {
                                            codeRequests.setAuthenticationValidator(
                                                ExactRedirectUris.validator());
                                          }
                                        })))
                    .tokenEndpoint(
                        token -> token.accessTokenResponseHandler(tokens.responseHandler()))
                    .clientAuthentication(
                        authentication ->
                            authentication
                                .authenticationConverters(
                                    converters ->
                                        converters.add(0, new SmartClientAssertionConverter()))
                                .authenticationProviders(
                                    providers ->
                                        providers.forEach(
                                            provider -> {
                                              if (provider
                                                  instanceof
                                                  JwtClientAssertionAuthenticationProvider jwt) {
                                                jwt.setJwtDecoderFactory(backendKeys);
                                              }
                                            }))))
        .authorizeHttpRequests(
            requests ->
                requests
                    .requestMatchers(paths.matcher("/sandbox/**"))
                    .permitAll()
                    .anyRequest()
                    .authenticated())
        .oauth2ResourceServer(resourceServer -> resourceServer.jwt(Customizer.withDefaults()))
        .addFilterAfter(
            new SmartAuthorizeRequestCheck(urls, launches), SecurityContextHolderFilter.class)
        .exceptionHandling(
            exceptions ->
                exceptions.authenticationEntryPoint(
                    new LoginUrlAuthenticationEntryPoint("/sandbox/login")))
        .securityContext(context -> context.securityContextRepository(signIns))
        .requestCache(cache -> cache.requestCache(pendingAuthorizations));
    return http.build();
  }
}
