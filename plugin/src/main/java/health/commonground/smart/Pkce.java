package health.commonground.smart;

import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.security.SecureRandom;
import java.util.Base64;

/** Random values of a launch: the {@code state} and the PKCE verifier, and the S256 challenge. */
final class Pkce {

  private static final SecureRandom RANDOM = new SecureRandom();
  private static final Base64.Encoder URL = Base64.getUrlEncoder().withoutPadding();

  private Pkce() {}

  /** 256 random bits, base64url: well above the 122 bits SMART asks of {@code state}. */
  static String randomToken() {
    byte[] bytes = new byte[32];
    RANDOM.nextBytes(bytes);
    return URL.encodeToString(bytes);
  }

  /** A 43-character verifier (RFC 7636 allows 43 to 128). */
  static String newVerifier() {
    return randomToken();
  }

  static String s256(String verifier) {
    try {
      MessageDigest sha256 = MessageDigest.getInstance("SHA-256");
      return URL.encodeToString(sha256.digest(verifier.getBytes(StandardCharsets.US_ASCII)));
    } catch (NoSuchAlgorithmException e) {
      throw new IllegalStateException("SHA-256 is missing from this JVM", e);
    }
  }
}
