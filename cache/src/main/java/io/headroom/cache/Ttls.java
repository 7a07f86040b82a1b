package io.headroom.cache;

import java.util.concurrent.ThreadLocalRandom;
import java.util.concurrent.TimeUnit;
import org.jspecify.annotations.Nullable;

/** The TTLs of one cache and their jitter: every TTL is drawn from {@code ttl * [1-j, 1+j]}. */
final class Ttls {
  final long l1Nanos;
  final long l2Nanos;
  final long negativeNanos;
  final double jitter;

  Ttls(long l1Nanos, long l2Nanos, long negativeNanos, double jitter) {
    this.l1Nanos = l1Nanos;
    this.l2Nanos = l2Nanos;
    this.negativeNanos = negativeNanos;
    this.jitter = jitter;
  }

  /** Whether "not found" is remembered at all. */
  boolean cachesAbsence() {
    return negativeNanos > 0;
  }

  /** The jittered L1 life of {@code value} (a "not found" lives no longer than a value). */
  long l1Life(@Nullable Object value) {
    if (value != null) {
      return jittered(l1Nanos);
    }
    return jittered(l1Nanos == 0 ? negativeNanos : Math.min(negativeNanos, l1Nanos));
  }

  /** The jittered L2 TTL of {@code value} in milliseconds, at least 1. */
  long l2Millis(@Nullable Object value) {
    long ttl = jittered(value == null ? negativeNanos : l2Nanos);
    return Math.max(1, TimeUnit.NANOSECONDS.toMillis(ttl));
  }

  long jittered(long ttlNanos) {
    if (jitter == 0 || ttlNanos <= 0) {
      return ttlNanos;
    }
    double f = 1 + ThreadLocalRandom.current().nextDouble(-jitter, jitter);
    return Math.max(1, (long) (ttlNanos * f));
  }
}
