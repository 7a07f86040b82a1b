package io.headroom.core.internal;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

class RedactionTest {
  @ParameterizedTest
  @CsvSource(
      delimiter = '|',
      value = {
        "redis://:hunter2@host:6379|redis://:***@host:6379",
        "redis://user:hunter2@host:6379/1|redis://user:***@host:6379/1",
        "rediss://hunter2@host|rediss://***@host",
        "redis://a:p1@h1:1,redis://b:p2@h2:2|redis://a:***@h1:1,redis://b:***@h2:2",
        "jdbc:postgresql://h/db?user=u&password=hunter2&ssl=true|jdbc:postgresql://h/db?user=u&password=***&ssl=true",
        "jdbc:h2:mem:x;PASSWORD=hunter2|jdbc:h2:mem:x;PASSWORD=***",
        "redis://host:6379|redis://host:6379"
      })
  void masksPasswordsInUris(String in, String out) {
    assertThat(Redaction.maskUri(in)).isEqualTo(out).doesNotContain("hunter2");
  }

  @ParameterizedTest
  @CsvSource({"HEADROOM_REDIS_PASSWORD,true", "HEALTH_TOKEN,true", "API_KEY,true", "PORT,false"})
  void recognisesSecretKeys(String key, boolean secret) {
    assertThat(Redaction.isSecretKey(key)).isEqualTo(secret);
  }
}
