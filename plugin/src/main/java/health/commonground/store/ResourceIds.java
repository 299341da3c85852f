package health.commonground.store;

import java.security.SecureRandom;
import java.util.UUID;

/**
 * Ids for new resources: UUIDs of version 7 (RFC 9562), whose first 48 bits are the time of
 * creation in milliseconds, so that later ids sort after earlier ones.
 *
 * <p>Why: ids are keys of the store's indexes (the resource, its history, its index rows, its
 * Provenance, its alignment row). Ids that grow with time are added at the end of those B-trees;
 * random ones land all over them, so that each write reads and rewrites a page per index, more and
 * more of them from disk once the store outgrows its page cache. The other 74 bits are random, so
 * ids stay unguessable.
 */
public final class ResourceIds {

  private static final SecureRandom RANDOM = new SecureRandom();

  private ResourceIds() {}

  /** A new id: a version 7 UUID of the current time, in its usual lower-case text form. */
  public static String next() {
    return at(System.currentTimeMillis());
  }

  static String at(long epochMillis) {
    byte[] random = new byte[10];
    RANDOM.nextBytes(random);
    long mostSignificant =
        (epochMillis << 16) | 0x7000L | ((random[0] & 0x0fL) << 8) | (random[1] & 0xffL);
    long leastSignificant = 0;
    for (int i = 2; i < 10; i++) {
      leastSignificant = (leastSignificant << 8) | (random[i] & 0xffL);
    }
    leastSignificant = (leastSignificant & 0x3fffffffffffffffL) | 0x8000000000000000L;
    return new UUID(mostSignificant, leastSignificant).toString();
  }
}
