package health.commonground.fhir;

import ca.uhn.fhir.context.FhirContext;
import ca.uhn.fhir.rest.annotation.Transaction;
import ca.uhn.fhir.rest.annotation.TransactionParam;
import ca.uhn.fhir.rest.api.server.RequestDetails;
import ca.uhn.fhir.rest.server.exceptions.BaseServerResponseException;
import ca.uhn.fhir.rest.server.exceptions.InvalidRequestException;
import ca.uhn.fhir.rest.server.exceptions.PreconditionFailedException;
import ca.uhn.fhir.rest.server.exceptions.ResourceNotFoundException;
import health.commonground.security.ResourceAccess;
import health.commonground.store.LocalReference;
import health.commonground.store.ResourceIds;
import health.commonground.store.ResourceStore;
import health.commonground.store.StoredVersion;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.UUID;
import org.hl7.fhir.r4.model.Bundle;
import org.hl7.fhir.r4.model.Bundle.BundleEntryComponent;
import org.hl7.fhir.r4.model.Bundle.BundleEntryResponseComponent;
import org.hl7.fhir.r4.model.Bundle.BundleType;
import org.hl7.fhir.r4.model.Bundle.HTTPVerb;
import org.hl7.fhir.r4.model.IdType;
import org.hl7.fhir.r4.model.OperationOutcome;
import org.hl7.fhir.r4.model.Reference;
import org.hl7.fhir.r4.model.Resource;
import org.springframework.stereotype.Component;
import org.springframework.transaction.support.TransactionTemplate;

/**
 * Transaction and batch Bundles posted to the base URL. A transaction is all or nothing: every
 * entry is written in one database transaction, {@code urn:uuid:} placeholders are resolved to the
 * ids the server assigns, and the first failing entry rolls all of it back.
 */
@Component
public class TransactionProvider implements FhirPlainProvider {

  private static final java.util.regex.Pattern CONDITIONAL_REFERENCE =
      java.util.regex.Pattern.compile("^[A-Z][A-Za-z]+\\?.+$");

  private final FhirContext fhirContext;
  private final ResourceWriter writer;
  private final ResourceStore store;
  private final TransactionTemplate transactions;

  TransactionProvider(
      FhirContext fhirContext,
      ResourceWriter writer,
      ResourceStore store,
      TransactionTemplate transactions) {
    this.fhirContext = fhirContext;
    this.writer = writer;
    this.store = store;
    this.transactions = transactions;
  }

  @Transaction
  public Bundle transaction(@TransactionParam Bundle bundle, RequestDetails request) {
    Bundle response = process(bundle, ResourceAccess.of(request));
    // Bundle.entry.fullUrl is absolute for resources the server holds (bdl-7, and what clients
    // resolve references against).
    String base = request.getFhirServerBase();
    for (BundleEntryComponent entry : response.getEntry()) {
      if (entry.hasFullUrl() && !entry.getFullUrl().contains("://") && base != null) {
        entry.setFullUrl(base + "/" + entry.getFullUrl());
      }
    }
    return response;
  }

  /**
   * Processes a transaction or batch Bundle exactly as a POST to the base URL does, within the
   * given access; for callers inside the application too, such as the demo clinic loader.
   */
  public Bundle process(Bundle bundle, ResourceAccess access) {
    if (bundle.getType() == BundleType.TRANSACTION) {
      return transactions.execute(status -> processTransaction(bundle, access));
    }
    if (bundle.getType() == BundleType.BATCH) {
      return processBatch(bundle, access);
    }
    throw new InvalidRequestException(
        "Bundle.type must be 'transaction' or 'batch', not '" + bundle.getType() + "'");
  }

  private Bundle processTransaction(Bundle bundle, ResourceAccess access) {
    List<BundleEntryComponent> entries = bundle.getEntry();
    for (int i = 0; i < entries.size(); i++) {
      checkEntry(entries.get(i), i);
    }
    Map<String, String> placeholders = new HashMap<>();
    Map<Integer, Resource> existing = new HashMap<>();
    // POSTs first: assign each its id (or find its conditional match) so others can refer to it.
    for (int i = 0; i < entries.size(); i++) {
      BundleEntryComponent entry = entries.get(i);
      if (entry.getRequest().getMethod() != HTTPVerb.POST) {
        continue;
      }
      Resource resource = entry.getResource();
      String ifNoneExist = entry.getRequest().getIfNoneExist();
      String id = ResourceIds.next();
      if (ifNoneExist != null && !ifNoneExist.isBlank()) {
        Optional<Resource> match =
            writer.conditionalMatch(resource.fhirType(), ifNoneExist, access);
        if (match.isPresent()) {
          existing.put(i, match.get());
          id = match.get().getIdElement().getIdPart();
        }
      }
      if (entry.hasFullUrl()) {
        placeholders.put(entry.getFullUrl(), resource.fhirType() + "/" + id);
      }
      resource.setIdElement(new IdType(resource.fhirType(), id));
    }
    for (BundleEntryComponent entry : entries) {
      if (entry.getRequest().getMethod() == HTTPVerb.PUT && entry.hasFullUrl()) {
        placeholders.put(entry.getFullUrl(), typeAndId(entry.getRequest().getUrl()));
      }
    }
    for (int i = 0; i < entries.size(); i++) {
      Resource resource = entries.get(i).getResource();
      if (resource != null) {
        resolvePlaceholders(resource, placeholders);
        resolveConditionalReferences(resource, access, i);
      }
    }

    ResourceWriter.WriteBatch batch = new ResourceWriter.WriteBatch();
    BundleEntryComponent[] responses = new BundleEntryComponent[entries.size()];
    for (HTTPVerb verb : List.of(HTTPVerb.DELETE, HTTPVerb.POST, HTTPVerb.PUT, HTTPVerb.GET)) {
      for (int i = 0; i < entries.size(); i++) {
        BundleEntryComponent entry = entries.get(i);
        if (entry.getRequest().getMethod() != verb) {
          continue;
        }
        try {
          responses[i] = process(entry, existing.get(i), access, batch);
        } catch (BaseServerResponseException e) {
          throw locate(e, i);
        }
      }
    }
    writer.checkReferences(batch);
    return response(BundleType.TRANSACTIONRESPONSE, List.of(responses));
  }

