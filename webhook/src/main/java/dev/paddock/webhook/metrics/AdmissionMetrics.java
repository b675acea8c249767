package dev.paddock.webhook.metrics;

import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.Gauge;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.Timer;
import java.time.Duration;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.TimeUnit;
import java.util.function.Supplier;

/**
 * The webhook's metrics: admission requests (count and latency histogram by webhook, operation,
 * kind and decision), requests refused before admission, policy evaluation errors, and the number
 * of policies loaded.
 *
 * <p>Tag values come from a closed set: an unknown kind is counted as {@code other}, so a client
 * cannot grow the number of time series.
 */
public final class AdmissionMetrics {
  static final Set<String> KNOWN_KINDS =
      Set.of(
          "Sandbox",
          "SandboxTemplate",
          "SandboxClaim",
          "SandboxWarmPool",
          "SandboxPolicy",
          "TenantProfile",
          "Pod");
  private static final Set<String> OPERATIONS = Set.of("CREATE", "UPDATE", "DELETE", "CONNECT");

  private final MeterRegistry registry;
  private final ConcurrentHashMap<String, Timer> timers = new ConcurrentHashMap<>();
  private final ConcurrentHashMap<String, Counter> counters = new ConcurrentHashMap<>();

  public AdmissionMetrics(MeterRegistry registry) {
    this.registry = registry;
  }

  public MeterRegistry registry() {
    return registry;
  }

  /** Publishes the number of policies in force, read from {@code count} at each scrape. */
  public void policiesLoaded(Supplier<Number> count) {
    Gauge.builder("paddock.policies.loaded", count)
        .description("Policies compiled and in force")
        .register(registry);
  }

  /**
   * Records one admission decision.
   *
   * @param webhook {@code validate} or {@code mutate}
   * @param decision {@code allowed}, {@code denied}, {@code patched} or {@code error}
   */
  public void decided(
      String webhook, String operation, String kind, String decision, long elapsedNanos) {
    String op = OPERATIONS.contains(operation) ? operation : "other";
    String k = KNOWN_KINDS.contains(kind) ? kind : "other";
    String key = webhook + '|' + op + '|' + k + '|' + decision;
    timers
        .computeIfAbsent(
            key,
            unused ->
                Timer.builder("paddock.admission.requests")
                    .description(
                        "Admission reviews answered, by webhook, operation, kind and decision")
                    .tags("webhook", webhook, "operation", op, "kind", k, "decision", decision)
                    .publishPercentileHistogram()
                    .minimumExpectedValue(Duration.ofNanos(50_000))
                    .maximumExpectedValue(Duration.ofSeconds(10))
                    .register(registry))
        .record(elapsedNanos, TimeUnit.NANOSECONDS);
  }

  /** Counts a request refused before admission (bad JSON, too large, wrong method...). */
  public void refused(String path, int status) {
    String p = path.length() > 32 ? "other" : path;
    counter(
            "paddock.admission.refused",
            "Requests refused before admission, by path and HTTP status",
            "path",
            p,
            "status",
            Integer.toString(status))
        .increment();
  }

  /** Counts errors raised while evaluating policies (including errors a policy ignores). */
  public void evaluationErrors(String webhook, int count) {
    if (count > 0) {
      counter(
              "paddock.admission.evaluation.errors",
              "Policy expression errors during admission",
              "webhook",
              webhook)
          .increment(count);
    }
  }

  private Counter counter(String name, String description, String... tags) {
    String key = name + String.join("|", tags);
    return counters.computeIfAbsent(
        key,
        unused -> Counter.builder(name).description(description).tags(tags).register(registry));
  }
}
