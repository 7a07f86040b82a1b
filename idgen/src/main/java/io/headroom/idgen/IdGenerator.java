package io.headroom.idgen;

/**
 * Issues unique, time-ordered, positive 64-bit IDs (Snowflake): milliseconds since a custom epoch,
 * then the worker ID, then a per-millisecond sequence ({@link IdLayout}).
 *
 * <pre>{@code
 * try (IdGenerator ids = IdGenerator.create(IdGeneratorConfig.from(Settings.fromEnvironment()))) {
 *   long id = ids.nextId();                  // 306298232461402112
 *   IdParts parts = ids.decompose(id);       // timestamp, workerId, sequence
 * }
 * }</pre>
 *
 * <p>Guarantees: IDs from one generator strictly increase, across all threads; generators with
 * different worker IDs never issue the same ID; when the sequence of a millisecond is used up the
 * caller waits for the next millisecond (the sequence never wraps). Time comes from the monotonic
 * {@link io.headroom.core.Ticker}, anchored to the wall clock and re-checked periodically; see
 * {@link ClockBackwardsPolicy} for steps back.
 *
 * <p>Thread-safe: callers take a short lock; a caller may spin while the sequence is exhausted or
 * the clock is behind.
 */
public interface IdGenerator extends AutoCloseable {

  /**
   * Creates a generator, acquiring its worker ID from the configured provider (which may do I/O).
   *
   * @throws NullPointerException if {@code config} is null
   * @throws NoWorkerIdAvailableException if no worker ID can be had
   */
  static IdGenerator create(IdGeneratorConfig config) {
    return new SnowflakeIdGenerator(config);
  }

  /**
   * A generator with the default layout and a fixed worker ID.
   *
   * @throws IllegalArgumentException if {@code workerId} is negative
   * @throws NoWorkerIdAvailableException if {@code workerId} does not fit the default layout
   */
  static IdGenerator withWorkerId(long workerId) {
    return create(IdGeneratorConfig.builder().workerId(workerId).build());
  }

  /**
   * Returns the next ID, greater than every ID this generator returned before.
   *
   * @throws ClockMovedBackwardsException if the clock is further behind the last ID than the policy
   *     waits
   * @throws WorkerLeaseLostException if the worker lease is no longer safely held, or after {@link
   *     #close()}
   * @throws IdGeneratorException if the layout's timestamp has overflowed
   */
  long nextId();

  /**
   * Splits an ID issued under this generator's layout into timestamp, worker and sequence.
   *
   * @throws IllegalArgumentException if {@code id} is negative
   */
  IdParts decompose(long id);

  /** This generator's layout. */
  IdLayout layout();

  /** This generator's worker ID. */
  long workerId();

  /** Releases the worker ID; {@link #nextId()} fails afterwards. Idempotent. */
  @Override
  void close();
}
