package io.headroom.examples.shortener;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.MappingIterator;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.dataformat.yaml.YAMLFactory;
import java.io.IOException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import org.jspecify.annotations.Nullable;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;
import org.junit.jupiter.api.io.TempDir;

/**
 * The Kubernetes manifests under {@code deploy/kubernetes} match the app: every probe path answers
 * 200 on the port the manifest names, and the autoscaler and disruption budget hold the numbers of
 * the design material (5 to 50 replicas on CPU 70% and memory 80%).
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class DeployManifestsTest {
  private static final Path MANIFEST = Path.of("deploy", "kubernetes", "shortener.yaml");

  @TempDir @Nullable Path data;
  private final Map<String, JsonNode> byKind = new HashMap<>();
  private @Nullable ShortenerApp app;

  @BeforeAll
  void load() throws IOException {
    ObjectMapper yaml = new ObjectMapper(new YAMLFactory());
    try (MappingIterator<JsonNode> docs =
        yaml.readerFor(JsonNode.class).readValues(MANIFEST.toFile())) {
      while (docs.hasNext()) {
        JsonNode doc = docs.next();
        byKind.put(doc.path("kind").asText(), doc);
      }
    }
    assertThat(byKind)
        .containsKeys("Deployment", "Service", "HorizontalPodAutoscaler", "PodDisruptionBudget");
  }

  @AfterAll
  void stop() {
    if (app != null) {
      app.close();
    }
  }

  private JsonNode kind(String kind) {
    return Objects.requireNonNull(byKind.get(kind), kind);
  }

  private JsonNode container() {
    JsonNode containers =
        kind("Deployment").path("spec").path("template").path("spec").path("containers");
    assertThat(containers.size()).isEqualTo(1);
    return containers.get(0);
  }

  @Test
  void everyProbePathAnswers200OnTheNamedPort() {
    JsonNode c = container();
    Map<String, Integer> ports = new HashMap<>();
    c.path("ports")
        .forEach(p -> ports.put(p.path("name").asText(), p.path("containerPort").asInt()));
    String portEnv = null;
    for (JsonNode e : c.path("env")) {
      if (e.path("name").asText().equals(ShortenerConfig.PORT)) {
        portEnv = e.path("value").asText();
      }
    }
    assertThat(portEnv).as("the manifest sets PORT").isNotNull();

    List<String> probes = new ArrayList<>();
    for (String probe : List.of("startupProbe", "livenessProbe", "readinessProbe")) {
      JsonNode get = c.path(probe).path("httpGet");
      assertThat(get.isMissingNode()).as(probe + " is an httpGet probe").isFalse();
      assertThat(ports).as(probe + " names a declared port").containsKey(get.path("port").asText());
      assertThat(ports.get(get.path("port").asText()))
          .as(probe + "'s port is the one the app listens on (PORT)")
          .isEqualTo(Integer.parseInt(Objects.requireNonNull(portEnv)));
      probes.add(get.path("path").asText());
    }
    assertThat(probes).containsExactly("/health/startup", "/health/liveness", "/health/readiness");

    Map<String, String> env = new HashMap<>();
    env.put("PORT", "0"); // the port's value is checked above; here a free one is enough
    env.put("SHORTENER_HOST", "127.0.0.1");
    env.put("SHORTENER_DATA_DIR", Objects.requireNonNull(data).toString());
    env.put("HEADROOM_IDGEN_SHORTCODE_SECRET", "deploy-manifests-test-secret-0123");
    env.put("HEADROOM_HEALTH_DRAIN_DELAY", "0s");
    ShortenerApp a = ShortenerApp.builder().env(env::get).shutdownHook(false).start();
    app = a;
    Http http = new Http("http://127.0.0.1:" + a.port());
    for (String path : probes) {
      assertThat(http.get(path).statusCode()).as(path).isEqualTo(200);
    }
    String scrapePath =
        kind("Deployment")
            .path("spec")
            .path("template")
            .path("metadata")
            .path("annotations")
            .path("prometheus.io/path")
            .asText();
    assertThat(http.get(scrapePath).statusCode()).as(scrapePath).isEqualTo(200);
  }

  @Test
  void theAutoscalerAndTheBudgetHoldTheDesignNumbers() {
    JsonNode hpa = kind("HorizontalPodAutoscaler").path("spec");
    assertThat(hpa.path("scaleTargetRef").path("name").asText())
        .isEqualTo(kind("Deployment").path("metadata").path("name").asText());
    assertThat(hpa.path("minReplicas").asInt()).isEqualTo(5);
    assertThat(hpa.path("maxReplicas").asInt()).isEqualTo(50);
    Map<String, Integer> targets = new HashMap<>();
    hpa.path("metrics")
        .forEach(
            m ->
                targets.put(
                    m.path("resource").path("name").asText(),
                    m.path("resource").path("target").path("averageUtilization").asInt()));
    assertThat(targets).containsExactlyInAnyOrderEntriesOf(Map.of("cpu", 70, "memory", 80));
    assertThat(kind("Deployment").path("spec").path("replicas").asInt())
        .isEqualTo(hpa.path("minReplicas").asInt());

    JsonNode pdb = kind("PodDisruptionBudget").path("spec");
    assertThat(pdb.path("maxUnavailable").asInt()).isEqualTo(1);
    assertThat(pdb.path("selector").path("matchLabels"))
        .isEqualTo(kind("Deployment").path("spec").path("selector").path("matchLabels"));
    // Memory-based scaling needs a memory request, and a limit equal to it avoids OOM surprises.
    JsonNode resources = container().path("resources");
    assertThat(resources.path("requests").path("memory").asText())
        .isNotEmpty()
        .isEqualTo(resources.path("limits").path("memory").asText());
  }
}
