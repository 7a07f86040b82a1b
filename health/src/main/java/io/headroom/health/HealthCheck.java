package io.headroom.health;

/**
 * One health check: a piece of code that looks at something and answers a {@link CheckResult}.
 *
 * <pre>{@code
 * HealthCheck disk = () -> freeBytes() > 1 << 30
 *     ? CheckResult.up()
 *     : CheckResult.down("less than 1 GiB free");
 * }</pre>
 *
 * <p>The registry calls a check from one background thread at a time, never from a probe, and
 * bounds it by its timeout: a check may block, and a thrown exception is reported as {@link
 * Status#DOWN} with the exception's type and message as the error.
 */
@FunctionalInterface
public interface HealthCheck {

  /**
   * Runs the check.
   *
   * @return the outcome; never null
   * @throws Exception any failure, reported as {@link Status#DOWN}
   */
  CheckResult check() throws Exception;
}