  private Bundle processBatch(Bundle bundle, ResourceAccess access) {
    List<BundleEntryComponent> responses = new ArrayList<>();
    List<BundleEntryComponent> entries = bundle.getEntry();
    for (int i = 0; i < entries.size(); i++) {
      BundleEntryComponent entry = entries.get(i);
      try {
        checkEntry(entry, i);
        responses.add(
            transactions.execute(
                status -> {
                  ResourceWriter.WriteBatch batch = new ResourceWriter.WriteBatch();
                  Resource resource = entry.getResource();
                  Resource match = null;
                  if (entry.getRequest().getMethod() == HTTPVerb.POST) {
                    String ifNoneExist = entry.getRequest().getIfNoneExist();
                    if (ifNoneExist != null && !ifNoneExist.isBlank()) {
                      match =
                          writer
                              .conditionalMatch(resource.fhirType(), ifNoneExist, access)
                              .orElse(null);
                    }
                    resource.setIdElement(new IdType(resource.fhirType(), ResourceIds.next()));
                  }
                  BundleEntryComponent result = process(entry, match, access, batch);
                  writer.checkReferences(batch);
                  return result;
                }));
      } catch (BaseServerResponseException e) {
        BundleEntryComponent failed = new BundleEntryComponent();
        failed
            .getResponse()
            .setStatus(
                e.getStatusCode()
                    + " "
                    + org.springframework.http.HttpStatus.valueOf(e.getStatusCode())
                        .getReasonPhrase());
        failed
            .getResponse()
            .setOutcome(
                e.getOperationOutcome() != null
                    ? (Resource) e.getOperationOutcome()
                    : OperationOutcomes.error(
                        OperationOutcome.IssueType.PROCESSING,
                        "Bundle.entry[" + i + "]: " + e.getMessage(),
                        null));
        responses.add(failed);
      }
    }
    return response(BundleType.BATCHRESPONSE, responses);
  }

  /** Points the error's issues at the entry that caused it. */
  private static BaseServerResponseException locate(BaseServerResponseException e, int index) {
    String entry = "Bundle.entry[" + index + "]";
    OperationOutcome outcome =
        e.getOperationOutcome() instanceof OperationOutcome oo
            ? oo
            : OperationOutcomes.error(OperationOutcome.IssueType.PROCESSING, e.getMessage(), null);
    for (OperationOutcome.OperationOutcomeIssueComponent issue : outcome.getIssue()) {
      issue.setDiagnostics(entry + ": " + issue.getDiagnostics());
      List<org.hl7.fhir.r4.model.StringType> located = new ArrayList<>();
      for (org.hl7.fhir.r4.model.StringType expression : issue.getExpression()) {
        located.add(
            new org.hl7.fhir.r4.model.StringType(entry + ".resource." + expression.getValue()));
      }
      issue.setExpression(located);
      issue.getLocation().clear();
    }
    e.setOperationOutcome(outcome);
    return e;
  }

  private void checkEntry(BundleEntryComponent entry, int index) {
    String where = "Bundle.entry[" + index + "]";
    if (!entry.hasRequest() || entry.getRequest().getMethod() == null) {
      throw new InvalidRequestException(where + ".request.method is missing");
    }
    HTTPVerb method = entry.getRequest().getMethod();
    if (!entry.getRequest().hasUrl()) {
      throw new InvalidRequestException(where + ".request.url is missing");
    }
    if ((method == HTTPVerb.POST || method == HTTPVerb.PUT) && entry.getResource() == null) {
      throw new InvalidRequestException(where + ".resource is missing for " + method);
    }
    if (method == HTTPVerb.PATCH || method == HTTPVerb.HEAD) {
      throw new InvalidRequestException(where + ": " + method + " is not supported in a Bundle");
    }
    if (method == HTTPVerb.POST
        && !entry.getRequest().getUrl().equals(entry.getResource().fhirType())) {
      throw new InvalidRequestException(
          where + ".request.url must be '" + entry.getResource().fhirType() + "' for POST");
    }
  }

