package health.commonground.sandbox;

import health.commonground.security.ServerUrls;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.function.Function;
import java.util.stream.Collectors;
import org.springframework.security.oauth2.core.AuthorizationGrantType;
import org.springframework.security.oauth2.core.ClientAuthenticationMethod;
import org.springframework.security.oauth2.jose.jws.SignatureAlgorithm;
import org.springframework.security.oauth2.server.authorization.client.RegisteredClient;
import org.springframework.security.oauth2.server.authorization.client.RegisteredClientRepository;
import org.springframework.security.oauth2.server.authorization.settings.ClientSettings;
import org.springframework.security.oauth2.server.authorization.settings.TokenSettings;

/**
 * The sandbox's OAuth clients, from {@code commonground.sandbox.clients}. {@code {baseUrl}} in a
 * redirect URI is this server's own base URL (configured, or as bound at start-up; never a
 * request's Host). Refresh tokens rotate: each refresh answers a new one and the used one is
 * refused after.
 */
class SandboxClients implements RegisteredClientRepository {

  /** Resource types whose SMART scopes the sandbox grants, besides the wildcard. */
  private static final List<String> TYPES =
      List.of(
          "*",
          "Goal",
          "Patient",
          "Practitioner",
          "PractitionerRole",
          "RelatedPerson",
          "Provenance",
          "Observation",
          "CarePlan",
          "Task",
          "Encounter",
          "Condition");

  private final Map<String, SandboxProperties.Client> clients;
  private final ServerUrls urls;

  SandboxClients(SandboxProperties properties, ServerUrls urls) {
    this.clients =
        properties.clients().stream()
            .collect(
                Collectors.toMap(
                    SandboxProperties.Client::clientId,
                    Function.identity(),
                    (a, b) -> a,
                    LinkedHashMap::new));
    this.urls = urls;
  }

  SandboxProperties.Client client(String clientId) {
    return clients.get(clientId);
  }

  /** The clients that take part in a user's authorization (not backend services), in order. */
  List<String> interactiveClientIds() {
    return clients.values().stream()
        .filter(c -> c.kind() != SandboxProperties.Kind.BACKEND)
        .map(SandboxProperties.Client::clientId)
        .toList();
  }

  @Override
  public void save(RegisteredClient registeredClient) {}

  @Override
  public RegisteredClient findById(String id) {
    return findByClientId(id);
  }

  @Override
  public RegisteredClient findByClientId(String clientId) {
    SandboxProperties.Client client = clients.get(clientId);
    return client == null ? null : registered(client);
  }

  private RegisteredClient registered(SandboxProperties.Client client) {
    RegisteredClient.Builder builder =
        RegisteredClient.withId(client.clientId()).clientId(client.clientId());
    switch (client.kind()) {
      case CONFIDENTIAL -> {
        builder
            .clientSecret("{noop}" + client.clientSecret())
            .clientAuthenticationMethod(ClientAuthenticationMethod.CLIENT_SECRET_BASIC)
            .clientAuthenticationMethod(ClientAuthenticationMethod.CLIENT_SECRET_POST)
            .authorizationGrantType(AuthorizationGrantType.AUTHORIZATION_CODE)
            .authorizationGrantType(AuthorizationGrantType.REFRESH_TOKEN)
            .scopes(scopes -> scopes.addAll(interactiveScopes()));
        redirectUris(client).forEach(builder::redirectUri);
      }
      case PUBLIC -> {
        builder
            .clientAuthenticationMethod(ClientAuthenticationMethod.NONE)
            .authorizationGrantType(AuthorizationGrantType.AUTHORIZATION_CODE)
            .scopes(scopes -> scopes.addAll(interactiveScopes()));
        redirectUris(client).forEach(builder::redirectUri);
      }
      case BACKEND ->
          builder
              .clientAuthenticationMethod(ClientAuthenticationMethod.PRIVATE_KEY_JWT)
              .authorizationGrantType(AuthorizationGrantType.CLIENT_CREDENTIALS)
              .scopes(scopes -> scopes.addAll(clinicalScopes(List.of("system"))))
              .scope("system/AuditEvent.rs");
    }
    return builder
        .clientSettings(
            ClientSettings.builder()
                .requireProofKey(client.kind() != SandboxProperties.Kind.BACKEND)
                .requireAuthorizationConsent(false)
                .tokenEndpointAuthenticationSigningAlgorithm(SignatureAlgorithm.RS384)
                .build())
        .tokenSettings(TokenSettings.builder().reuseRefreshTokens(false).build())
        .build();
  }

  private List<String> redirectUris(SandboxProperties.Client client) {
    String base = urls.ownBase();
    return client.redirectUris().stream().map(uri -> uri.replace("{baseUrl}", base)).toList();
  }

  private static Set<String> interactiveScopes() {
    Set<String> scopes = new LinkedHashSet<>(health.commonground.security.SmartScopes.LAUNCH);
    scopes.addAll(clinicalScopes(List.of("patient", "user")));
    return scopes;
  }

  /** Every v2 permission combination (in cruds order) and the v1 forms, for each type. */
  static Set<String> clinicalScopes(List<String> contexts) {
    List<String> permissions = new ArrayList<>(List.of("read", "write", "*"));
    String letters = "cruds";
    for (int mask = 1; mask < 32; mask++) {
      StringBuilder combination = new StringBuilder();
      for (int i = 0; i < letters.length(); i++) {
        if ((mask & (1 << (letters.length() - 1 - i))) != 0) {
          combination.append(letters.charAt(i));
        }
      }
      permissions.add(combination.toString());
    }
    Set<String> scopes = new LinkedHashSet<>();
    for (String context : contexts) {
      for (String type : TYPES) {
        for (String permission : permissions) {
          scopes.add(context + "/" + type + "." + permission);
        }
      }
    }
    return scopes;
  }
}
