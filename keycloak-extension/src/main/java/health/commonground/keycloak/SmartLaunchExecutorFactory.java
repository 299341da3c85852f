package health.commonground.keycloak;

import java.util.List;
import org.keycloak.Config;
import org.keycloak.models.KeycloakSession;
import org.keycloak.models.KeycloakSessionFactory;
import org.keycloak.provider.ProviderConfigProperty;
import org.keycloak.services.clientpolicy.executor.ClientPolicyExecutorProvider;
import org.keycloak.services.clientpolicy.executor.ClientPolicyExecutorProviderFactory;

/** Registers {@link SmartLaunchExecutor} as client-policy executor {@value #ID}. */
public class SmartLaunchExecutorFactory implements ClientPolicyExecutorProviderFactory {

  static final String ID = "smart-launch";

  @Override
  public ClientPolicyExecutorProvider create(KeycloakSession session) {
    return new SmartLaunchExecutor(session);
  }

  @Override
  public void init(Config.Scope config) {}

  @Override
  public void postInit(KeycloakSessionFactory factory) {}

  @Override
  public void close() {}

  @Override
  public String getId() {
    return ID;
  }

  @Override
  public String getHelpText() {
    return "SMART App Launch: checks aud against the realm attribute 'smartAudiences' and resolves the"
        + " EHR's launch parameter to its registered context.";
  }

  @Override
  public List<ProviderConfigProperty> getConfigProperties() {
    return List.of();
  }
}
