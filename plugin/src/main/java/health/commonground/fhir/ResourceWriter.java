package health.commonground.fhir;

import ca.uhn.fhir.context.FhirContext;
import ca.uhn.fhir.parser.IParser;
import ca.uhn.fhir.rest.server.exceptions.InvalidRequestException;
import ca.uhn.fhir.rest.server.exceptions.PreconditionFailedException;
import ca.uhn.fhir.rest.server.exceptions.ResourceNotFoundException;
import ca.uhn.fhir.rest.server.exceptions.ResourceVersionConflictException;
import ca.uhn.fhir.rest.server.exceptions.UnprocessableEntityException;
import ca.uhn.fhir.validation.ValidationResult;
import health.commonground.provenance.ProvenanceRecorder;
import health.commonground.provenance.ProvenanceRecorder.Activity;
import health.commonground.security.ActingUser;
import health.commonground.security.ResourceAccess;
import health.commonground.store.LocalReference;
import health.commonground.store.ResourceIds;
import health.commonground.store.ResourceStore;
import health.commonground.store.SearchParamRegistry;
import health.commonground.store.SearchQuery;
import health.commonground.store.SqlCondition;
import health.commonground.store.StoredVersion;
import health.commonground.validation.ProfileValidator;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.Date;
import java.util.HashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;
import org.hl7.fhir.r4.model.IdType;
import org.hl7.fhir.r4.model.OperationOutcome;
import org.hl7.fhir.r4.model.OperationOutcome.IssueType;
import org.hl7.fhir.r4.model.Reference;
import org.hl7.fhir.r4.model.Resource;
import org.springframework.dao.DuplicateKeyException;
import org.springframework.stereotype.Service;
import org.springframework.transaction.annotation.Transactional;

/**
 * The one path every write takes: the caller's access boundary, type rules, validation against the
 * declared profiles, reference checks, a new version with its search index, and the Provenance of
 * the write, all in one database transaction.
 */
@Service
public class ResourceWriter {

  private static final String ID_PATTERN = "[A-Za-z0-9\\-.]{1,64}";

  private final FhirContext fhirContext;
  private final ResourceStore store;
  private final SearchParamRegistry registry;
  private final ProfileValidator validator;
  private final ProvenanceRecorder provenanceRecorder;
  private final WriteValidation writeValidation;
  private final Map<String, List<WriteRule>> rules = new HashMap<>();

  public ResourceWriter(
      FhirContext fhirContext,
      ResourceStore store,
      SearchParamRegistry registry,
      ProfileValidator validator,
      ProvenanceRecorder provenanceRecorder,
      WriteValidation writeValidation,
      List<WriteRule> writeRules) {
    this.fhirContext = fhirContext;
    this.store = store;
    this.registry = registry;
    this.validator = validator;
    this.provenanceRecorder = provenanceRecorder;
    this.writeValidation = writeValidation;
    writeRules.forEach(
        rule ->
            rules.computeIfAbsent(rule.resourceType(), t -> new java.util.ArrayList<>()).add(rule));
  }

  /** What a write produced: the stored resource and whether it was newly created. */
  public record Written(Resource resource, boolean created) {}

  /**
   * References written in one unit of work, checked together at its end so that resources of one
   * transaction Bundle may refer to each other in any order.
   */
  public static final class WriteBatch {
    private final Set<String> references = new LinkedHashSet<>();
  }

  @Transactional
  public Written create(Resource resource, String ifNoneExist, ResourceAccess access) {
    WriteBatch batch = new WriteBatch();
    Written written = create(resource, ifNoneExist, access, batch);
    checkReferences(batch);
    return written;
  }

  /**
   * Create within a larger unit of work; the caller checks the batch's references before commit.
   */
  public Written create(
      Resource resource, String ifNoneExist, ResourceAccess access, WriteBatch batch) {
    if (ifNoneExist != null && !ifNoneExist.isBlank()) {
      Optional<Resource> existing = conditionalMatch(resource.fhirType(), ifNoneExist, access);
      if (existing.isPresent()) {
        return new Written(existing.get(), false);
      }
    }
    return createWithId(resource, ResourceIds.next(), access, batch);
  }

  /**
   * The existing resource matching conditional-create criteria, if any (locks the criteria). Only
   * what the caller may read can match: a resource outside is no match, and nothing about it shows.
   */
  public Optional<Resource> conditionalMatch(
      String type, String ifNoneExist, ResourceAccess access) {
    store.lockKey(type + "?" + ifNoneExist);
    List<StoredVersion> matches = matches(type, ifNoneExist, access);
    if (matches.size() > 1) {
      throw new PreconditionFailedException(
          "If-None-Exist '"
              + ifNoneExist
              + "' matches "
              + matches.size()
              + " resources; it must match at most one");
    }
    return matches.stream().findFirst().map(this::toResource);
  }

  /** Creates a resource under an id the server chose earlier (transaction placeholders). */
  public Written createWithId(
      Resource resource, String id, ResourceAccess access, WriteBatch batch) {
    return store(resource, id, null, Activity.CREATE, access, batch);
  }

