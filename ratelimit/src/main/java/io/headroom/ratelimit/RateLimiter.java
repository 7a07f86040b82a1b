package io.headroom.ratelimit;

import io.headroom.breaker.Breaker;
import io.headroom.breaker.BreakerPreset;
import io.headroom.breaker.BreakerRegistry;
import io.headroom.core.Checks;
import io.headroom.core.Settings;
import io.headroom.core.SettingsException;
import io.headroom.core.Ticker;
import io.headroom.redis.RedisConnector;
import io.micrometer.core.instrument.MeterRegistry;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.concurrent.CompletionStage;
import java.util.regex.Pattern;
import org.jspecify.annotations.Nullable;

/**
 * Decides whether a request of some subject (a user id, an API key, an IP address) may proceed
 * under one or more {@link Limit}s that apply together: a request is charged to every limit only if
 * all of them allow it.
 *
 * <pre>{@code
 * RateLimiter auth = RateLimiter.builder("auth")
 *     .preset(RateLimitPreset.AUTH)                 // 5/min AND 5/15 min
 *     .redis(redisConnector)                        // omit for the in-process engine
 *     .failurePolicy(FailurePolicy.FAIL_CLOSED)
 *     .meterRegistry(meterRegistry)
 *     .build();
 * Decision d = auth.tryAcquire("user:42");
 * if (!d.allowed()) respond(d.reason() == Decision.Reason.UNAVAILABLE ? 503 : 429,
 *     RateLimitHeaders.of(d));
 * }</pre>
 *
 * <p>Two engines give the same answers: with {@link Builder#redis(RedisConnector)} every decision
 * is one Lua script on Redis (GCRA on Redis time, shared by every node); without it, an in-process
 * Bucket4j bucket per key. Outcomes are values; only bad arguments throw.
 *
 * <p>Implementations are thread-safe.
 */
public interface RateLimiter {

  /** The longest key accepted, in UTF-8 bytes. */
  int MAX_KEY_BYTES = 512;

  /**
   * A builder for a limiter named {@code name}, used in Redis keys, metric tags, settings keys and
   * the {@code RateLimit-Policy} header.
   *
   * @throws IllegalArgumentException unless {@code name} is 1-64 of {@code [A-Za-z0-9_.-]}
   */
  static Builder builder(String name) {
    return new Builder(name);
  }

  /** The limiter's name (the policy in every {@link Decision}). */
  String name();

  /** The limits, all applied together; empty for an unlimited limiter. */
  List<Limit> limits();

  /**
   * Asks for one permit for {@code key}.
   *
   * @throws IllegalArgumentException if {@code key} is null, empty or longer than {@value
   *     #MAX_KEY_BYTES} UTF-8 bytes
   */
  default Decision tryAcquire(String key) {
    return tryAcquire(key, 1);
  }

  /**
   * Asks for {@code cost} permits for {@code key}; charged to every limit, or to none.
   *
   * @throws IllegalArgumentException if {@code key} is null, empty or too long, or {@code cost <=
   *     0}
   */
  Decision tryAcquire(String key, long cost);

  /**
   * Like {@link #tryAcquire(String)} without blocking the caller: the stage completes with a
   * decision (the failure policy's, if Redis fails) and never exceptionally.
   *
   * @throws IllegalArgumentException for a bad key, at once
   */
  default CompletionStage<Decision> tryAcquireAsync(String key) {
    return tryAcquireAsync(key, 1);
  }

  /**
   * Like {@link #tryAcquire(String, long)} without blocking the caller.
   *
   * @throws IllegalArgumentException for a bad key or cost, at once
   */
  CompletionStage<Decision> tryAcquireAsync(String key, long cost);

  /**
   * Builds a {@link RateLimiter}. Setters reject bad values at once with {@link
   * IllegalArgumentException}. Not thread-safe.
   */
  final class Builder {
    private static final Pattern NAME = Pattern.compile("[A-Za-z0-9_.-]{1,64}");

    final String name;
    List<Limit> limits = List.of();
    boolean limitsSet;
    @Nullable RedisConnector redis;
    String namespace = "headroom:rl";
    FailurePolicy failurePolicy = FailurePolicy.LOCAL_FALLBACK;
    double localFallbackFraction = 1.0;
    boolean shadow;
    Ticker ticker = Ticker.system();
    @Nullable MeterRegistry meterRegistry;
    @Nullable Breaker breaker;
    @Nullable BreakerRegistry breakerRegistry;
    int maxLocalKeys = 100_000;

