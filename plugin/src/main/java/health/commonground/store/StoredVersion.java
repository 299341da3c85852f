package health.commonground.store;

import java.time.Instant;

/** One version of one resource as it is kept: its FHIR JSON and the bookkeeping around it. */
public record StoredVersion(
    String type, String id, long version, Instant lastUpdated, boolean deleted, String json) {}
