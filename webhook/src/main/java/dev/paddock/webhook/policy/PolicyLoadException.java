package dev.paddock.webhook.policy;

import java.util.List;

/** Policies that cannot be put in force; the message lists every error, one per line. */
public final class PolicyLoadException extends Exception {
  private final List<String> errors;

  public PolicyLoadException(List<String> errors) {
    super(String.join("\n", errors), null, false, false);
    this.errors = List.copyOf(errors);
  }

  public List<String> errors() {
    return errors;
  }
}
