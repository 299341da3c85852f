package health.commonground.fhir;

/** Marks a bean registered as a HAPI interceptor on the FHIR server. */
public interface FhirInterceptor {}
