package dev.paddock.controller.sandbox;

import static dev.paddock.controller.sandbox.SandboxConditions.*;

import dev.paddock.api.sandbox.OperatingMode;
import dev.paddock.api.sandbox.Sandbox;
import dev.paddock.api.sandbox.SandboxStatus;
import io.fabric8.kubernetes.api.model.Condition;
import io.fabric8.kubernetes.api.model.ConditionBuilder;
import io.fabric8.kubernetes.api.model.Pod;
import io.fabric8.kubernetes.api.model.PodCondition;
import io.fabric8.kubernetes.api.model.PodIP;
import io.fabric8.kubernetes.api.model.Service;
import java.time.Instant;
import java.time.format.DateTimeFormatter;
import java.time.temporal.ChronoUnit;
import java.util.ArrayList;
import java.util.List;
import java.util.Objects;

/**
 * The status a Sandbox should show, a pure function of what the reconciler observed. A condition's
 * {@code lastTransitionTime} is carried over from the current status unless its status flips.
 */
public final class SandboxStatusBuilder {

  /** What the reconciler saw; {@code pod} and {@code service} are only ones this Sandbox owns. */
  public record Observed(
      Pod pod, Service service, int matchingPods, SandboxProblem problem, Instant now) {}

  private SandboxStatusBuilder() {}

  public static SandboxStatus desired(Sandbox sandbox, Observed seen, String clusterDomain) {
    SandboxStatus status = new SandboxStatus();
    Pod pod = seen.pod();
    boolean multiplePods = seen.matchingPods() > 1;
    if (pod != null && !multiplePods) {
      status.setPodIPs(podIPs(pod));
      status.setNodeName(pod.getSpec() == null ? null : pod.getSpec().getNodeName());
    }
    status.setSelector(SandboxNames.selector(sandbox));
    if (seen.service() != null) {
      String name = seen.service().getMetadata().getName();
      status.setService(name);
      status.setServiceFQDN(
          name + "." + sandbox.getMetadata().getNamespace() + ".svc." + clusterDomain);
    }

    List<Condition> conditions = new ArrayList<>();
    conditions.add(ready(sandbox, seen));
    conditions.add(suspended(sandbox, pod));
    if (pod != null && !multiplePods) {
      Condition finished = finished(pod);
      if (finished != null) {
        conditions.add(finished);
      }
      conditions.add(podScheduled(pod));
    }
    status.setConditions(stamp(sandbox, conditions, seen.now()));
    return status;
  }

  /** The status of an expired, retained Sandbox: everything cleared but Ready=SandboxExpired. */
  public static SandboxStatus expired(Sandbox sandbox, Instant now) {
    SandboxStatus status = new SandboxStatus();
    Condition ready = condition(READY, FALSE, SANDBOX_EXPIRED, "Sandbox has expired");
    status.setConditions(stamp(sandbox, List.of(ready), now));
    return status;
  }

  /**
   * The current status with Ready=False/ReconcilerError, for an error the reconciler could not
   * finish past; everything else is left as it was last observed.
   */
  public static SandboxStatus withReconcilerError(Sandbox sandbox, String message, Instant now) {
    SandboxStatus current = sandbox.getStatus();
    SandboxStatus status = new SandboxStatus();
    List<Condition> conditions = new ArrayList<>();
    if (current != null) {
      status.setServiceFQDN(current.getServiceFQDN());
      status.setService(current.getService());
      status.setSelector(current.getSelector());
      status.setPodIPs(current.getPodIPs());
      status.setNodeName(current.getNodeName());
      if (current.getConditions() != null) {
        current.getConditions().stream()
            .filter(c -> !READY.equals(c.getType()))
            .map(c -> new ConditionBuilder(c).build())
            .forEach(conditions::add);
      }
    }
    conditions.add(0, condition(READY, FALSE, RECONCILER_ERROR, message));
    status.setConditions(stamp(sandbox, conditions, now));
    return status;
  }

  private static Condition ready(Sandbox sandbox, Observed seen) {
    Pod pod = seen.pod();
    if (seen.matchingPods() > 1) {
      return condition(
          READY,
          FALSE,
          MULTIPLE_PODS,
          "multiple Pods ("
              + seen.matchingPods()
              + ") carry this Sandbox's label "
              + SandboxNames.selector(sandbox)
              + "; refusing to choose or create a Pod");
    }
    if (seen.problem() != null) {
      return condition(READY, FALSE, seen.problem().reason(), seen.problem().message());
    }
    if (isSuspended(sandbox)) {
      return condition(
          READY,
          FALSE,
          SANDBOX_SUSPENDED,
          pod == null ? "Sandbox is suspended" : "Sandbox is suspending");
    }
    if (pod != null && "Succeeded".equals(phase(pod))) {
      return condition(READY, FALSE, POD_SUCCEEDED, "Pod completed successfully");
    }
    if (pod != null && "Failed".equals(phase(pod))) {
      return condition(READY, FALSE, POD_FAILED, "Pod failed");
    }
    String message;
    boolean podReady = false;
    if (pod == null) {
      message = "Pod does not exist";
    } else if (!"Running".equals(phase(pod))) {
      message = "Pod exists with phase: " + Objects.toString(phase(pod), "Unknown");
    } else if (!podCondition(pod, "Ready")) {
      message = "Pod is Running but not Ready";
    } else if (podIPs(pod) == null) {
      message = "Pod is Ready but has no podIPs yet";
    } else {
      message = "Pod is Ready";
      podReady = true;
    }
    // an existing Service counts when spec.service is unset: clients may rely on it
    boolean serviceRequired =
        Boolean.TRUE.equals(sandbox.getSpec().getService())
            || (sandbox.getSpec().getService() == null && seen.service() != null);
    boolean serviceReady = !serviceRequired || seen.service() != null;
    if (serviceRequired) {
      message += seen.service() != null ? "; Service exists" : "; Service does not exist";
    }
    return podReady && serviceReady
        ? condition(READY, TRUE, DEPENDENCIES_READY, message)
        : condition(READY, FALSE, DEPENDENCIES_NOT_READY, message);
  }

