package dev.paddock.api.policy;

import com.fasterxml.jackson.annotation.JsonInclude;
import io.fabric8.kubernetes.api.model.LabelSelector;
import java.util.Objects;

/** One tenant's parameters: the runtime class to inject and allow, network rules and quotas. */
@JsonInclude(JsonInclude.Include.NON_NULL)
public class TenantProfileSpec {
  /** The namespaces this profile governs. */
  private LabelSelector namespaceSelector;

  private RuntimeClassPolicy runtimeClass;

  private TenantNetwork network;

  private TenantQuotas quotas;

  private TenantImages images;

  public LabelSelector getNamespaceSelector() {
    return namespaceSelector;
  }

  public void setNamespaceSelector(LabelSelector namespaceSelector) {
    this.namespaceSelector = namespaceSelector;
  }

  public RuntimeClassPolicy getRuntimeClass() {
    return runtimeClass;
  }

  public void setRuntimeClass(RuntimeClassPolicy runtimeClass) {
    this.runtimeClass = runtimeClass;
  }

  public TenantNetwork getNetwork() {
    return network;
  }

  public void setNetwork(TenantNetwork network) {
    this.network = network;
  }

  public TenantQuotas getQuotas() {
    return quotas;
  }

  public void setQuotas(TenantQuotas quotas) {
    this.quotas = quotas;
  }

  public TenantImages getImages() {
    return images;
  }

  public void setImages(TenantImages images) {
    this.images = images;
  }

  @Override
  public boolean equals(Object o) {
    return o instanceof TenantProfileSpec other
        && Objects.equals(namespaceSelector, other.namespaceSelector)
        && Objects.equals(runtimeClass, other.runtimeClass)
        && Objects.equals(network, other.network)
        && Objects.equals(quotas, other.quotas)
        && Objects.equals(images, other.images);
  }

  @Override
  public int hashCode() {
    return Objects.hash(namespaceSelector, runtimeClass, network, quotas, images);
  }
}