    private Builder(String name) {
      Checks.notNull(name, "name");
      Checks.argument(
          NAME.matcher(name).matches(), "name must be 1-64 of [A-Za-z0-9_.-]: '%s'", name);
      this.name = name;
    }

    /**
     * The limits, applied together (at most 8, no duplicates).
     *
     * @throws IllegalArgumentException if a limit repeats or there are more than 8
     */
    public Builder limits(Limit... limits) {
      return limits(List.of(limits));
    }

    /**
     * The limits, applied together; an empty list makes the limiter unlimited.
     *
     * @throws IllegalArgumentException if a limit repeats or there are more than 8
     */
    public Builder limits(List<Limit> limits) {
      List<Limit> copy = List.copyOf(Checks.notNull(limits, "limits"));
      Spec.checkDistinct(copy);
      this.limits = copy;
      this.limitsSet = true;
      return this;
    }

    /** The limits of {@code preset}, as written (the {@code free} tier). */
    public Builder preset(RateLimitPreset preset) {
      return limits(Checks.notNull(preset, "preset").limits());
    }

    /**
     * The limits {@code table} gives {@code tier} for {@code preset}; {@code admin} is unlimited.
     */
    public Builder tier(TierTable table, Tier tier, RateLimitPreset preset) {
      return limits(Checks.notNull(table, "table").limits(tier, preset));
    }

    /** Decide on Redis through {@code connector} (the distributed engine). */
    public Builder redis(RedisConnector connector) {
      this.redis = Checks.notNull(connector, "connector");
      return this;
    }

    /**
     * The Redis key namespace (default {@code headroom:rl}); keys are {@code
     * <namespace>:{<name>:<key>}:<limit>}.
     *
     * @throws IllegalArgumentException if blank or containing braces
     */
    public Builder namespace(String namespace) {
      Checks.notBlank(namespace, "namespace");
      Checks.argument(
          namespace.indexOf('{') < 0 && namespace.indexOf('}') < 0,
          "namespace must not contain braces: %s",
          namespace);
      this.namespace = namespace;
      return this;
    }

    /** What to decide while Redis cannot (default {@link FailurePolicy#LOCAL_FALLBACK}). */
    public Builder failurePolicy(FailurePolicy policy) {
      this.failurePolicy = Checks.notNull(policy, "policy");
      return this;
    }

    /**
     * The share of each limit this node allows on its own under {@link
     * FailurePolicy#LOCAL_FALLBACK} (default 1.0; set {@code 1 / nodes} to keep the global rate).
     * Permits are rounded down, to at least 1.
     *
     * @throws IllegalArgumentException unless in {@code (0, 1]}
     */
    public Builder localFallbackFraction(double fraction) {
      Checks.argument(
          fraction > 0 && fraction <= 1, "localFallbackFraction must be in (0, 1]: %s", fraction);
      this.localFallbackFraction = fraction;
      return this;
    }

    /**
     * Shadow mode: decide and count as usual, but never deny ({@link
     * Decision.Reason#SHADOW_DENIED}), to try a new limit on live traffic.
     */
    public Builder shadow(boolean shadow) {
      this.shadow = shadow;
      return this;
    }

    /** The ticker of the local engine and of latency measurement (default the system's). */
    public Builder ticker(Ticker ticker) {
      this.ticker = Checks.notNull(ticker, "ticker");
      return this;
    }

    /** Where the {@code ratelimit.*} meters go (default: none). */
    public Builder meterRegistry(MeterRegistry registry) {
      this.meterRegistry = Checks.notNull(registry, "registry");
      return this;
    }

    /**
     * The breaker guarding Redis. Its ticker must be this builder's ticker. Default: {@code
     * ratelimit-<name>} with {@link BreakerPreset#REDIS} from {@link #breakerRegistry}, or a
     * standalone one on this builder's ticker.
     */
    public Builder breaker(Breaker breaker) {
      this.breaker = Checks.notNull(breaker, "breaker");
      return this;
    }

