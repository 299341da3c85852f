package health.commonground.validation;

import ca.uhn.fhir.context.ConfigurationException;
import ca.uhn.fhir.context.support.IValidationSupport;
import ca.uhn.fhir.rest.api.EncodingEnum;
import ca.uhn.fhir.util.XmlUtil;
import ca.uhn.fhir.validation.IValidationContext;
import com.google.gson.Gson;
import com.google.gson.JsonArray;
import com.google.gson.JsonElement;
import com.google.gson.JsonObject;
import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.lang.reflect.Field;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Deque;
import java.util.List;
import java.util.Objects;
import java.util.concurrent.ConcurrentLinkedDeque;
import java.util.concurrent.atomic.AtomicInteger;
import org.hl7.fhir.common.hapi.validation.validator.FhirInstanceValidator;
import org.hl7.fhir.exceptions.FHIRException;
import org.hl7.fhir.r5.context.IWorkerContext;
import org.hl7.fhir.r5.elementmodel.Element;
import org.hl7.fhir.r5.elementmodel.JsonParser;
import org.hl7.fhir.r5.elementmodel.Manager.FhirFormat;
import org.hl7.fhir.r5.elementmodel.ParserBase.ValidationPolicy;
import org.hl7.fhir.r5.elementmodel.ValidatedFragment;
import org.hl7.fhir.r5.fhirpath.IHostApplicationServices;
import org.hl7.fhir.r5.model.StructureDefinition;
import org.hl7.fhir.r5.model.StructureDefinition.StructureDefinitionKind;
import org.hl7.fhir.r5.utils.validation.ValidatorSession;
import org.hl7.fhir.r5.utils.validation.constants.IdStatus;
import org.hl7.fhir.r5.utils.xver.XVerExtensionManagerOld;
import org.hl7.fhir.utilities.i18n.I18nConstants;
import org.hl7.fhir.utilities.validation.ValidationMessage;
import org.hl7.fhir.utilities.validation.ValidationMessage.IssueSeverity;
import org.hl7.fhir.validation.ValidatorSettings;
import org.hl7.fhir.validation.codesystem.CodingsObserver;
import org.hl7.fhir.validation.instance.InstanceValidator;
import org.w3c.dom.Document;
import org.w3c.dom.Node;
import org.w3c.dom.NodeList;

/**
 * HAPI's {@link FhirInstanceValidator}, but reusing the core {@link InstanceValidator} across
 * calls.
 *
 * <p>Why: HAPI 8.8.0 (its {@code ValidatorWrapper}) builds a new core validator for every call, and
 * that constructor parses the 1.5 MB OID registry — about 80 % of the time a Goal takes. This class
 * performs the same steps as {@code ValidatorWrapper.validate} (same settings, same profile lookup,
 * same message filtering), so the messages are the ones HAPI would give, but takes the core
 * validator from a pool.
 *
 * <p>A core validator is not thread-safe, so each one serves one call at a time: a call borrows an
 * idle one (or builds one when none is idle) and gives it back afterwards. It clears its per-call
 * state at the start of every {@code validate}; what it keeps (cached lookups) only grows, so each
 * is retired after a number of calls. Two remembered things are forgotten before each call: the
 * "depends on a deprecated/retired definition" hints, which it gives once per validator and so
 * would change messages, and its log of every coding seen, which holds every resource validated.
 *
 * <p>Configure it (the setters of {@link FhirInstanceValidator}) before the first validation: core
 * validators take the settings when they are built. It must not be given a resource fetcher: the
 * core validator caches fetched profiles, including failures, across calls.
 */
final class ReusingInstanceValidator extends FhirInstanceValidator {

  /** Reads the declared profiles; thread-safe, and building one per call showed in profiles. */
  private static final Gson GSON = new Gson();

  private final IWorkerContext workerContext;
  private final Deque<CoreValidator> idle = new ConcurrentLinkedDeque<>();
  private final int maxIdle;
  private final int callsPerCoreValidator;
  private final AtomicInteger built = new AtomicInteger();

