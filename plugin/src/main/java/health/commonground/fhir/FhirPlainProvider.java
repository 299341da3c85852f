package health.commonground.fhir;

/** Marks a bean holding server-level FHIR operations (transaction, $-operations). */
public interface FhirPlainProvider {}
