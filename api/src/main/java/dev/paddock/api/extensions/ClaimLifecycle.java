package dev.paddock.api.extensions;

import com.fasterxml.jackson.annotation.JsonInclude;
import io.fabric8.generator.annotation.Default;
import io.fabric8.generator.annotation.Min;
import java.util.Objects;

/** When a claim expires and what expiry removes. */
@JsonInclude(JsonInclude.Include.NON_NULL)
public class ClaimLifecycle {
  private String shutdownTime;

  @Min(0)
  private Integer ttlSecondsAfterFinished;

  @Default("Retain")
  private ClaimShutdownPolicy shutdownPolicy;

  public String getShutdownTime() {
    return shutdownTime;
  }

  public void setShutdownTime(String shutdownTime) {
    this.shutdownTime = shutdownTime;
  }

  public Integer getTtlSecondsAfterFinished() {
    return ttlSecondsAfterFinished;
  }

  public void setTtlSecondsAfterFinished(Integer ttlSecondsAfterFinished) {
    this.ttlSecondsAfterFinished = ttlSecondsAfterFinished;
  }

  public ClaimShutdownPolicy getShutdownPolicy() {
    return shutdownPolicy;
  }

  public void setShutdownPolicy(ClaimShutdownPolicy shutdownPolicy) {
    this.shutdownPolicy = shutdownPolicy;
  }

  @Override
  public boolean equals(Object o) {
    return o instanceof ClaimLifecycle other
        && Objects.equals(shutdownTime, other.shutdownTime)
        && Objects.equals(ttlSecondsAfterFinished, other.ttlSecondsAfterFinished)
        && Objects.equals(shutdownPolicy, other.shutdownPolicy);
  }

  @Override
  public int hashCode() {
    return Objects.hash(shutdownTime, ttlSecondsAfterFinished, shutdownPolicy);
  }
}
