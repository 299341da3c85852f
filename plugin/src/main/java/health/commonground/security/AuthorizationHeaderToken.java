package health.commonground.security;

import jakarta.servlet.http.HttpServletRequest;
import org.springframework.http.HttpHeaders;
import org.springframework.security.oauth2.core.OAuth2AuthenticationException;
import org.springframework.security.oauth2.server.resource.BearerTokenErrors;
import org.springframework.security.oauth2.server.resource.web.BearerTokenResolver;

/**
 * The access token of an {@code Authorization: Bearer} header (RFC 6750, section 2.1), the only
 * place the FHIR API takes one from: the same answers as Spring's default resolver, checked
 * character by character instead of with its regular expression, which cost ~5 % of a read.
 */
final class AuthorizationHeaderToken implements BearerTokenResolver {

  private static final String SCHEME = "bearer ";

  @Override
  public String resolve(HttpServletRequest request) {
    String header = request.getHeader(HttpHeaders.AUTHORIZATION);
    // Another scheme (or none) is not a bearer token; a malformed bearer token is refused.
    if (header == null || !header.regionMatches(true, 0, SCHEME, 0, SCHEME.length() - 1)) {
      return null;
    }
    if (!header.regionMatches(true, 0, SCHEME, 0, SCHEME.length())
        || !isToken(header, SCHEME.length())) {
      throw new OAuth2AuthenticationException(
          BearerTokenErrors.invalidToken("Bearer token is malformed"));
    }
    return header.substring(SCHEME.length());
  }

  /** b64token = 1*( ALPHA / DIGIT / "-" / "." / "_" / "~" / "+" / "/" ) *"=" */
  private static boolean isToken(String header, int start) {
    int i = start;
    while (i < header.length() && isTokenChar(header.charAt(i))) {
      i++;
    }
    if (i == start) {
      return false;
    }
    while (i < header.length() && header.charAt(i) == '=') {
      i++;
    }
    return i == header.length();
  }

  private static boolean isTokenChar(char c) {
    return (c >= 'a' && c <= 'z')
        || (c >= 'A' && c <= 'Z')
        || (c >= '0' && c <= '9')
        || c == '-'
        || c == '.'
        || c == '_'
        || c == '~'
        || c == '+'
        || c == '/';
  }
}
