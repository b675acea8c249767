package dev.paddock.api;

/**
 * The labels and annotations of the upstream Agent Sandbox API that clients (the Python SDK, the
 * upstream controller, dashboards) depend on. Names must match upstream exactly.
 */
public final class AgentsLabels {
  public static final String PREFIX = "agents.x-k8s.io/";

  // labels
  public static final String SANDBOX_NAME_HASH = PREFIX + "sandbox-name-hash";
  public static final String WARM_POOL_SANDBOX = PREFIX + "warm-pool-sandbox";
  public static final String SANDBOX_TEMPLATE_REF_HASH = PREFIX + "sandbox-template-ref-hash";
  public static final String SANDBOX_TEMPLATE_HASH = PREFIX + "sandbox-template-hash";
  public static final String LAUNCH_TYPE = PREFIX + "launch-type";
  public static final String CREATED_BY = PREFIX + "created-by";
  public static final String CLAIM_UID = PREFIX + "claim-uid";
  public static final String ADOPTABLE = PREFIX + "adoptable";

  public static final String LAUNCH_TYPE_WARM = "warm";
  public static final String LAUNCH_TYPE_COLD = "cold";

  // annotations
  public static final String POD_NAME = PREFIX + "pod-name";
  public static final String SANDBOX_TEMPLATE_REF = PREFIX + "sandbox-template-ref";
  public static final String SANDBOX_NAME = PREFIX + "sandbox-name";
  public static final String CLAIM_FIRST_READY_AT = PREFIX + "claim-first-ready-at";
  public static final String CLIENT_FIRST_REQUESTED_AT = PREFIX + "client-first-requested-at";

  private AgentsLabels() {}

  /** True for keys in the reserved {@code agents.x-k8s.io/} domain. */
  public static boolean isReserved(String key) {
    return key.startsWith(PREFIX);
  }
}
