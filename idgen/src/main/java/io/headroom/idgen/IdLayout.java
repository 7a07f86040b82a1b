package io.headroom.idgen;

import io.headroom.core.Checks;
import java.time.Duration;
import java.time.Instant;
import java.util.Locale;

/**
 * How the 63 usable bits of an ID are split: {@code timestampBits} of milliseconds since {@code
 * epoch}, then {@code workerBits} of worker ID, then {@code sequenceBits} of per-millisecond
 * sequence. The sign bit is always 0, so IDs are positive and sort by time.
 *
 * <pre>{@code
 * IdLayout.DEFAULT                       // 41 + 10 + 12 bits, epoch 2024-01-01T00:00:00Z
 * IdLayout.of(40, 13, 10, Instant.parse("2025-01-01T00:00:00Z"))
 * }</pre>
 *
 * <p>A layout alone cannot know how long it lasts; {@link IdGeneratorConfig.Builder#build()}
 * refuses one that leaves fewer than {@link #MIN_YEARS_LEFT} years before the timestamp overflows.
 *
 * @param timestampBits bits of milliseconds since {@code epoch}, in [1, 61]
 * @param workerBits bits of worker ID, in [0, 31]
 * @param sequenceBits bits of sequence within one millisecond, in [1, 31]
 * @param epoch the instant that timestamp 0 stands for
 */
public record IdLayout(int timestampBits, int workerBits, int sequenceBits, Instant epoch) {

  /** The default custom epoch, 2024-01-01T00:00:00Z. */
  public static final Instant DEFAULT_EPOCH = Instant.parse("2024-01-01T00:00:00Z");

  /** The classic Snowflake split: 41 timestamp bits (69.7 years), 10 worker bits, 12 sequence. */
  public static final IdLayout DEFAULT = new IdLayout(41, 10, 12, DEFAULT_EPOCH);

  /** The fewest years a layout must have left before its timestamp overflows. */
  public static final int MIN_YEARS_LEFT = 10;

  private static final double MILLIS_PER_YEAR = 365.2425 * 24 * 3600 * 1000;

  /**
   * Validates the split.
   *
   * @throws NullPointerException if {@code epoch} is null
   * @throws IllegalArgumentException if a field is out of range or the bits do not add up to 63
   */
  public IdLayout {
    Checks.notNull(epoch, "epoch");
    Checks.inRange(timestampBits, 1, 61, "timestampBits");
    Checks.inRange(workerBits, 0, 31, "workerBits");
    Checks.inRange(sequenceBits, 1, 31, "sequenceBits");
    Checks.argument(
        timestampBits + workerBits + sequenceBits == 63,
        "timestampBits + workerBits + sequenceBits must be 63 (the sign bit stays 0): "
            + "%s + %s + %s = %s",
        timestampBits,
        workerBits,
        sequenceBits,
        timestampBits + workerBits + sequenceBits);
  }

  /**
   * A layout with the given split and epoch; same as the canonical constructor.
   *
   * @throws IllegalArgumentException if a field is out of range or the bits do not add up to 63
   */
  public static IdLayout of(int timestampBits, int workerBits, int sequenceBits, Instant epoch) {
    return new IdLayout(timestampBits, workerBits, sequenceBits, epoch);
  }

  /**
   * This layout with another epoch.
   *
   * @throws NullPointerException if {@code epoch} is null
   */
  public IdLayout withEpoch(Instant epoch) {
    return new IdLayout(timestampBits, workerBits, sequenceBits, epoch);
  }

  /** The largest worker ID this layout holds ({@code 2^workerBits - 1}). */
  public long maxWorkerId() {
    return (1L << workerBits) - 1;
  }

  /** The largest sequence number this layout holds ({@code 2^sequenceBits - 1}). */
  public long maxSequence() {
    return (1L << sequenceBits) - 1;
  }

  /** The largest timestamp, in milliseconds since the epoch ({@code 2^timestampBits - 1}). */
  public long maxTimestamp() {
    return (1L << timestampBits) - 1;
  }

  /** The first instant this layout cannot represent. */
  public Instant overflowsAt() {
    return epoch.plusMillis(maxTimestamp() + 1);
  }

  /**
   * How many years (of 365.2425 days) are left between {@code now} and {@link #overflowsAt()};
   * negative once it has passed.
   *
   * @throws NullPointerException if {@code now} is null
   */
  public double yearsLeft(Instant now) {
    Checks.notNull(now, "now");
    return Duration.between(now, overflowsAt()).toMillis() / MILLIS_PER_YEAR;
  }

  /**
   * Checks that this layout can issue IDs at {@code now} for at least {@link #MIN_YEARS_LEFT} more
   * years.
   *
   * @throws IllegalStateException naming the years left if the epoch is in the future or fewer than
   *     {@link #MIN_YEARS_LEFT} years are left
   */
  public void checkUsableAt(Instant now) {
    Checks.notNull(now, "now");
    if (now.isBefore(epoch)) {
      throw new IllegalStateException(
          "epoch "
              + epoch
              + " is in the future (now "
              + now
              + "): IDs would need a negative"
              + " timestamp; pick an epoch in the past");
    }
    double years = yearsLeft(now);
    if (years < MIN_YEARS_LEFT) {
      throw new IllegalStateException(
          String.format(
              Locale.ROOT,
              "layout %d/%d/%d bits with epoch %s leaves %.1f years before timestamps overflow at"
                  + " %s; at least %d years are required: add timestamp bits or move the epoch"
                  + " later",
              timestampBits,
              workerBits,
              sequenceBits,
              epoch,
              years,
              overflowsAt(),
              MIN_YEARS_LEFT));
    }
  }

  /**
   * Splits {@code id} into its fields under this layout.
   *
   * @throws IllegalArgumentException if {@code id} is negative
   */
  public IdParts decompose(long id) {
    Checks.notNegative(id, "id");
    long sequence = id & maxSequence();
    long worker = (id >>> sequenceBits) & maxWorkerId();
    long timestamp = id >>> (sequenceBits + workerBits);
    return new IdParts(epoch.plusMillis(timestamp), worker, sequence);
  }
}
