package dev.paddock.api.policy;

import com.fasterxml.jackson.annotation.JsonInclude;
import io.fabric8.kubernetes.client.CustomResource;
import io.fabric8.kubernetes.model.annotation.Group;
import io.fabric8.kubernetes.model.annotation.Kind;
import io.fabric8.kubernetes.model.annotation.Plural;
import io.fabric8.kubernetes.model.annotation.ShortNames;
import io.fabric8.kubernetes.model.annotation.Singular;
import io.fabric8.kubernetes.model.annotation.Version;

/**
 * A tenant policy written in CEL, cluster-scoped: validations, mutations and audit annotations that
 * the admission webhook enforces on the Agent Sandbox resources. Expressions written for a
 * Kubernetes ValidatingAdmissionPolicy or MutatingAdmissionPolicy run unchanged.
 */
@Group(SandboxPolicy.GROUP)
@Version(SandboxPolicy.VERSION)
@Kind("SandboxPolicy")
@Plural("sandboxpolicies")
@Singular("sandboxpolicy")
@ShortNames("sbpol")
@JsonInclude(JsonInclude.Include.NON_NULL)
public class SandboxPolicy extends CustomResource<SandboxPolicySpec, SandboxPolicyStatus> {
  public static final String GROUP = "policy.paddock.dev";
  public static final String VERSION = "v1alpha1";
  public static final String API_VERSION = GROUP + "/" + VERSION;

  @Override
  protected SandboxPolicySpec initSpec() {
    return new SandboxPolicySpec();
  }
}
