/**
 * Kubernetes-grade health for any Java service: a {@link io.headroom.health.HealthRegistry} of
 * background checks in liveness, readiness and startup groups, a lifecycle with graceful draining,
 * framework-agnostic HTTP handlers ({@link io.headroom.health.HealthEndpoints}) and a small server
 * on the JDK's built-in HTTP server ({@link io.headroom.health.HealthHttpServer}).
 */
@NullMarked
package io.headroom.health;

import org.jspecify.annotations.NullMarked;
