package dev.paddock.policies;

/**
 * A problem found while compiling a policy: a CEL syntax or type error, or a malformed manifest.
 *
 * @param source the file (or other origin) the policy came from, or null
 * @param policy the policy's metadata.name (empty when the manifest has none)
 * @param path where in the manifest, e.g. {@code spec.validations[3].expression}
 * @param line 1-based line within the expression, 0 when not about an expression's text
 * @param column 0-based column within that line
 * @param message what is wrong
 */
public record CompileError(
    String source, String policy, String path, int line, int column, String message) {

  /** {@code file: policy 'p' spec.validations[3].expression:1:12: message}. */
  @Override
  public String toString() {
    StringBuilder text = new StringBuilder();
    if (source != null) {
      text.append(source).append(": ");
    }
    text.append("policy '").append(policy).append("' ").append(path);
    if (line > 0) {
      text.append(':').append(line).append(':').append(column);
    }
    return text.append(": ").append(message).toString();
  }
}