  private static Condition suspended(Sandbox sandbox, Pod pod) {
    if (!isSuspended(sandbox)) {
      return condition(SUSPENDED, FALSE, NOT_SUSPENDED, "Sandbox is not suspended");
    }
    return pod == null
        ? condition(
            SUSPENDED, TRUE, POD_TERMINATED, "Pod has been terminated. Sandbox is suspended")
        : condition(
            SUSPENDED, FALSE, POD_NOT_TERMINATED, "Pod is terminating. Sandbox is suspending");
  }

  private static Condition finished(Pod pod) {
    return switch (Objects.toString(phase(pod), "")) {
      case "Succeeded" -> condition(FINISHED, TRUE, POD_SUCCEEDED, "Pod completed successfully");
      case "Failed" -> condition(FINISHED, TRUE, POD_FAILED, "Pod failed");
      default -> null;
    };
  }

  private static Condition podScheduled(Pod pod) {
    if (pod.getStatus() != null && pod.getStatus().getConditions() != null) {
      for (PodCondition c : pod.getStatus().getConditions()) {
        if (POD_SCHEDULED.equals(c.getType())) {
          String status = c.getStatus() == null ? UNKNOWN : c.getStatus();
          String reason = c.getReason();
          if (reason == null || reason.isEmpty()) {
            reason = TRUE.equals(status) ? POD_SCHEDULED : POD_SCHEDULING_UNKNOWN;
          }
          return condition(
              POD_SCHEDULED, status, reason, c.getMessage() == null ? "" : c.getMessage());
        }
      }
    }
    return condition(
        POD_SCHEDULED,
        UNKNOWN,
        POD_SCHEDULING_UNKNOWN,
        "Pod has not reported a PodScheduled condition yet");
  }

  /**
   * Sets observedGeneration, and lastTransitionTime kept from the current status when unchanged.
   */
  private static List<Condition> stamp(Sandbox sandbox, List<Condition> conditions, Instant now) {
    List<Condition> previous =
        sandbox.getStatus() == null || sandbox.getStatus().getConditions() == null
            ? List.of()
            : sandbox.getStatus().getConditions();
    String nowText = DateTimeFormatter.ISO_INSTANT.format(now.truncatedTo(ChronoUnit.SECONDS));
    for (Condition c : conditions) {
      if (c.getLastTransitionTime() != null) {
        continue; // carried over unchanged
      }
      c.setObservedGeneration(sandbox.getMetadata().getGeneration());
      c.setLastTransitionTime(nowText);
      for (Condition old : previous) {
        if (c.getType().equals(old.getType())
            && c.getStatus().equals(old.getStatus())
            && old.getLastTransitionTime() != null) {
          c.setLastTransitionTime(old.getLastTransitionTime());
        }
      }
    }
    return conditions;
  }

  static boolean isSuspended(Sandbox sandbox) {
    return sandbox.getSpec().getOperatingMode() == OperatingMode.Suspended;
  }

  private static Condition condition(String type, String status, String reason, String message) {
    return new ConditionBuilder()
        .withType(type)
        .withStatus(status)
        .withReason(reason)
        .withMessage(message)
        .build();
  }

  private static String phase(Pod pod) {
    return pod.getStatus() == null ? null : pod.getStatus().getPhase();
  }

  private static boolean podCondition(Pod pod, String type) {
    return pod.getStatus() != null
        && pod.getStatus().getConditions() != null
        && pod.getStatus().getConditions().stream()
            .anyMatch(c -> type.equals(c.getType()) && TRUE.equals(c.getStatus()));
  }

  private static List<String> podIPs(Pod pod) {
    if (pod.getStatus() == null) {
      return null;
    }
    List<String> ips = new ArrayList<>();
    if (pod.getStatus().getPodIPs() != null) {
      for (PodIP ip : pod.getStatus().getPodIPs()) {
        if (ip.getIp() != null) {
          ips.add(ip.getIp());
        }
      }
    }
    if (ips.isEmpty() && pod.getStatus().getPodIP() != null) {
      ips.add(pod.getStatus().getPodIP());
    }
    return ips.isEmpty() ? null : ips;
  }
}
