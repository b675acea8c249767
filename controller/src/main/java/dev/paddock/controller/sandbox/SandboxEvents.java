package dev.paddock.controller.sandbox;

import dev.paddock.api.sandbox.Sandbox;
import dev.paddock.api.sandbox.SandboxStatus;
import io.fabric8.kubernetes.api.model.Condition;
import io.fabric8.kubernetes.api.model.EventBuilder;
import io.fabric8.kubernetes.api.model.ObjectReferenceBuilder;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.fabric8.kubernetes.client.KubernetesClientException;
import java.time.Clock;
import java.time.format.DateTimeFormatter;
import java.time.temporal.ChronoUnit;
import java.util.Objects;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Warning Events (core/v1) on a Sandbox. One is written when the Ready condition turns to a new
 * problem, never again for the same one, so a resync of a broken Sandbox writes nothing.
 */
final class SandboxEvents {
  static final String COMPONENT = "paddock-controller";
  private static final Logger log = LoggerFactory.getLogger(SandboxEvents.class);

  private final Clock clock;

  SandboxEvents(Clock clock) {
    this.clock = clock;
  }

  void warnOnChange(
      KubernetesClient client, Sandbox sandbox, SandboxStatus next, String eventReason) {
    Condition now = ready(next);
    Condition before = ready(sandbox.getStatus());
    if (now == null
        || (before != null
            && Objects.equals(before.getReason(), now.getReason())
            && Objects.equals(before.getMessage(), now.getMessage()))) {
      return;
    }
    String timestamp =
        DateTimeFormatter.ISO_INSTANT.format(clock.instant().truncatedTo(ChronoUnit.SECONDS));
    var event =
        new EventBuilder()
            .withNewMetadata()
            .withGenerateName(sandbox.getMetadata().getName() + ".")
            .withNamespace(sandbox.getMetadata().getNamespace())
            .endMetadata()
            .withInvolvedObject(
                new ObjectReferenceBuilder()
                    .withApiVersion(Sandbox.API_VERSION)
                    .withKind("Sandbox")
                    .withName(sandbox.getMetadata().getName())
                    .withNamespace(sandbox.getMetadata().getNamespace())
                    .withUid(sandbox.getMetadata().getUid())
                    .withResourceVersion(sandbox.getMetadata().getResourceVersion())
                    .build())
            .withType("Warning")
            .withReason(eventReason)
            .withMessage(now.getMessage())
            .withFirstTimestamp(timestamp)
            .withLastTimestamp(timestamp)
            .withCount(1)
            .withNewSource()
            .withComponent(COMPONENT)
            .endSource()
            .withReportingComponent(COMPONENT)
            .build();
    try {
      client
          .v1()
          .events()
          .inNamespace(sandbox.getMetadata().getNamespace())
          .resource(event)
          .create();
    } catch (KubernetesClientException e) {
      log.warn(
          "sandbox {}/{}: cannot record event {}: {}",
          sandbox.getMetadata().getNamespace(),
          sandbox.getMetadata().getName(),
          eventReason,
          e.getMessage());
    }
  }

  private static Condition ready(SandboxStatus status) {
    if (status == null || status.getConditions() == null) {
      return null;
    }
    return status.getConditions().stream()
        .filter(c -> SandboxConditions.READY.equals(c.getType()))
        .findFirst()
        .orElse(null);
  }
}
