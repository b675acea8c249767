package dev.paddock.controller.sandbox;

import dev.paddock.api.AgentsLabels;
import dev.paddock.api.sandbox.Sandbox;
import io.fabric8.kubernetes.api.model.Container;
import io.fabric8.kubernetes.api.model.ContainerPort;
import io.fabric8.kubernetes.api.model.IntOrString;
import io.fabric8.kubernetes.api.model.PodSpec;
import io.fabric8.kubernetes.api.model.Service;
import io.fabric8.kubernetes.api.model.ServiceBuilder;
import io.fabric8.kubernetes.api.model.ServicePort;
import io.fabric8.kubernetes.api.model.ServicePortBuilder;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;

/** The headless Service a Sandbox wants when {@code spec.service} is true. */
public final class SandboxServiceBuilder {
  private SandboxServiceBuilder() {}

  public static Service desired(Sandbox sandbox) {
    String hash = SandboxNames.nameHash(sandbox);
    return new ServiceBuilder()
        .withNewMetadata()
        .withName(SandboxNames.serviceName(sandbox))
        .withNamespace(sandbox.getMetadata().getNamespace())
        .withLabels(Map.of(AgentsLabels.SANDBOX_NAME_HASH, hash))
        .withOwnerReferences(SandboxNames.ownerReference(sandbox))
        .endMetadata()
        .withNewSpec()
        .withClusterIP("None")
        .withSelector(Map.of(AgentsLabels.SANDBOX_NAME_HASH, hash))
        .withPorts(ports(sandbox.getSpec().getPodTemplate().getSpec()))
        .endSpec()
        .build();
  }

  /**
   * One port per distinct container port/protocol; unnamed ones become {@code p-<port>-<proto>}.
   */
  static List<ServicePort> ports(PodSpec spec) {
    List<ServicePort> ports = new ArrayList<>();
    if (spec == null || spec.getContainers() == null) {
      return ports;
    }
    Set<String> seen = new HashSet<>();
    for (Container container : spec.getContainers()) {
      if (container.getPorts() == null) {
        continue;
      }
      for (ContainerPort port : container.getPorts()) {
        if (port.getContainerPort() == null) {
          continue;
        }
        String protocol = port.getProtocol() == null ? "TCP" : port.getProtocol();
        if (!seen.add(port.getContainerPort() + "/" + protocol)) {
          continue;
        }
        String name =
            port.getName() == null || port.getName().isEmpty()
                ? "p-" + port.getContainerPort() + "-" + protocol.toLowerCase(Locale.ROOT)
                : port.getName();
        ports.add(
            new ServicePortBuilder()
                .withName(name)
                .withPort(port.getContainerPort())
                .withTargetPort(new IntOrString(port.getContainerPort()))
                .withProtocol(protocol)
                .build());
      }
    }
    return ports;
  }

  /** True when the live Service already serves what the desired one asks (ignoring defaults). */
  static boolean matches(Service live, Service desired) {
    if (live.getSpec() == null) {
      return false;
    }
    return "None".equals(live.getSpec().getClusterIP())
        && desired.getSpec().getSelector().equals(live.getSpec().getSelector())
        && comparablePorts(desired.getSpec().getPorts())
            .equals(comparablePorts(live.getSpec().getPorts()));
  }

  private static List<String> comparablePorts(List<ServicePort> ports) {
    List<String> out = new ArrayList<>();
    if (ports != null) {
      for (ServicePort p : ports) {
        String target =
            p.getTargetPort() == null ? String.valueOf(p.getPort()) : p.getTargetPort().toString();
        if (p.getTargetPort() != null && p.getTargetPort().getIntVal() != null) {
          target = String.valueOf(p.getTargetPort().getIntVal());
        }
        out.add(
            p.getName()
                + "|"
                + p.getPort()
                + "|"
                + target
                + "|"
                + (p.getProtocol() == null ? "TCP" : p.getProtocol()));
      }
    }
    return out;
  }
}