  /**
   * @param maxIdle core validators kept between calls
   * @param callsPerCoreValidator calls after which a core validator is dropped
   */
  ReusingInstanceValidator(
      IValidationSupport validationSupport, int maxIdle, int callsPerCoreValidator) {
    super(validationSupport);
    // Created once here, not lazily on the first (possibly concurrent) calls.
    this.workerContext = new RememberingWorkerContext(validationSupport);
    this.maxIdle = maxIdle;
    this.callsPerCoreValidator = callsPerCoreValidator;
  }

  @Override
  public void setValidatorResourceFetcher(
      org.hl7.fhir.r5.utils.validation.IValidatorResourceFetcher fetcher) {
    throw new UnsupportedOperationException(
        "A reused core validator caches what a fetcher returns; see the class comment");
  }

  @Override
  protected List<ValidationMessage> validate(IValidationContext<?> validationContext) {
    CoreValidator core = borrow();
    boolean healthy = false;
    try {
      List<ValidationMessage> messages = validateWith(core, validationContext);
      healthy = true;
      return messages;
    } finally {
      giveBack(core, healthy);
    }
  }

  /** The core validators' view of the chain, shared by all of them. */
  IWorkerContext workerContext() {
    return workerContext;
  }

  /** Core validators built so far (for tests and the benchmark). */
  int coreValidatorsBuilt() {
    return built.get();
  }

  private CoreValidator borrow() {
    CoreValidator core = idle.pollFirst();
    return core != null ? core : build();
  }

  private void giveBack(CoreValidator core, boolean healthy) {
    // A call that threw may have left the validator half-way through; do not reuse it.
    if (healthy && ++core.calls < callsPerCoreValidator && idle.size() < maxIdle) {
      idle.offerFirst(core);
    }
  }

  /** As {@code ValidatorWrapper.buildInstanceValidator} plus the settings its caller applies. */
  private CoreValidator build() {
    IHostApplicationServices hostServices =
        Objects.requireNonNullElseGet(getHostApplicationServices(), NullEvaluationContext::new);
    CoreValidator core;
    try {
      core = new CoreValidator(workerContext, hostServices);
    } catch (Exception e) {
      throw new ConfigurationException(
          "Cannot build the core FHIR validator: " + e.getMessage(), e);
    }
    core.setAssumeValidRestReferences(isAssumeValidRestReferences());
    core.setBestPracticeWarningLevel(getBestPracticeWarningLevel());
    core.setAnyExtensionsAllowed(isAnyExtensionsAllowed());
    core.setResourceIdRule(IdStatus.OPTIONAL);
    core.setNoTerminologyChecks(isNoTerminologyChecks());
    core.setErrorForUnknownProfiles(isErrorForUnknownProfiles());
    // Fixed in HAPI too: it interacts with UnknownCodeSystemWarningValidationSupport.
    core.setUnknownCodeSystemsCauseErrors(true);
    core.getExtensionDomains().addAll(getExtensionDomains());
    core.setFetcher(getValidatorResourceFetcher());
    core.setPolicyAdvisor(getValidatorPolicyAdvisor());
    core.setNoExtensibleWarnings(isNoExtensibleWarnings());
    core.setNoBindingMsgSuppressed(isNoBindingMsgSuppressed());
    core.setAllowExamples(isAllowExamples());
    core.setAllowXsiLocation(true);
    built.incrementAndGet();
    return core;
  }

