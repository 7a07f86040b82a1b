package io.headroom.examples.shortener;

import java.time.Instant;
import org.jspecify.annotations.Nullable;

/**
 * A short link as stored: immutable once created, so caches never need to invalidate one.
 *
 * @param code the short code, the primary key and the shard key
 * @param id the Snowflake ID the code encodes
 * @param url the target URL
 * @param createdAt when it was created, to the millisecond
 * @param expiresAt when it stops redirecting, or null for never
 */
record Link(String code, long id, String url, Instant createdAt, @Nullable Instant expiresAt) {

  boolean expiredAt(Instant now) {
    return expiresAt != null && !now.isBefore(expiresAt);
  }
}
