package health.commonground.fhir;

import ca.uhn.fhir.rest.api.server.RequestDetails;
import java.util.function.Supplier;

/**
 * Told of each answer {@link StoredJsonAnswers} writes itself, as HAPI's outgoing-response hooks
 * are told of the others.
 */
public interface AnswerLog {

  /**
   * @param patientOfAnswer the client whose record a read returned, for when the request itself
   *     does not say (null when unknown)
   */
  void answered(RequestDetails request, Supplier<String> patientOfAnswer);
}
