package io.headroom.breaker;

import io.headroom.breaker.BreakerConfig.WindowType;
import java.time.Duration;
import java.util.EnumMap;
import java.util.Map;

/** The preset configurations; the reasons for every number are in the module README. */
final class Presets {
  private static final Map<BreakerPreset, BreakerConfig> CONFIGS =
      new EnumMap<>(BreakerPreset.class);

  static {
    CONFIGS.put(
        BreakerPreset.DATABASE,
        BreakerConfig.rawBuilder(BreakerPreset.DATABASE)
            .windowType(WindowType.COUNT_BASED)
            .windowSize(100)
            .minimumCalls(20)
            .failureRateThreshold(50)
            .failureCountThreshold(10)
            .failureCountWindow(Duration.ofSeconds(10))
            .slowCallDuration(Duration.ofSeconds(2))
            .slowCallRateThreshold(80)
            .openWait(Duration.ofSeconds(5))
            .openWaitMultiplier(2)
            .openWaitMax(Duration.ofSeconds(60))
            .halfOpenCalls(5)
            .callTimeout(Duration.ofSeconds(30))
            .recordException(BreakerConfig.NOT_SQL_ANSWER)
            .build());
    CONFIGS.put(
        BreakerPreset.REDIS,
        BreakerConfig.rawBuilder(BreakerPreset.REDIS)
            .windowType(WindowType.COUNT_BASED)
            .windowSize(50)
            .minimumCalls(20)
            .failureRateThreshold(50)
            .failureCountThreshold(5)
            .failureCountWindow(Duration.ofSeconds(5))
            .slowCallDuration(Duration.ofMillis(250))
            .slowCallRateThreshold(50)
            .openWait(Duration.ofSeconds(1))
            .openWaitMultiplier(2)
            .openWaitMax(Duration.ofSeconds(30))
            .halfOpenCalls(3)
            .callTimeout(Duration.ofSeconds(2))
            .build());
    CONFIGS.put(
        BreakerPreset.SMTP,
        BreakerConfig.rawBuilder(BreakerPreset.SMTP)
            .windowType(WindowType.TIME_BASED)
            .windowSize(300)
            .minimumCalls(5)
            .failureRateThreshold(50)
            .failureCountThreshold(3)
            .failureCountWindow(Duration.ofSeconds(60))
            .slowCallDuration(Duration.ofSeconds(10))
            .slowCallRateThreshold(80)
            .openWait(Duration.ofSeconds(30))
            .openWaitMultiplier(2)
            .openWaitMax(Duration.ofMinutes(10))
            .halfOpenCalls(1)
            .callTimeout(Duration.ofSeconds(60))
            .build());
    CONFIGS.put(
        BreakerPreset.PAYMENT_API,
        BreakerConfig.rawBuilder(BreakerPreset.PAYMENT_API)
            .windowType(WindowType.TIME_BASED)
            .windowSize(60)
            .minimumCalls(10)
            .failureRateThreshold(30)
            .failureCountThreshold(5)
            .failureCountWindow(Duration.ofSeconds(30))
            .slowCallDuration(Duration.ofSeconds(5))
            .slowCallRateThreshold(50)
            .openWait(Duration.ofSeconds(10))
            .openWaitMultiplier(2)
            .openWaitMax(Duration.ofMinutes(2))
            .halfOpenCalls(2)
            .callTimeout(Duration.ofSeconds(90))
            .build());
    CONFIGS.put(
        BreakerPreset.FILE_STORAGE,
        BreakerConfig.rawBuilder(BreakerPreset.FILE_STORAGE)
            .windowType(WindowType.COUNT_BASED)
            .windowSize(50)
            .minimumCalls(10)
            .failureRateThreshold(50)
            .failureCountThreshold(5)
            .failureCountWindow(Duration.ofSeconds(30))
            .slowCallDuration(Duration.ofSeconds(10))
            .slowCallRateThreshold(80)
            .openWait(Duration.ofSeconds(5))
            .openWaitMultiplier(2)
            .openWaitMax(Duration.ofMinutes(2))
            .halfOpenCalls(3)
            .callTimeout(Duration.ofMinutes(2))
            .build());
  }

  private Presets() {}

  static BreakerConfig config(BreakerPreset preset) {
    BreakerConfig c = CONFIGS.get(preset);
    if (c == null) {
      throw new IllegalStateException("no configuration for preset " + preset);
    }
    return c;
  }
}
