package health.commonground.security;

import java.util.Map;

/**
 * The endpoints of the authorization server whose tokens the FHIR API accepts, as OAuth metadata
 * names them ({@code issuer}, {@code authorization_endpoint}, {@code token_endpoint}, {@code
 * jwks_uri}, ...). The sandbox provides its own; otherwise they come from the issuer's discovery
 * document.
 */
public interface AuthorizationServerEndpoints {

  Map<String, Object> metadata();
}
