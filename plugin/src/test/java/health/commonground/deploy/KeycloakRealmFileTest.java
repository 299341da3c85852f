package health.commonground.deploy;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;

/**
 * The Keycloak realm as committed gives nobody a way in: no user with a password, no private key,
 * no client secret; brute-force detection and one-time refresh tokens on; PKCE S256 and exact
 * redirect URIs for every client. Demo users live apart, in the demo overlay, without passwords.
 */
class KeycloakRealmFileTest {

  private static final ObjectMapper JSON = new ObjectMapper();
  private static final Path KEYCLOAK = DeployFiles.DEPLOY.resolve("keycloak");
  private static final Path REALM = KEYCLOAK.resolve("realm-commonground.json");
  private static final Path DEMO_USERS = KEYCLOAK.resolve("demo/demo-users.json");

  @Test
  void noUserWithAPasswordOnlyServiceAccounts() throws IOException {
    JsonNode users = realm().path("users");
    assertThat(users).isNotEmpty();
    for (JsonNode user : users) {
      assertThat(user.has("credentials")).as(user.path("username").asText()).isFalse();
      assertThat(user.path("serviceAccountClientId").asText())
          .as("%s is a service account", user.path("username").asText())
          .isNotBlank();
    }
  }

  @Test
  void demoUsersAreInTheOverlayWithoutPasswords() throws IOException {
    JsonNode users = JSON.readTree(DEMO_USERS.toFile()).path("users");
    assertThat(users).isNotEmpty();
    for (JsonNode user : users) {
      assertThat(user.has("credentials")).as(user.path("username").asText()).isFalse();
    }
  }

  @Test
  void noPrivateKeyNoClientSecret() throws IOException {
    JsonNode realm = realm();
    for (JsonNode client : realm.path("clients")) {
      String id = client.path("clientId").asText();
      assertThat(client.has("secret")).as("%s has a committed secret", id).isFalse();
      String jwks = client.path("attributes").path("jwks.string").asText("");
      assertThat(jwks).as(id).doesNotContain("\"d\"");
    }
    for (String text : allStrings(realm)) {
      assertThat(text).doesNotContain("PRIVATE KEY").doesNotContainIgnoringCase("privateKey");
    }
    assertThat(realm.path("components").has("org.keycloak.keys.KeyProvider")).isFalse();
    try (Stream<Path> files = Files.walk(DeployFiles.DEPLOY)) {
      for (Path file : files.filter(Files::isRegularFile).toList()) {
        assertThat(file.toString()).doesNotEndWith(".pem").doesNotEndWith(".key");
        assertThat(Files.readString(file)).as(file.toString()).doesNotContain("PRIVATE KEY");
      }
    }
  }

  @Test
  void bruteForceDetectionAndOneTimeRefreshTokens() throws IOException {
    JsonNode realm = realm();
    assertThat(realm.path("bruteForceProtected").asBoolean()).isTrue();
    assertThat(realm.path("failureFactor").asInt()).isBetween(3, 10);
    assertThat(realm.path("revokeRefreshToken").asBoolean()).isTrue();
    assertThat(realm.path("refreshTokenMaxReuse").isInt()).isTrue();
    assertThat(realm.path("refreshTokenMaxReuse").asInt()).isZero();
  }

  @Test
  void everyClientRequiresPkceS256AndExactRedirectUris() throws IOException {
    JsonNode clients = realm().path("clients");
    assertThat(clients).isNotEmpty();
    for (JsonNode client : clients) {
      String id = client.path("clientId").asText();
      assertThat(client.path("attributes").path("pkce.code.challenge.method").asText())
          .as(id)
          .isEqualTo("S256");
      assertThat(client.path("implicitFlowEnabled").asBoolean()).as(id).isFalse();
      assertThat(client.path("directAccessGrantsEnabled").asBoolean()).as(id).isFalse();
      List<String> uris = new ArrayList<>();
      client.path("redirectUris").forEach(uri -> uris.add(uri.asText()));
      client.path("webOrigins").forEach(uri -> uris.add(uri.asText()));
      uris.add(client.path("attributes").path("post.logout.redirect.uris").asText(""));
      for (String uri : uris) {
        assertThat(uri).as(id).doesNotContain("*");
      }
      if (client.path("standardFlowEnabled").asBoolean()) {
        assertThat(client.path("redirectUris")).as(id).hasSize(1);
      }
    }
  }

  private static JsonNode realm() throws IOException {
    return JSON.readTree(REALM.toFile());
  }

  private static List<String> allStrings(JsonNode node) {
    List<String> strings = new ArrayList<>();
    if (node.isTextual()) {
      strings.add(node.asText());
    }
    node.fieldNames().forEachRemaining(strings::add);
    node.elements().forEachRemaining(child -> strings.addAll(allStrings(child)));
    return strings;
  }
}
