package dev.paddock.controller.claim;

/** The reasons of a claim's {@code Ready} condition; clients (the Python SDK) match on them. */
public final class ClaimReasons {
  public static final String TEMPLATE_NOT_FOUND = "TemplateNotFound";
  public static final String WARM_POOL_NOT_FOUND = "WarmPoolNotFound";
  public static final String INVALID_METADATA = "InvalidMetadata";
  public static final String ENV_VARS_INJECTION_REJECTED = "EnvVarsInjectionRejected";
  public static final String VOLUME_CLAIM_TEMPLATES_ERROR = "VolumeClaimTemplatesError";
  public static final String CLAIM_EXPIRED = "ClaimExpired";
  public static final String SANDBOX_EXPIRED = "SandboxExpired";
  public static final String SANDBOX_NOT_READY = "SandboxNotReady";

  private ClaimReasons() {}
}
