package health.commonground.fhir;

import ca.uhn.fhir.context.FhirContext;
import ca.uhn.fhir.interceptor.api.Hook;
import ca.uhn.fhir.interceptor.api.Interceptor;
import ca.uhn.fhir.interceptor.api.Pointcut;
import ca.uhn.fhir.parser.DataFormatException;
import ca.uhn.fhir.rest.api.EncodingEnum;
import ca.uhn.fhir.rest.api.RequestTypeEnum;
import ca.uhn.fhir.rest.api.server.RequestDetails;
import ca.uhn.fhir.rest.server.exceptions.InvalidRequestException;
import ca.uhn.fhir.rest.server.exceptions.MethodNotAllowedException;
import java.nio.charset.StandardCharsets;
import java.util.regex.Pattern;
import org.hl7.fhir.instance.model.api.IBaseResource;
import org.hl7.fhir.r4.model.OperationOutcome.IssueType;
import org.hl7.fhir.r4.model.Parameters;
import org.springframework.stereotype.Component;

/**
 * Refuses, before any provider sees them, requests whose headers or paging parameters we read but
 * which cannot mean anything: an {@code If-Match} that is not a version ETag, a negative or
 * non-numeric {@code _offset}, a DELETE without an id, a {@code $validate} whose {@code resource}
 * parameter holds no resource. Each is a 4xx with an OperationOutcome instead of a provider failing
 * on it.
 */
@Component
@Interceptor
class RequestChecks implements FhirInterceptor {

  /** A version ETag, weak or strong, of a version that fits the store's numbers. */
  private static final Pattern VERSION_ETAG = Pattern.compile("(W/)?\"([1-9][0-9]{0,17})\"");

  private final FhirContext fhirContext;

  RequestChecks(FhirContext fhirContext) {
    this.fhirContext = fhirContext;
  }

  /** After the caller is identified (order 0), before stored answers (100) and any provider. */
  @Hook(value = Pointcut.SERVER_INCOMING_REQUEST_POST_PROCESSED, order = 50)
  public boolean check(RequestDetails request) {
    String ifMatch = request.getHeader("If-Match");
    if (ifMatch != null && !VERSION_ETAG.matcher(ifMatch.trim()).matches()) {
      throw invalid(
          "If-Match must be the ETag of one version, such as W/\"3\", not '"
              + abbreviate(ifMatch)
              + "'",
          "If-Match");
    }
    String[] offsets = request.getParameters().get("_offset");
    if (offsets != null) {
      for (String offset : offsets) {
        if (!offset.matches("[0-9]{1,9}")) {
          throw invalid(
              "_offset must be a whole number from 0 to 999999999, not '"
                  + abbreviate(offset)
                  + "'",
              "_offset");
        }
      }
    }
    if (request.getRequestType() == RequestTypeEnum.DELETE
        && (request.getId() == null || !request.getId().hasIdPart())) {
      String message =
          "DELETE needs the id of one resource, as in DELETE /fhir/Goal/{id}; conditional and"
              + " type-wide deletes are not offered";
      MethodNotAllowedException refused =
          new MethodNotAllowedException(
              message,
              OperationOutcomes.error(IssueType.NOTSUPPORTED, message, null),
              RequestTypeEnum.GET,
              RequestTypeEnum.POST);
      throw refused;
    }
    if ("$validate".equals(request.getOperation())
        && request.getRequestType() == RequestTypeEnum.POST) {
      checkValidateParameters(request);
    }
    return true;
  }

  /** A Parameters body of $validate must carry the resource in its 'resource' parameter. */
  private void checkValidateParameters(RequestDetails request) {
    EncodingEnum encoding =
        EncodingEnum.forContentType(String.valueOf(request.getHeader("Content-Type")));
    if (encoding == null) {
      return;
    }
    byte[] body = request.loadRequestContents();
    if (body == null || body.length == 0) {
      return;
    }
    IBaseResource parsed;
    try {
      parsed =
          encoding.newParser(fhirContext).parseResource(new String(body, StandardCharsets.UTF_8));
    } catch (DataFormatException e) {
      // HAPI refuses the body itself, with its message.
      return;
    }
    if (parsed instanceof Parameters parameters) {
      for (Parameters.ParametersParameterComponent parameter : parameters.getParameter()) {
        if ("resource".equals(parameter.getName()) && !parameter.hasResource()) {
          throw invalid(
              "The 'resource' parameter of $validate must hold a resource"
                  + (parameter.hasValue()
                      ? ", not a " + parameter.getValue().fhirType() + " value"
                      : ""),
              "Parameters.parameter.where(name = 'resource')");
        }
      }
    }
  }

  private InvalidRequestException invalid(String message, String expression) {
    return new InvalidRequestException(
        message, OperationOutcomes.error(IssueType.INVALID, message, expression));
  }

  private static String abbreviate(String text) {
    return text.length() > 40 ? text.substring(0, 40) + "…" : text;
  }
}
