package dev.paddock.policies;

import java.util.Map;

/**
 * One parsed manifest handed to the {@link PolicyCompiler}: a SandboxPolicy, a
 * ValidatingAdmissionPolicy, a ValidatingAdmissionPolicyBinding, a MutatingAdmissionPolicy or a
 * MutatingAdmissionPolicyBinding.
 *
 * @param source where it came from (a file name), used in error messages; may be null
 * @param manifest the manifest as parsed JSON/YAML
 */
public record PolicyDocument(String source, Map<String, Object> manifest) {

  public String kind() {
    return manifest.get("kind") instanceof String kind ? kind : "";
  }

  @SuppressWarnings("unchecked")
  public String name() {
    if (manifest.get("metadata") instanceof Map<?, ?> metadata
        && metadata.get("name") instanceof String name) {
      return name;
    }
    return "";
  }
}
