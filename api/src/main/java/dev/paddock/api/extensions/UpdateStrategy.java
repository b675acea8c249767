package dev.paddock.api.extensions;

import com.fasterxml.jackson.annotation.JsonInclude;
import io.fabric8.generator.annotation.Default;
import java.util.Objects;

/** How a warm pool rolls its members onto a changed template. */
@JsonInclude(JsonInclude.Include.NON_NULL)
public class UpdateStrategy {
  @Default("OnReplenish")
  private UpdateStrategyType type;

  public UpdateStrategyType getType() {
    return type;
  }

  public void setType(UpdateStrategyType type) {
    this.type = type;
  }

  @Override
  public boolean equals(Object o) {
    return o instanceof UpdateStrategy other && Objects.equals(type, other.type);
  }

  @Override
  public int hashCode() {
    return Objects.hash(type);
  }
}