  @Transactional
  public Written update(Resource resource, String id, Long ifMatchVersion, ResourceAccess access) {
    WriteBatch batch = new WriteBatch();
    Written written = update(resource, id, ifMatchVersion, access, batch);
    checkReferences(batch);
    return written;
  }

  /** Update (or create with a client-chosen id) within a larger unit of work. */
  public Written update(
      Resource resource, String id, Long ifMatchVersion, ResourceAccess access, WriteBatch batch) {
    checkId(id);
    if (resource.getIdElement().hasIdPart() && !id.equals(resource.getIdElement().getIdPart())) {
      throw new InvalidRequestException(
          "The resource id '"
              + resource.getIdElement().getIdPart()
              + "' does not match the id in the URL '"
              + id
              + "'");
    }
    // What the caller may not see is answered as if it did not exist, before anything is locked.
    if (!access.canRead(resource.fhirType(), id) && store.exists(resource.fhirType(), id)) {
      throw new ResourceNotFoundException(resource.fhirType() + "/" + id + " is not known");
    }
    Optional<Long> current = store.lockCurrentVersion(resource.fhirType(), id);
    if (ifMatchVersion != null) {
      if (current.isEmpty()) {
        throw new ResourceNotFoundException(
            resource.fhirType() + "/" + id + " does not exist, so If-Match cannot hold");
      }
      requireCurrent(resource.fhirType() + "/" + id, current.get(), ifMatchVersion);
    }
    Resource previous =
        current
            .map(v -> toResource(store.read(resource.fhirType(), id).orElseThrow()))
            .orElse(null);
    return store(
        resource,
        id,
        previous,
        current.isPresent() ? Activity.UPDATE : Activity.CREATE,
        access,
        batch);
  }

  private Written store(
      Resource resource,
      String id,
      Resource previous,
      Activity activity,
      ResourceAccess access,
      WriteBatch batch) {
    String type = resource.fhirType();
    access.checkWrite(
        activity == Activity.DELETE ? 'd' : previous == null ? 'c' : 'u', resource, previous);
    ActingUser actor = access.actor();
    for (WriteRule rule : rules.getOrDefault(type, List.of())) {
      rule.beforeWrite(resource, previous, actor);
    }
    CompletableFuture<ValidationResult> validation = writeValidation.start(resource);
    Written written;
    try {
      written = storeValid(resource, id, previous, activity, actor, batch);
    } catch (RuntimeException e) {
      // Validation errors come first, as when validation ran before the store work.
      requireValid(validation);
      throw e;
    }
    requireValid(validation);
    return written;
  }

  /** The store work of a write whose validation runs alongside (see {@link WriteValidation}). */
  private Written storeValid(
      Resource resource,
      String id,
      Resource previous,
      Activity activity,
      ActingUser actor,
      WriteBatch batch) {
    String type = resource.fhirType();
    collectReferences(resource, batch);

    long version = previous == null ? 1 : Long.parseLong(previous.getMeta().getVersionId()) + 1;
    Instant now = Instant.now().truncatedTo(ChronoUnit.MILLIS);
    resource.setIdElement(new IdType(type, id, Long.toString(version)));
    resource.getMeta().setVersionId(Long.toString(version));
    resource.getMeta().setLastUpdated(Date.from(now));
    String json = parser().encodeResourceToString(resource);
    try {
      store.write(
          new StoredVersion(type, id, version, now, false, json),
          activity == Activity.CREATE && previous == null ? "POST" : "PUT",
          registry.index(resource));
    } catch (DuplicateKeyException e) {
      throw new ResourceVersionConflictException(
          type + "/" + id + " was created by another request at the same moment; retry");
    }
    for (WriteRule rule : rules.getOrDefault(type, List.of())) {
      rule.afterWrite(resource, previous, actor);
    }
    // The answer to a create or update is this JSON (the rules above only read the resource).
    resource.setUserData(StoredJsonAnswers.STORED_JSON, json);
    if (!"Provenance".equals(type)) {
      provenanceRecorder.record(resource, previous, activity, actor, now);
    }
    return new Written(resource, previous == null);
  }

  /** Marks the write of an existing resource as a logical deletion in its Provenance. */
  @Transactional
  public Written replaceAsDeletion(
      Resource resource, String id, Long ifMatchVersion, ResourceAccess access) {
    if (!access.canRead(resource.fhirType(), id)) {
      throw new ResourceNotFoundException(resource.fhirType() + "/" + id + " does not exist");
    }
    Optional<Long> current = store.lockCurrentVersion(resource.fhirType(), id);
    if (current.isEmpty()) {
      throw new ResourceNotFoundException(resource.fhirType() + "/" + id + " does not exist");
    }
    if (ifMatchVersion != null) {
      requireCurrent(resource.fhirType() + "/" + id, current.get(), ifMatchVersion);
    }
    Resource previous = toResource(store.read(resource.fhirType(), id).orElseThrow());
    WriteBatch batch = new WriteBatch();
    Written written = store(resource, id, previous, Activity.DELETE, access, batch);
    checkReferences(batch);
    return written;
  }

