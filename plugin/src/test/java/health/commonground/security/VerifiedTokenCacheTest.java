package health.commonground.security;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.springframework.security.oauth2.core.OAuth2Error;
import org.springframework.security.oauth2.core.OAuth2TokenValidator;
import org.springframework.security.oauth2.core.OAuth2TokenValidatorResult;
import org.springframework.security.oauth2.jwt.BadJwtException;
import org.springframework.security.oauth2.jwt.Jwt;
import org.springframework.security.oauth2.jwt.JwtDecoder;
import org.springframework.security.oauth2.jwt.JwtValidationException;

class VerifiedTokenCacheTest {

  /** Stands for the signature check: counts calls, refuses tokens starting with "forged". */
  private final List<String> checked = new ArrayList<>();

  private Instant expiry = Instant.now().plusSeconds(300);

  private final JwtDecoder signatures =
      token -> {
        checked.add(token);
        if (token.startsWith("forged")) {
          throw new BadJwtException("Signed JWT rejected: Invalid signature");
        }
        return Jwt.withTokenValue(token)
            .header("alg", "RS384")
            .claim("sub", token)
            .issuedAt(expiry.minusSeconds(600))
            .expiresAt(expiry)
            .build();
      };

  private final OAuth2TokenValidator<Jwt> notExpired =
      jwt ->
          jwt.getExpiresAt().isAfter(Instant.now())
              ? OAuth2TokenValidatorResult.success()
              : OAuth2TokenValidatorResult.failure(
                  new OAuth2Error("invalid_token", "Jwt expired", null));

  @Test
  void checksASignatureOnceAndTheClaimsEveryTime() {
    VerifiedTokenCache cache = new VerifiedTokenCache(signatures, notExpired, 10);

    assertThat(cache.decode("token-a").getSubject()).isEqualTo("token-a");
    assertThat(cache.decode("token-a").getSubject()).isEqualTo("token-a");
    assertThat(cache.decode("token-b").getSubject()).isEqualTo("token-b");

    assertThat(checked).containsExactly("token-a", "token-b");
  }

  @Test
  void aTokenThatExpiredAfterItsFirstUseIsRefused() {
    VerifiedTokenCache cache = new VerifiedTokenCache(signatures, notExpired, 10);
    expiry = Instant.now().plusMillis(200);
    cache.decode("short-lived");

    await(expiry.plusMillis(50));

    assertThatThrownBy(() -> cache.decode("short-lived"))
        .isInstanceOf(JwtValidationException.class)
        .hasMessageContaining("Jwt expired");
  }

  @Test
  void aBadSignatureIsRefusedEveryTimeAndNotRemembered() {
    VerifiedTokenCache cache = new VerifiedTokenCache(signatures, notExpired, 10);

    assertThatThrownBy(() -> cache.decode("forged-1")).isInstanceOf(BadJwtException.class);
    assertThatThrownBy(() -> cache.decode("forged-1")).isInstanceOf(BadJwtException.class);

    assertThat(checked).containsExactly("forged-1", "forged-1");
    assertThat(cache.size()).isZero();
  }

  @Test
  void remembersAtMostItsCapacity() {
    VerifiedTokenCache cache = new VerifiedTokenCache(signatures, notExpired, 3);
    for (int i = 0; i < 10; i++) {
      cache.decode("token-" + i);
    }
    assertThat(cache.size()).isLessThanOrEqualTo(3);
  }

  private static void await(Instant moment) {
    while (Instant.now().isBefore(moment)) {
      try {
        Thread.sleep(20);
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
        return;
      }
    }
  }
}
