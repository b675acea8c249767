package dev.paddock.api.extensions;

/** Whether a claim may inject environment variables into the template's containers. */
public enum EnvVarsInjectionPolicy {
  Allowed,
  Overrides,
  Disallowed
}