  private BundleEntryComponent process(
      BundleEntryComponent entry,
      Resource match,
      ResourceAccess access,
      ResourceWriter.WriteBatch batch) {
    String url = entry.getRequest().getUrl();
    return switch (entry.getRequest().getMethod()) {
      case POST -> {
        if (match != null) {
          yield written(new ResourceWriter.Written(match, false));
        }
        Resource resource = entry.getResource();
        String id = resource.getIdElement().getIdPart();
        resource.setIdElement(new IdType());
        yield written(writer.createWithId(resource, id, access, batch));
      }
      case PUT -> {
        LocalReference target = reference(url);
        if (!target.type().equals(entry.getResource().fhirType())) {
          throw new InvalidRequestException(
              "request.url '" + url + "' does not name a " + entry.getResource().fhirType());
        }
        Long ifMatch = IfMatch.version(entry.getRequest().getIfMatch(), "request.ifMatch");
        yield written(writer.update(entry.getResource(), target.id(), ifMatch, access, batch));
      }
      case GET -> read(url, access);
      case DELETE ->
          throw new InvalidRequestException(
              "DELETE is not supported in a Bundle; mark a Goal entered-in-error with PUT instead");
      default -> throw new InvalidRequestException("Unsupported method");
    };
  }

  private BundleEntryComponent read(String url, ResourceAccess access) {
    LocalReference target = reference(url);
    if (!access.canRead(target.type(), target.id())) {
      throw new ResourceNotFoundException(url + " is not known");
    }
    Optional<StoredVersion> stored =
        target.version() == null
            ? store.read(target.type(), target.id())
            : store.readVersion(target.type(), target.id(), target.version());
    Resource resource =
        stored
            .filter(s -> !s.deleted())
            .map(writer::toResource)
            .orElseThrow(() -> new ResourceNotFoundException(url + " is not known"));
    BundleEntryComponent entry = new BundleEntryComponent();
    entry.setResource(resource);
    entry
        .getResponse()
        .setStatus("200 OK")
        .setEtag("W/\"" + resource.getMeta().getVersionId() + "\"");
    entry.getResponse().setLastModified(resource.getMeta().getLastUpdated());
    return entry;
  }

  private static BundleEntryComponent written(ResourceWriter.Written written) {
    Resource resource = written.resource();
    BundleEntryComponent entry = new BundleEntryComponent();
    entry.setFullUrl(resource.fhirType() + "/" + resource.getIdElement().getIdPart());
    entry.setResource(resource);
    BundleEntryResponseComponent response = entry.getResponse();
    response.setStatus(written.created() ? "201 Created" : "200 OK");
    response.setLocation(
        resource.fhirType()
            + "/"
            + resource.getIdElement().getIdPart()
            + "/_history/"
            + resource.getMeta().getVersionId());
    response.setEtag("W/\"" + resource.getMeta().getVersionId() + "\"");
    response.setLastModified(resource.getMeta().getLastUpdated());
    return entry;
  }

  private Bundle response(BundleType type, List<BundleEntryComponent> entries) {
    Bundle response = new Bundle();
    response.setType(type);
    response.setId(UUID.randomUUID().toString());
    entries.forEach(response::addEntry);
    return response;
  }

  private void resolvePlaceholders(Resource resource, Map<String, String> placeholders) {
    if (placeholders.isEmpty()) {
      return;
    }
    for (Reference reference :
        fhirContext.newTerser().getAllPopulatedChildElementsOfType(resource, Reference.class)) {
      String target = placeholders.get(reference.getReference());
      if (target != null) {
        reference.setReference(target);
      }
    }
  }

  /**
   * A conditional reference ({@code Patient?identifier=system|value}) becomes the one resource the
   * caller may read that matches; none or several is 412, and nothing of the Bundle is written.
   */
  private void resolveConditionalReferences(Resource resource, ResourceAccess access, int index) {
    for (Reference reference :
        fhirContext.newTerser().getAllPopulatedChildElementsOfType(resource, Reference.class)) {
      String value = reference.getReference();
      if (value == null || !CONDITIONAL_REFERENCE.matcher(value).matches()) {
        continue;
      }
      int question = value.indexOf('?');
      String type = value.substring(0, question);
      List<StoredVersion> matches = writer.matches(type, value.substring(question + 1), access);
      if (matches.size() != 1) {
        String message =
            "Bundle.entry["
                + index
                + "]: the conditional reference '"
                + value
                + "' matches "
                + (matches.isEmpty() ? "no resource" : "more than one resource")
                + "; it must match exactly one";
        throw new PreconditionFailedException(
            message,
            OperationOutcomes.error(
                OperationOutcome.IssueType.NOTFOUND, message, "Bundle.entry[" + index + "]"));
      }
      reference.setReference(type + "/" + matches.get(0).id());
    }
  }

  private static String typeAndId(String url) {
    return reference(url).relative();
  }

  private static LocalReference reference(String url) {
    return LocalReference.parse(url)
        .orElseThrow(() -> new InvalidRequestException("request.url '" + url + "' is not Type/id"));
  }
}
