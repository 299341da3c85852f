package health.commonground.security;

import health.commonground.store.SqlCondition;
import java.util.Optional;
import org.hl7.fhir.r4.model.Resource;

/**
 * The server's own access (start-up loads, internal jobs): an explicit kind of its own, never what
 * a request without a user falls back to. It may act for a person, who is then named in Provenance.
 */
record SystemAccess(ActingUser actor) implements ResourceAccess {

  @Override
  public Optional<SqlCondition> readable(String type) {
    return Optional.empty();
  }

  @Override
  public boolean canRead(String type, String id) {
    return true;
  }

  @Override
  public void checkWrite(char permission, Resource incoming, Resource previous) {}

  @Override
  public void requireGrant(String type, char permission) {}

  @Override
  public boolean mayReadCaseloadOf(String practitionerId) {
    return true;
  }

  @Override
  public ResourceAccess actingAs(ActingUser actor) {
    return new SystemAccess(actor);
  }
}
