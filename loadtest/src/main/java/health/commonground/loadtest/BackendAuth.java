package health.commonground.loadtest;

import java.io.IOException;
import java.math.BigInteger;
import java.net.URI;
import java.net.URLEncoder;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.KeyFactory;
import java.security.KeyPair;
import java.security.KeyPairGenerator;
import java.security.PrivateKey;
import java.security.Signature;
import java.security.interfaces.RSAPublicKey;
import java.security.spec.PKCS8EncodedKeySpec;
import java.time.Duration;
import java.util.Base64;
import java.util.UUID;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * SMART backend-services authentication with the JDK alone: an RSA key pair made per run, a client
 * assertion signed RS384 ({@code private_key_jwt}), a {@code client_credentials} token fetched
 * again a minute before it expires.
 */
final class BackendAuth {

  static final String CLIENT_ID = "common-ground-backend";
  static final String SCOPE = "system/*.cruds";
  private static final String KID = "loadtest";
  private static final Base64.Encoder B64URL = Base64.getUrlEncoder().withoutPadding();

  private final HttpClient http;
  private final String fhirBase;
  private final PrivateKey key;
  private String tokenEndpoint;
  private volatile String token;
  private volatile long refreshAtNanos;

  BackendAuth(HttpClient http, String fhirBase, Path keyFile) throws IOException {
    this.http = http;
    this.fhirBase = fhirBase;
    try {
      byte[] pkcs8 = Base64.getDecoder().decode(Files.readString(keyFile).trim());
      this.key = KeyFactory.getInstance("RSA").generatePrivate(new PKCS8EncodedKeySpec(pkcs8));
    } catch (java.security.GeneralSecurityException e) {
      throw new IOException("Not an RSA private key (PKCS#8, Base64): " + keyFile, e);
    }
  }

  /**
   * Makes a key pair: the private key (PKCS#8, Base64) into {@code keyFile}, the public key as a
   * JWK Set into {@code jwksFile} (for COMMONGROUND_SANDBOX_BACKEND_JWKS).
   */
  static void makeKeys(Path keyFile, Path jwksFile) throws Exception {
    KeyPairGenerator generator = KeyPairGenerator.getInstance("RSA");
    generator.initialize(2048);
    KeyPair pair = generator.generateKeyPair();
    RSAPublicKey pub = (RSAPublicKey) pair.getPublic();
    Files.writeString(keyFile, Base64.getEncoder().encodeToString(pair.getPrivate().getEncoded()));
    Files.writeString(
        jwksFile,
        "{\"keys\":[{\"kty\":\"RSA\",\"kid\":\""
            + KID
            + "\",\"alg\":\"RS384\",\"use\":\"sig\",\"n\":\""
            + unsigned(pub.getModulus())
            + "\",\"e\":\""
            + unsigned(pub.getPublicExponent())
            + "\"}]}");
  }

  private static String unsigned(BigInteger value) {
    byte[] bytes = value.toByteArray();
    int skip = bytes.length > 1 && bytes[0] == 0 ? 1 : 0;
    return B64URL.encodeToString(java.util.Arrays.copyOfRange(bytes, skip, bytes.length));
  }

  /** The current token, fetched again once it is within a minute of expiring. */
  String bearer() throws IOException, InterruptedException {
    String current = token;
    if (current == null || System.nanoTime() - refreshAtNanos >= 0) {
      synchronized (this) {
        if (token == null || System.nanoTime() - refreshAtNanos >= 0) {
          fetch();
        }
        current = token;
      }
    }
    return current;
  }

  private static final Pattern TOKEN_ENDPOINT =
      Pattern.compile("\"token_endpoint\"\\s*:\\s*\"([^\"]+)\"");
  private static final Pattern ACCESS_TOKEN =
      Pattern.compile("\"access_token\"\\s*:\\s*\"([^\"]+)\"");
  private static final Pattern EXPIRES_IN = Pattern.compile("\"expires_in\"\\s*:\\s*(\\d+)");

  private void fetch() throws IOException, InterruptedException {
    if (tokenEndpoint == null) {
      String config =
          http.send(
                  HttpRequest.newBuilder(URI.create(fhirBase + "/.well-known/smart-configuration"))
                      .timeout(Duration.ofSeconds(30))
                      .GET()
                      .build(),
                  HttpResponse.BodyHandlers.ofString())
              .body();
      Matcher m = TOKEN_ENDPOINT.matcher(config);
      if (!m.find()) {
        throw new IOException("No token_endpoint in the SMART configuration: " + config);
      }
      tokenEndpoint = m.group(1);
    }
    String form =
        "grant_type=client_credentials&scope="
            + URLEncoder.encode(SCOPE, StandardCharsets.UTF_8)
            + "&client_assertion_type="
            + URLEncoder.encode(
                "urn:ietf:params:oauth:client-assertion-type:jwt-bearer", StandardCharsets.UTF_8)
            + "&client_assertion="
            + assertion();
    HttpResponse<String> response =
        http.send(
            HttpRequest.newBuilder(URI.create(tokenEndpoint))
                .timeout(Duration.ofSeconds(30))
                .header("Content-Type", "application/x-www-form-urlencoded")
                .header("Accept", "application/json")
                .POST(HttpRequest.BodyPublishers.ofString(form))
                .build(),
            HttpResponse.BodyHandlers.ofString());
    Matcher access = ACCESS_TOKEN.matcher(response.body());
    if (response.statusCode() != 200 || !access.find()) {
      throw new IOException(
          "Token request refused: HTTP " + response.statusCode() + " " + response.body());
    }
    Matcher expires = EXPIRES_IN.matcher(response.body());
    long lifetime = expires.find() ? Long.parseLong(expires.group(1)) : 300;
    token = access.group(1);
    refreshAtNanos = System.nanoTime() + Duration.ofSeconds(Math.max(5, lifetime - 60)).toNanos();
  }

  /** SMART's client assertion: iss = sub = client id, aud = token endpoint, RS384. */
  private String assertion() throws IOException {
    long now = System.currentTimeMillis() / 1000;
    String header = "{\"alg\":\"RS384\",\"typ\":\"JWT\",\"kid\":\"" + KID + "\"}";
    String claims =
        "{\"iss\":\""
            + CLIENT_ID
            + "\",\"sub\":\""
            + CLIENT_ID
            + "\",\"aud\":\""
            + tokenEndpoint
            + "\",\"jti\":\""
            + UUID.randomUUID()
            + "\",\"iat\":"
            + now
            + ",\"exp\":"
            + (now + 300)
            + "}";
    String signingInput =
        B64URL.encodeToString(header.getBytes(StandardCharsets.UTF_8))
            + "."
            + B64URL.encodeToString(claims.getBytes(StandardCharsets.UTF_8));
    try {
      Signature signature = Signature.getInstance("SHA384withRSA");
      signature.initSign(key);
      signature.update(signingInput.getBytes(StandardCharsets.US_ASCII));
      return signingInput + "." + B64URL.encodeToString(signature.sign());
    } catch (java.security.GeneralSecurityException e) {
      throw new IOException("Cannot sign the client assertion", e);
    }
  }
}
