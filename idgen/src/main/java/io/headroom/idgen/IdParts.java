package io.headroom.idgen;

import io.headroom.core.Checks;
import java.time.Instant;

/**
 * The three fields of an ID, as returned by {@link IdGenerator#decompose(long)}.
 *
 * @param timestamp the millisecond the ID was issued in (wall time, UTC)
 * @param workerId the worker that issued it
 * @param sequence its position within that millisecond on that worker, from 0
 */
public record IdParts(Instant timestamp, long workerId, long sequence) {
  /**
   * Validates the parts.
   *
   * @throws NullPointerException if {@code timestamp} is null
   * @throws IllegalArgumentException if {@code workerId} or {@code sequence} is negative
   */
  public IdParts {
    Checks.notNull(timestamp, "timestamp");
    Checks.notNegative(workerId, "workerId");
    Checks.notNegative(sequence, "sequence");
  }
}