    /** The registry that creates the default breaker (with its metrics and settings). */
    public Builder breakerRegistry(BreakerRegistry registry) {
      this.breakerRegistry = Checks.notNull(registry, "registry");
      return this;
    }

    /**
     * How many keys the local engine (and the local fall-back) keeps at most (default 100 000).
     * Keys whose buckets are full again are dropped first, which changes no decision; beyond that
     * the oldest entries are dropped, which forgets their usage.
     *
     * @throws IllegalArgumentException if not positive
     */
    public Builder maxLocalKeys(int maxKeys) {
      this.maxLocalKeys = Checks.positive(maxKeys, "maxLocalKeys");
      return this;
    }

    /**
     * Applies overrides from {@code settings} under {@code HEADROOM_RATELIMIT_<NAME>_}, where
     * {@code <NAME>} is the name upper-cased with {@code .-} as {@code _}: {@code LIMITS} ({@code
     * 100/1m,1000/1h} or {@code unlimited}), {@code FAILURE_POLICY} ({@code fail_open}, {@code
     * fail_closed}, {@code local_fallback}), {@code FALLBACK_FRACTION}, {@code SHADOW}, {@code
     * MAX_KEYS}.
     *
     * @throws SettingsException naming the key and the value when one is malformed
     */
    public Builder settings(Settings settings) {
      Settings s = Checks.notNull(settings, "settings").withPrefix(settingsPrefix(name));
      if (s.contains("LIMITS")) {
        limits(TierTable.parseLimits(s, "LIMITS", s.getString("LIMITS", "")));
      }
      failurePolicy(s.getEnum("FAILURE_POLICY", FailurePolicy.class, failurePolicy));
      double f = s.getDouble("FALLBACK_FRACTION", localFallbackFraction);
      if (!(f > 0 && f <= 1)) {
        throw s.invalid("FALLBACK_FRACTION", String.valueOf(f), "expected a number in (0, 1]");
      }
      localFallbackFraction = f;
      shadow = s.getBoolean("SHADOW", shadow);
      int max = s.getInt("MAX_KEYS", maxLocalKeys);
      if (max <= 0) {
        throw s.invalid("MAX_KEYS", String.valueOf(max), "expected an integer > 0");
      }
      maxLocalKeys = max;
      return this;
    }

    /** {@code HEADROOM_RATELIMIT_<NAME>_} for a limiter name. */
    public static String settingsPrefix(String name) {
      return "HEADROOM_RATELIMIT_"
          + name.toUpperCase(Locale.ROOT).replace('.', '_').replace('-', '_')
          + "_";
    }

    /**
     * Builds the limiter: on Redis if a connector was given, else in-process; unlimited when there
     * are no limits.
     *
     * @throws IllegalStateException if no limits were set at all
     */
    public RateLimiter build() {
      Checks.state(
          limitsSet,
          "limiter %s has no limits: call limits(..), preset(..) or tier(..)"
              + " (an empty list means unlimited)",
          name);
      if (limits.isEmpty()) {
        return new UnlimitedRateLimiter(name);
      }
      Meters meters = Meters.create(meterRegistry, name, redis != null);
      Spec spec = new Spec(name, limits);
      RedisConnector r = redis;
      if (r == null) {
        return new LocalRateLimiter(
            spec, new LocalEngine(spec, ticker, maxLocalKeys), shadow, meters);
      }
      Breaker b = breaker;
      if (b == null) {
        BreakerRegistry registry = breakerRegistry;
        if (registry == null) {
          registry = BreakerRegistry.builder().ticker(ticker).build();
        }
        b = registry.breaker("ratelimit-" + name, BreakerPreset.REDIS);
      }
      List<Limit> scaled = new ArrayList<>();
      for (Limit l : limits) {
        long p = (long) Math.max(1, Math.floor(l.permits() * localFallbackFraction));
        scaled.add(new Limit(p, l.window()));
      }
      LocalEngine fallback =
          failurePolicy == FailurePolicy.LOCAL_FALLBACK
              ? new LocalEngine(new Spec(name, List.copyOf(scaled)), ticker, maxLocalKeys)
              : null;
      return new RedisRateLimiter(
          spec, r, namespace, b, failurePolicy, fallback, shadow, ticker, meters);
    }
  }
}
