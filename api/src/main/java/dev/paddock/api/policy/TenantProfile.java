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
 * One tenant's parameters, cluster-scoped and selected by namespace labels. The controller turns it
 * into a NetworkPolicy and a ResourceQuota per namespace; policies read it as {@code tenant}.
 */
@Group(SandboxPolicy.GROUP)
@Version(SandboxPolicy.VERSION)
@Kind("TenantProfile")
@Plural("tenantprofiles")
@Singular("tenantprofile")
@ShortNames("tenant")
@JsonInclude(JsonInclude.Include.NON_NULL)
public class TenantProfile extends CustomResource<TenantProfileSpec, TenantProfileStatus> {
  public static final String API_VERSION = SandboxPolicy.API_VERSION;

  @Override
  protected TenantProfileSpec initSpec() {
    return new TenantProfileSpec();
  }
}
