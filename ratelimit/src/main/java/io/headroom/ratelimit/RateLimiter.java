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
import java.util.concurrent.CompletionStage;
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
   * @throws NullPointerException if {@code name} is null
   * @throws IllegalArgumentException if {@code name} breaks the naming rule of {@link
   *     Settings#checkName(String)} (1 to 64 of {@code [A-Za-z0-9_.-]})
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
   * @throws NullPointerException if {@code key} is null
   * @throws IllegalArgumentException if {@code key} is empty or longer than {@value #MAX_KEY_BYTES}
   *     UTF-8 bytes
   */
  default Decision tryAcquire(String key) {
    return tryAcquire(key, 1);
  }

  /**
   * Asks for {@code cost} permits for {@code key}; charged to every limit, or to none.
   *
   * @throws NullPointerException if {@code key} is null
   * @throws IllegalArgumentException if {@code key} is empty or too long, or {@code cost <= 0}
   */
  Decision tryAcquire(String key, long cost);

  /**
   * Like {@link #tryAcquire(String)} without blocking the caller: the stage completes with a
   * decision (the failure policy's, if Redis fails) and never exceptionally.
   *
   * @throws NullPointerException if {@code key} is null, at once
   * @throws IllegalArgumentException for a bad key, at once
   */
  default CompletionStage<Decision> tryAcquireAsync(String key) {
    return tryAcquireAsync(key, 1);
  }

  /**
   * Like {@link #tryAcquire(String, long)} without blocking the caller.
   *
   * @throws NullPointerException if {@code key} is null, at once
   * @throws IllegalArgumentException for a bad key or cost, at once
   */
  CompletionStage<Decision> tryAcquireAsync(String key, long cost);

  /**
   * Builds a {@link RateLimiter}. Setters reject bad values at once with {@link
   * IllegalArgumentException}; {@link #settings(Settings)} overrides them in {@link #build()}. Not
   * thread-safe.
   */
  final class Builder {
    /** The module name in settings keys ({@code HEADROOM_RATELIMIT_*}) and breaker names. */
    static final String MODULE = "ratelimit";

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
    @Nullable Settings settings;

    private Builder(String name) {
      this.name = Settings.checkName(name);
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
     * The breaker guarding Redis; it times the calls for {@code ratelimit.redis.latency}, so its
     * ticker should be this builder's. Default: {@code ratelimit-<name>} with {@link
     * BreakerPreset#REDIS}, from the {@link #breakerRegistry} if one was given, else {@link
     * Breaker#forComponent} with this builder's settings ({@code
     * HEADROOM_BREAKER_RATELIMIT_<NAME>_*}), meter registry and ticker.
     */
    public Builder breaker(Breaker breaker) {
      this.breaker = Checks.notNull(breaker, "breaker");
      return this;
    }

    /**
     * The registry that creates the default breaker, {@code ratelimit-<name>} with {@link
     * BreakerPreset#REDIS} (with the registry's metrics and settings). Ignored when {@link
     * #breaker(Breaker)} was given.
     */
    public Builder breakerRegistry(BreakerRegistry registry) {
      this.breakerRegistry = Checks.notNull(registry, "registry");
      return this;
    }

    /**
     * How many keys the local engine (and the local fall-back) keeps at most (default 100 000).
     * Keys whose buckets are full again are dropped first, which changes no decision; beyond that
     * the least recently used entries are dropped, which forgets their usage (a key is dropped only
     * when 90 % of the bound's worth of other keys were used after it).
     *
     * @throws IllegalArgumentException if not positive
     */
    public Builder maxLocalKeys(int maxKeys) {
      this.maxLocalKeys = Checks.positive(maxKeys, "maxLocalKeys");
      return this;
    }

    /**
     * Settings that win over the code: kept (replacing any earlier ones) and applied in {@link
     * #build()}, over whatever the setters said, whatever the order of the calls. Keys under {@code
     * HEADROOM_RATELIMIT_<NAME>_} ({@link Settings#componentPrefix componentPrefix("ratelimit",
     * name)}): {@code LIMITS} ({@code 100/1m,1000/1h} or {@code unlimited}), {@code FAILURE_POLICY}
     * ({@code fail_open}, {@code fail_closed}, {@code local_fallback}), {@code FALLBACK_FRACTION},
     * {@code SHADOW}, {@code MAX_KEYS}. The default breaker also reads {@code
     * HEADROOM_BREAKER_RATELIMIT_<NAME>_*} from them.
     *
     * <pre>{@code
     * RateLimiter.builder("api").preset(RateLimitPreset.API)   // 100/min in code
     *     .settings(Settings.fromEnvironment())                 // HEADROOM_RATELIMIT_API_LIMITS=500/1m wins
     *     .build();
     * }</pre>
     */
    public Builder settings(Settings settings) {
      this.settings = Checks.notNull(settings, "settings");
      return this;
    }

    /** Applies the settings' overrides through the setters, so the ranges are the code's. */
    private void applySettings(Settings all) {
      Settings s = all.forComponent(MODULE, name);
      s.override("LIMITS", TierTable.LIMITS, this::limits);
      s.override("FAILURE_POLICY", Settings.enumOf(FailurePolicy.class), this::failurePolicy);
      s.override("FALLBACK_FRACTION", Settings.DOUBLE, this::localFallbackFraction);
      s.override("SHADOW", Settings.BOOLEAN, this::shadow);
      s.override("MAX_KEYS", Settings.INT, this::maxLocalKeys);
    }

    /**
     * Builds the limiter: on Redis if a connector was given, else in-process; unlimited when there
     * are no limits. The {@linkplain #settings(Settings) settings} are applied first.
     *
     * @throws IllegalStateException if no limits were set at all (in code or settings)
     * @throws SettingsException naming the key and the value when a setting is malformed or out of
     *     the setter's range
     */
    public RateLimiter build() {
      Settings given = settings;
      if (given != null) {
        applySettings(given);
      }
      Checks.state(
          limitsSet,
          "limiter %s has no limits: call limits(..), preset(..) or tier(..)"
              + " (an empty list means unlimited)",
          name);
      if (limits.isEmpty()) {
        return new UnlimitedRateLimiter(name);
      }
      LimiterMeters meters = LimiterMeters.create(meterRegistry, name, redis != null);
      Spec spec = new Spec(name, limits);
      RedisConnector r = redis;
      if (r == null) {
        return new LocalRateLimiter(
            spec, new LocalEngine(spec, ticker, maxLocalKeys), shadow, meters);
      }
      Breaker b = breaker;
      if (b == null) {
        BreakerRegistry registry = breakerRegistry;
        b =
            registry != null
                ? registry.breaker(MODULE + "-" + name, BreakerPreset.REDIS)
                : Breaker.forComponent(
                    MODULE,
                    name,
                    BreakerPreset.REDIS,
                    given != null ? given : Settings.empty(),
                    meterRegistry,
                    ticker);
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
      return new RedisRateLimiter(spec, r, namespace, b, failurePolicy, fallback, shadow, meters);
    }
  }
}
