/**
 * Light test helpers for headroom and its users' tests, with no dependency beyond {@code
 * headroom-core} and the JDK: hand-driven time ({@link io.headroom.testkit.FakeTicker}) and
 * many-thread runs that really start together ({@link io.headroom.testkit.Concurrently}). Real
 * Redis and PostgreSQL servers are in {@code headroom-testkit-fixtures} ({@code
 * io.headroom.testkit.fixtures}).
 */
@NullMarked
package io.headroom.testkit;

import org.jspecify.annotations.NullMarked;
