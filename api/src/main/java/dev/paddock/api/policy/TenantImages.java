package dev.paddock.api.policy;

import com.fasterxml.jackson.annotation.JsonInclude;
import java.util.List;
import java.util.Objects;

/** Where a tenant's sandbox images may come from. */
@JsonInclude(JsonInclude.Include.NON_NULL)
public class TenantImages {
  /**
   * Image reference prefixes, each ending in {@code /} (e.g. {@code registry.example.com/agents/});
   * an image must start with one of them.
   */
  private List<String> allowedRegistries;

  public List<String> getAllowedRegistries() {
    return allowedRegistries;
  }

  public void setAllowedRegistries(List<String> allowedRegistries) {
    this.allowedRegistries = allowedRegistries;
  }

  @Override
  public boolean equals(Object o) {
    return o instanceof TenantImages other
        && Objects.equals(allowedRegistries, other.allowedRegistries);
  }

  @Override
  public int hashCode() {
    return Objects.hashCode(allowedRegistries);
  }
}
