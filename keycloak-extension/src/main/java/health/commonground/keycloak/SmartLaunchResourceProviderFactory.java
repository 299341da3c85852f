package health.commonground.keycloak;

import org.keycloak.Config;
import org.keycloak.models.KeycloakSession;
import org.keycloak.models.KeycloakSessionFactory;
import org.keycloak.services.resource.RealmResourceProvider;
import org.keycloak.services.resource.RealmResourceProviderFactory;

/** Serves {@link SmartLaunchResource} under {@code /realms/{realm}/smart-launch}. */
public class SmartLaunchResourceProviderFactory implements RealmResourceProviderFactory {

  static final String ID = "smart-launch";

  /** How long an EHR's launch id stays usable; SPI option {@code lifespan-seconds}. */
  private long lifespanSeconds = 300;

  @Override
  public RealmResourceProvider create(KeycloakSession session) {
    SmartLaunchResource resource = new SmartLaunchResource(session, lifespanSeconds);
    return new RealmResourceProvider() {
      @Override
      public Object getResource() {
        return resource;
      }

      @Override
      public void close() {}
    };
  }

  @Override
  public void init(Config.Scope config) {
    lifespanSeconds = config.getLong("lifespan-seconds", 300L);
  }

  @Override
  public void postInit(KeycloakSessionFactory factory) {}

  @Override
  public void close() {}

  @Override
  public String getId() {
    return ID;
  }
}