  /** 412 when an If-Match names a version that is no longer current: nothing is overwritten. */
  private static void requireCurrent(String reference, long current, long ifMatchVersion) {
    if (current != ifMatchVersion) {
      throw new PreconditionFailedException(
          "If-Match: version "
              + ifMatchVersion
              + " of "
              + reference
              + " is not current (current is "
              + current
              + "); read it again and reapply your change");
    }
  }

  /** What {@code $validate} reports: the type's rules and the profiles, without writing. */
  public OperationOutcome check(Resource resource, ActingUser actor) {
    try {
      for (WriteRule rule : rules.getOrDefault(resource.fhirType(), List.of())) {
        rule.beforeWrite(resource, null, actor);
      }
    } catch (UnprocessableEntityException e) {
      return (OperationOutcome) e.getOperationOutcome();
    }
    OperationOutcome outcome =
        (OperationOutcome)
            ProfileValidator.unknownProfilesAsWarnings(validator.validateOrRecall(resource))
                .toOperationOutcome();
    if (outcome.getIssue().isEmpty()) {
      return OperationOutcomes.information("No issues found");
    }
    return outcome;
  }

  /** Waits for a write's validation; an error or fatal message refuses the write (422). */
  private void requireValid(CompletableFuture<ValidationResult> validation) {
    ValidationResult result;
    try {
      result = ProfileValidator.unknownProfilesAsWarnings(validation.join());
    } catch (CompletionException e) {
      throw e.getCause() instanceof RuntimeException cause ? cause : e;
    }
    if (ProfileValidator.hasErrors(result)) {
      OperationOutcome outcome = (OperationOutcome) result.toOperationOutcome();
      outcome
          .getIssue()
          .removeIf(
              issue ->
                  issue.getSeverity() != OperationOutcome.IssueSeverity.ERROR
                      && issue.getSeverity() != OperationOutcome.IssueSeverity.FATAL);
      throw new UnprocessableEntityException(fhirContext, outcome);
    }
  }

  /**
   * Relative references to the types this server holds must resolve here (checked at the end of the
   * unit of work); references to types held elsewhere (Condition, Observation, …) and absolute URLs
   * to other servers are what partners send and are kept as they are.
   */
  private void collectReferences(Resource resource, WriteBatch batch) {
    for (Reference reference :
        fhirContext.newTerser().getAllPopulatedChildElementsOfType(resource, Reference.class)) {
      String value = reference.getReference();
      if (value == null
          || value.startsWith("#")
          || value.contains("://")
          || value.startsWith("urn:")) {
        continue;
      }
      Optional<LocalReference> local = LocalReference.parse(value);
      if (local.isPresent()) {
        if (!registry.params(local.get().type()).isEmpty()) {
          batch.references.add(local.get().relative());
        }
        continue;
      }
      throw new UnprocessableEntityException(
          fhirContext,
          OperationOutcomes.error(
              IssueType.INVALID,
              "Reference '"
                  + value
                  + "' is not a reference this server can keep: use Type/id (an id of 1-64"
                  + " letters, digits, '-' or '.'), an absolute URL, a urn:uuid: or urn:oid:, or #id"
                  + " for a contained resource"
                  + (value.contains("?")
                      ? "; a conditional reference (Type?search) is resolved only inside a"
                          + " transaction Bundle"
                      : ""),
              null));
    }
  }

  /** Every relative reference must point at a resource this server holds. */
  public void checkReferences(WriteBatch batch) {
    for (String reference : batch.references) {
      LocalReference ref = LocalReference.parse(reference).orElseThrow();
      if (!store.exists(ref.type(), ref.id())) {
        throw new UnprocessableEntityException(
            fhirContext,
            OperationOutcomes.error(
                IssueType.NOTFOUND,
                "Reference '" + reference + "' points at a resource that does not exist here",
                null));
      }
    }
  }

  /** At most two current resources the caller may read that match conditional criteria. */
  public List<StoredVersion> matches(String type, String criteria, ResourceAccess access) {
    Map<String, String[]> params = QueryStrings.parse(criteria);
    if (params.isEmpty()) {
      throw new InvalidRequestException("Conditional criteria '" + criteria + "' are empty");
    }
    SearchQuery query = SearchQuery.parse(type, params, registry);
    Optional<SqlCondition> readable = access.readable(type);
    return store.search(readable.isEmpty() ? query : query.and(readable.get()), 0, 2);
  }

  public Resource toResource(StoredVersion version) {
    Resource resource = (Resource) parser().parseResource(version.json());
    resource.setIdElement(
        new IdType(version.type(), version.id(), Long.toString(version.version())));
    return resource;
  }

  private IParser parser() {
    return fhirContext.newJsonParser();
  }

  static void checkId(String id) {
    if (id == null || !id.matches(ID_PATTERN)) {
      throw new InvalidRequestException(
          "'" + id + "' is not a valid resource id (1-64 letters, digits, '-' or '.')");
    }
  }
}
