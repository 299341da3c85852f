package health.commonground.security;

import ca.uhn.fhir.rest.server.exceptions.AuthenticationException;
import health.commonground.store.SqlCondition;
import java.util.Optional;
import org.hl7.fhir.r4.model.Resource;

/** A request nobody authenticated: it reads nothing and writes nothing (fail closed). */
enum NoAccess implements ResourceAccess {
  INSTANCE;

  @Override
  public ActingUser actor() {
    return ActingUser.SYSTEM;
  }

  @Override
  public Optional<SqlCondition> readable(String type) {
    return Optional.of(SqlCondition.NOTHING);
  }

  @Override
  public boolean canRead(String type, String id) {
    return false;
  }

  @Override
  public void checkWrite(char permission, Resource incoming, Resource previous) {
    throw new AuthenticationException("A bearer token is required");
  }

  @Override
  public void requireGrant(String type, char permission) {
    throw new AuthenticationException("A bearer token is required");
  }

  @Override
  public boolean mayReadCaseloadOf(String practitionerId) {
    return false;
  }

  @Override
  public ResourceAccess actingAs(ActingUser actor) {
    return this;
  }
}