  /** As {@code ValidatorWrapper.validate}, on a reused core validator. */
  private List<ValidationMessage> validateWith(CoreValidator core, IValidationContext<?> context) {
    core.forgetPreviousCalls();
    List<ValidationMessage> messages = new ArrayList<>();
    List<StructureDefinition> profiles = new ArrayList<>();
    List<ValidationMessage> unknownProfiles = new ArrayList<>();
    for (String url : context.getOptions().getProfiles()) {
      addProfile(url, profiles, unknownProfiles);
    }

    String input = context.getResourceAsString();
    InputStream inputStream = new ByteArrayInputStream(input.getBytes(StandardCharsets.UTF_8));
    EncodingEnum encoding = context.getResourceAsStringEncoding();
    if (encoding == EncodingEnum.XML) {
      Document document;
      try {
        document = XmlUtil.parseDocument(input);
      } catch (Exception e) {
        ValidationMessage m = new ValidationMessage();
        m.setLevel(IssueSeverity.FATAL);
        m.setMessage("Failed to parse input, it does not appear to be valid XML:" + e.getMessage());
        messages.add(m);
        return messages;
      }
      for (String url : declaredProfiles(document)) {
        addProfile(url, profiles, unknownProfiles);
      }
      core.validate(null, messages, inputStream, FhirFormat.XML, profiles);
    } else if (encoding == EncodingEnum.JSON) {
      JsonObject json = GSON.fromJson(input, JsonObject.class);
      JsonObject meta = json.getAsJsonObject("meta");
      JsonElement declared = meta == null ? null : meta.get("profile");
      if (declared != null && declared.isJsonArray()) {
        for (JsonElement url : (JsonArray) declared) {
          addProfile(url.getAsString(), profiles, unknownProfiles);
        }
      }
      core.validate(
          context.getOptions().getAppContext(), messages, inputStream, FhirFormat.JSON, profiles);
    } else {
      throw new IllegalArgumentException("Unknown encoding: " + encoding);
    }

    if (profiles.isEmpty() && !unknownProfiles.isEmpty()) {
      messages.addAll(unknownProfiles);
    }
    List<ValidationMessage> kept =
        new ArrayList<>(messages.stream().filter(m -> !hapiSuppresses(m)).toList());
    IssueSeverity unknownProfileLevel =
        isErrorForUnknownProfiles() ? IssueSeverity.ERROR : IssueSeverity.WARNING;
    kept.stream()
        .filter(
            m ->
                I18nConstants.VALIDATION_VAL_PROFILE_UNKNOWN.equals(m.getMessageId())
                    || I18nConstants.VALIDATION_VAL_PROFILE_UNKNOWN_NOT_POLICY.equals(
                        m.getMessageId()))
        .forEach(m -> m.setLevel(unknownProfileLevel));
    return kept;
  }

  /** The messages HAPI 8.8.0 drops from the core validator's output. */
  private static boolean hapiSuppresses(ValidationMessage m) {
    String id = m.getMessageId();
    return id != null
        && (id.equals(I18nConstants.TERMINOLOGY_TX_BINDING_NOSOURCE)
            || (id.equals(I18nConstants.TERMINOLOGY_TX_VALUESET_NOTFOUND)
                && m.getMessage().contains("http://hl7.org/fhir/ValueSet/mimetypes")));
  }

  private void addProfile(
      String url, List<StructureDefinition> profiles, List<ValidationMessage> unknownProfiles) {
    try {
      StructureDefinition profile = workerContext.fetchResource(StructureDefinition.class, url);
      if (profile != null) {
        profiles.add(profile);
      } else {
        ValidationMessage m = new ValidationMessage();
        m.setMessageId(I18nConstants.VALIDATION_VAL_PROFILE_UNKNOWN);
        m.setLevel(IssueSeverity.ERROR);
        m.setMessage("Invalid profile. Failed to retrieve profile with url=" + url);
        unknownProfiles.add(m);
      }
    } catch (FHIRException e) {
      // As HAPI: a profile that cannot be loaded is left out.
    }
  }

  private static List<String> declaredProfiles(Document document) {
    List<String> urls = new ArrayList<>();
    NodeList children = document.getChildNodes().item(0).getChildNodes();
    for (int i = 0; i < children.getLength(); i++) {
      if (children.item(i).getNodeName().equalsIgnoreCase("meta")) {
        NodeList meta = children.item(i).getChildNodes();
        for (int j = 0; j < meta.getLength(); j++) {
          Node node = meta.item(j);
          if (node.getNodeName().equalsIgnoreCase("profile")) {
            urls.add(node.getAttributes().item(0).getNodeValue());
          }
        }
        break;
      }
    }
    return urls;
  }

