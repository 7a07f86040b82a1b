package io.headroom.ratelimit;

import io.headroom.breaker.Breaker;
import io.headroom.breaker.GuardedCall;
import io.headroom.redis.RedisConnector;
import io.headroom.redis.RedisKeys;
import io.headroom.redis.RedisScript;
import io.headroom.redis.ScriptOutput;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.function.Function;
import org.jspecify.annotations.Nullable;

/**
 * A limiter decided on Redis: one {@code gcra.lua} call per decision (EVALSHA, with the NOSCRIPT
 * fall-back of {@link RedisScript}), guarded by {@link Breaker#guardAsync} with one {@link
 * GuardedCall} handler for every call; the failure policy decides while Redis cannot.
 */
final class RedisRateLimiter implements RateLimiter {
  static final RedisScript<List<Object>> GCRA =
      RedisScript.fromResource(RedisRateLimiter.class, "gcra.lua", ScriptOutput.MULTI);

  /** The per-call state of a guarded call: what the script and the failure policy need. */
  private record Call(String key, long cost) {}

  private final Spec spec;
  private final RedisConnector redis;
  private final RedisKeys keys;
  private final String[] suffixes;
  private final Object[] argTemplate;
  private final Breaker breaker;
  private final FailurePolicy policy;
  private final @Nullable LocalEngine fallback;
  private final boolean shadow;
  private final LimiterMeters meters;
  private final long guardMillis;
  private final Decision failedOpen;
  private final Decision failedClosed;
  private final Function<Call, CompletionStage<List<Object>>> script = this::runScript;
  private final GuardedCall<Call, @Nullable List<Object>, Decision> outcome = new Outcome();

  RedisRateLimiter(
      Spec spec,
      RedisConnector redis,
      String namespace,
      Breaker breaker,
      FailurePolicy policy,
      @Nullable LocalEngine fallback,
      boolean shadow,
      LimiterMeters meters) {
    this.spec = spec;
    this.redis = redis;
    this.keys = RedisKeys.namespace(namespace);
    this.breaker = breaker;
    this.policy = policy;
    this.fallback = fallback;
    this.shadow = shadow;
    this.meters = meters;
    this.suffixes = new String[spec.n];
    this.argTemplate = new Object[1 + 2 * spec.n];
    for (int i = 0; i < spec.n; i++) {
      Limit l = spec.limits.get(i);
      suffixes[i] = l.permits() + "p" + l.windowMicros() + "us";
      argTemplate[1 + 2 * i] = spec.intervalMicros[i];
      argTemplate[2 + 2 * i] = spec.permits[i];
    }
    this.guardMillis = redis.settings().commandTimeout().toMillis() * 2 + 500;
    this.failedOpen = spec.failedOpen();
    this.failedClosed = spec.unavailable(Spec.MIN_UNAVAILABLE_WAIT);
  }

  @Override
  public String name() {
    return spec.name;
  }

  @Override
  public List<Limit> limits() {
    return spec.limits;
  }

  /** The Redis key of limit {@code i} for {@code key}: {@code ns:{name:key}:<permits>p<us>us}. */
  String redisKey(String key, int i) {
    return keys.tagged(spec.name + ":" + key, suffixes[i]);
  }

  /** The breaker guarding Redis (for tests). */
  Breaker breaker() {
    return breaker;
  }

  @Override
  public Decision tryAcquire(String key, long cost) {
    CompletableFuture<Decision> f = decide(key, cost);
    try {
      return f.get(guardMillis, TimeUnit.MILLISECONDS);
    } catch (ExecutionException | TimeoutException e) {
      // unreachable in practice: the command timeout completes the future first
      meters.error(e);
      return finish(degraded(key, cost));
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      return finish(degraded(key, cost));
    }
  }

  @Override
  public CompletionStage<Decision> tryAcquireAsync(String key, long cost) {
    return decide(key, cost);
  }

  private CompletableFuture<Decision> decide(String key, long cost) {
    Spec.checkKey(key, cost);
    return breaker.guardAsync(new Call(key, cost), script, outcome);
  }

  private CompletionStage<List<Object>> runScript(Call c) {
    List<String> k;
    if (spec.n == 1) {
      k = List.of(redisKey(c.key, 0));
    } else {
      List<String> l = new ArrayList<>(spec.n);
      for (int i = 0; i < spec.n; i++) {
        l.add(redisKey(c.key, i));
      }
      k = l;
    }
    Object[] args = argTemplate.clone();
    args[0] = c.cost;
    return GCRA.run(redis, k, Arrays.asList(args));
  }

  /** What each outcome of the guarded script call decides; one instance serves every call. */
  private final class Outcome implements GuardedCall<Call, @Nullable List<Object>, Decision> {
    @Override
    public Decision notPermitted(Call c) {
      meters.breakerOpen();
      return finish(degraded(c.key, c.cost));
    }

    @Override
    public Decision succeeded(Call c, @Nullable List<Object> reply, long nanos) {
      if (reply == null) {
        throw new IllegalStateException("empty reply"); // recorded as a failure, then failed(..)
      }
      Decision d = parse(reply, c.cost); // a reply it cannot read is a failure too
      meters.latency(nanos);
      return finish(d);
    }

    @Override
    public Decision failed(Call c, Throwable error, long nanos) {
      meters.error(error);
      return finish(degraded(c.key, c.cost));
    }
  }

  private Decision parse(List<Object> reply, long cost) {
    boolean allowed = ((Long) reply.get(0)) == 1L;
    if (spec.n == 1) {
      return spec.one(
          cost,
          allowed,
          (Long) reply.get(1),
          (Long) reply.get(2) * 1_000L,
          (Long) reply.get(3) * 1_000L);
    }
    long[] remaining = new long[spec.n];
    long[] reset = new long[spec.n];
    long[] retry = new long[spec.n];
    for (int i = 0; i < spec.n; i++) {
      remaining[i] = (Long) reply.get(1 + 3 * i);
      reset[i] = (Long) reply.get(2 + 3 * i) * 1_000L;
      retry[i] = (Long) reply.get(3 + 3 * i) * 1_000L;
    }
    return spec.many(cost, allowed, remaining, reset, retry);
  }

  private Decision degraded(String key, long cost) {
    return switch (policy) {
      case FAIL_OPEN -> failedOpen;
      case FAIL_CLOSED -> unavailable();
      case LOCAL_FALLBACK -> {
        LocalEngine f = fallback;
        if (f == null) {
          yield failedOpen;
        }
        meters.fallback();
        yield f.decide(key, cost);
      }
    };
  }

  /** FAIL_CLOSED: denied, retry when the breaker lets the next call through (at least 1 s). */
  private Decision unavailable() {
    Duration wait = breaker.retryAfter();
    return wait.compareTo(Spec.MIN_UNAVAILABLE_WAIT) <= 0 ? failedClosed : spec.unavailable(wait);
  }

  private Decision finish(Decision d) {
    Decision out = shadow ? Shadow.apply(d) : d;
    meters.decision(out);
    return out;
  }

  @Override
  public String toString() {
    return "RateLimiter{"
        + spec
        + ", redis, "
        + policy
        + (shadow ? ", shadow" : "")
        + ", breaker="
        + breaker.name()
        + "}";
  }
}