  /**
   * The core validator, with access to the one piece of remembered state that shows in output, and
   * with a JSON parser of its own.
   */
  private static final class CoreValidator extends InstanceValidator {

    private int calls;

    /**
     * Reused for every JSON resource this validator reads. The core validator makes a new parser
     * for each resource, and building one walks every StructureDefinition twice (its FHIRPath
     * engines index the type names) and later once more per resource (its list of resource types):
     * ~15 % of validating a small Goal. Parsing keeps no state between resources; what a parser
     * remembers is derived from the definitions, which do not change.
     */
    private final JsonParser jsonParser;

    private final List<?> codingLog;

    CoreValidator(IWorkerContext context, IHostApplicationServices hostServices) {
      super(
          context,
          hostServices,
          new XVerExtensionManagerOld(context),
          new ValidatorSession(),
          new ValidatorSettings());
      this.jsonParser = new JsonParser(context);
      this.codingLog = codingLog();
    }

    /**
     * As {@code InstanceValidator.validate} of a stream in 6.7.9, step for step, but parsing JSON
     * with {@link #jsonParser}. Other formats, and logical models (which set the parser up for that
     * model), take the core validator's own way.
     */
    @Override
    public Element validate(
        Object appContext,
        List<ValidationMessage> errors,
        InputStream stream,
        FhirFormat format,
        List<StructureDefinition> profiles)
        throws FHIRException {
      if (format != FhirFormat.JSON
          || profiles.stream().anyMatch(p -> p.getKind() == StructureDefinitionKind.LOGICAL)) {
        return super.validate(appContext, errors, stream, format, profiles);
      }
      jsonParser.setupValidation(ValidationPolicy.EVERYTHING);
      jsonParser.setAllowComments(isAllowComments());
      jsonParser.setSignatureServices(getSignatureServices());
      long start = System.nanoTime();
      validatedContent = null;
      try {
        validatedContent = jsonParser.parse(stream);
      } catch (IOException e) {
        throw new FHIRException(e);
      }
      timeTracker.load(start);
      // A JSON parser implies no profile, so the core validator's check for one is left out.
      if (validatedContent == null || validatedContent.isEmpty()) {
        return null;
      }
      for (ValidatedFragment fragment : validatedContent) {
        if (fragment.getElement() != null) {
          validate(
              appContext,
              fragment.getErrors(),
              validatedContent.size() > 1 ? fragment.path() : null,
              fragment.getElement(),
              profiles);
        }
        errors.addAll(fragment.getErrors());
      }
      return validatedContent.get(0).getElement();
    }

    /**
     * Forgets the two things a core validator remembers from earlier calls that a fresh one would
     * not: the deprecated/withdrawn/retired definition hints, given once per validator rather than
     * once per call; and the log of every coding checked, which holds each validated resource's
     * whole element tree (~0.3 MB a Goal) until the validator is retired. The log is read only when
     * checking IPS codes, which HAPI never turns on.
     */
    void forgetPreviousCalls() {
      statusWarnings.clear();
      codingLog.clear();
    }

    /**
     * The coding log's list, private in the core validator 6.7.9 and its {@link CodingsObserver}.
     */
    private List<?> codingLog() {
      try {
        Field observerField = InstanceValidator.class.getDeclaredField("codingObserver");
        observerField.setAccessible(true);
        Field listField = CodingsObserver.class.getDeclaredField("list");
        listField.setAccessible(true);
        return (List<?>) listField.get(observerField.get(this));
      } catch (ReflectiveOperationException e) {
        throw new IllegalStateException(
            "The core validator's coding log is not where version 6.7.9 keeps it", e);
      }
    }
  }
}
