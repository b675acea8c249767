package dev.paddock.webhook.policy;

import dev.paddock.api.policy.PolicyExpressionError;
import dev.paddock.api.policy.SandboxPolicy;
import dev.paddock.api.policy.SandboxPolicyStatus;
import dev.paddock.api.policy.TenantProfile;
import dev.paddock.policies.CompileError;
import dev.paddock.policies.Manifests;
import dev.paddock.policies.PolicyCompiler;
import dev.paddock.policies.PolicyDocument;
import dev.paddock.policies.TenantProfiles;
import io.fabric8.kubernetes.api.model.Namespace;
import io.fabric8.kubernetes.api.model.ObjectMetaBuilder;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.fabric8.kubernetes.client.KubernetesClientException;
import io.fabric8.kubernetes.client.informers.ResourceEventHandler;
import io.fabric8.kubernetes.client.informers.SharedIndexInformer;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicReference;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Policies and tenant profiles from the cluster: informers on SandboxPolicy, TenantProfile and
 * Namespace. Every change recompiles the policies off the request path (one thread, changes that
 * arrive meanwhile coalesce) and swaps the snapshot atomically.
 *
 * <p>A SandboxPolicy version that does not compile is never half-applied: its errors go to its
 * status, and <b>the previous good version of that policy stays in force</b> (a security policy
 * that silently disappeared would fail open). A policy that never compiled is not in force.
 * Admission already refuses policies that do not compile, so this covers only objects stored while
 * the webhook was unavailable or before it was installed.
 */
public final class InformerPolicySource implements AutoCloseable {
  private static final Logger LOG = LoggerFactory.getLogger(InformerPolicySource.class);

  private final KubernetesClient client;
  private final PolicyCompiler compiler;
  private final AtomicReference<PolicySnapshot> snapshot =
      new AtomicReference<>(PolicySnapshot.empty());
  private final Map<String, SandboxPolicy> lastGood = new HashMap<>();
  private final Map<String, Map<String, Object>> namespaces = new ConcurrentHashMap<>();
  private final AtomicBoolean pending = new AtomicBoolean();
  private final AtomicBoolean ready = new AtomicBoolean();
  private final ExecutorService compileThread =
      Executors.newSingleThreadExecutor(
          r -> {
            Thread thread = new Thread(r, "paddock-policy-compiler");
            thread.setDaemon(true);
            return thread;
          });
  private final List<SharedIndexInformer<?>> informers = new ArrayList<>();
  private SharedIndexInformer<SandboxPolicy> policyInformer;
  private SharedIndexInformer<TenantProfile> tenantInformer;

  public InformerPolicySource(KubernetesClient client, PolicyCompiler compiler) {
    this.client = client;
    this.compiler = compiler;
  }

  /** Starts the informers, waits for their first list and compiles; then serves changes. */
  public void start(Duration syncTimeout) {
    ResourceEventHandler<Object> recompile =
        new ResourceEventHandler<>() {
          @Override
          public void onAdd(Object obj) {
            schedule();
          }

          @Override
          public void onUpdate(Object oldObj, Object newObj) {
            schedule();
          }

          @Override
          public void onDelete(Object obj, boolean deletedFinalStateUnknown) {
            schedule();
          }
        };
    policyInformer = client.resources(SandboxPolicy.class).runnableInformer(0);
    policyInformer.addEventHandler(handler(recompile));
    tenantInformer = client.resources(TenantProfile.class).runnableInformer(0);
    tenantInformer.addEventHandler(handler(recompile));
    SharedIndexInformer<Namespace> namespaceInformer = client.namespaces().runnableInformer(0);
    namespaceInformer.addEventHandler(
        new ResourceEventHandler<>() {
          @Override
          public void onAdd(Namespace ns) {
            namespaces.put(ns.getMetadata().getName(), Manifests.toMap(ns));
          }

          @Override
          public void onUpdate(Namespace oldNs, Namespace ns) {
            onAdd(ns);
          }

          @Override
          public void onDelete(Namespace ns, boolean deletedFinalStateUnknown) {
            namespaces.remove(ns.getMetadata().getName());
          }
        });
    informers.addAll(List.of(policyInformer, tenantInformer, namespaceInformer));
    for (SharedIndexInformer<?> informer : informers) {
      try {
        informer.start().toCompletableFuture().get(syncTimeout.toMillis(), TimeUnit.MILLISECONDS);
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
        throw new IllegalStateException("interrupted while listing policies", e);
      } catch (Exception e) {
        throw new IllegalStateException(
            "cannot list " + informer.getApiTypeClass().getSimpleName() + ": " + rootMessage(e), e);
      }
    }
    try {
      compileThread.submit(this::recompile).get(syncTimeout.toMillis(), TimeUnit.MILLISECONDS);
    } catch (Exception e) {
      throw new IllegalStateException("cannot compile the policies: " + rootMessage(e), e);
    }
    ready.set(true);
  }

  public AtomicReference<PolicySnapshot> snapshot() {
    return snapshot;
  }

  /** Whether the first list was compiled (for readiness). */
  public boolean ready() {
    return ready.get();
  }

  /** Namespaces as the informer holds them, for namespaceSelector and tenant matching. */
  public NamespaceLookup namespaces() {
    return namespaces::get;
  }

  @Override
  public void close() {
    informers.forEach(SharedIndexInformer::close);
    compileThread.shutdownNow();
  }

  private static <T> ResourceEventHandler<T> handler(ResourceEventHandler<Object> delegate) {
    return new ResourceEventHandler<>() {
      @Override
      public void onAdd(T obj) {
        delegate.onAdd(obj);
      }

      @Override
      public void onUpdate(T oldObj, T newObj) {
        delegate.onUpdate(oldObj, newObj);
      }

      @Override
      public void onDelete(T obj, boolean deletedFinalStateUnknown) {
        delegate.onDelete(obj, deletedFinalStateUnknown);
      }
    };
  }

  private void schedule() {
    if (pending.compareAndSet(false, true)) {
      compileThread.execute(
          () -> {
            pending.set(false);
            try {
              recompile();
            } catch (RuntimeException e) {
              LOG.error("policies: recompiling failed, the previous ones stay in force", e);
            }
          });
    }
  }

  /** Compiles the informers' current objects and swaps the snapshot. On the compile thread. */
  void recompile() {
    List<SandboxPolicy> all =
        policyInformer.getStore().list().stream()
            .sorted(Comparator.comparing(p -> p.getMetadata().getName()))
            .toList();
    PolicyCompiler.Compilation compilation = compiler.compileSandboxPolicies(all);
    List<SandboxPolicy> inForce = new ArrayList<>();
    boolean substituted = false;
    lastGood.keySet().retainAll(all.stream().map(p -> p.getMetadata().getName()).toList());
    for (SandboxPolicy policy : all) {
      String name = policy.getMetadata().getName();
      List<CompileError> errors = compilation.errorsOf(name);
      if (errors.isEmpty()) {
        lastGood.put(name, policy);
        inForce.add(policy);
      } else {
        SandboxPolicy previous = lastGood.get(name);
        LOG.warn(
            "policies: SandboxPolicy {} generation {} does not compile ({} errors); {}",
            name,
            policy.getMetadata().getGeneration(),
            errors.size(),
            previous == null
                ? "it is not in force"
                : "generation " + previous.getMetadata().getGeneration() + " stays in force");
        if (previous != null) {
          inForce.add(previous);
          substituted = true;
        }
      }
      reportStatus(policy, errors);
    }
    PolicyPhases.Compiled phases =
        PolicyPhases.compile(
            compiler,
            inForce.stream().map(p -> new PolicyDocument(null, Manifests.toMap(p))).toList());
    TenantProfiles tenants = TenantProfiles.of(tenantInformer.getStore().list());
    PolicySnapshot next =
        new PolicySnapshot(phases.validating(), phases.mutating(), tenants, Map.of());
    snapshot.set(next);
    LOG.info(
        "policies: {} in force{}, {} tenant profiles",
        next.policyNames().size(),
        substituted ? " (some at their previous version)" : "",
        tenantInformer.getStore().list().size());
  }

  private void reportStatus(SandboxPolicy policy, List<CompileError> errors) {
    SandboxPolicyStatus status = new SandboxPolicyStatus();
    status.setObservedGeneration(policy.getMetadata().getGeneration());
    status.setCompiled(errors.isEmpty());
    if (!errors.isEmpty()) {
      List<PolicyExpressionError> reported = new ArrayList<>();
      for (CompileError error : errors) {
        PolicyExpressionError e = new PolicyExpressionError();
        e.setPath(error.path());
        e.setLine(error.line() > 0 ? error.line() : null);
        e.setColumn(error.line() > 0 ? error.column() : null);
        e.setMessage(error.message());
        reported.add(e);
      }
      status.setErrors(reported);
    }
    if (Objects.equals(status, policy.getStatus())) {
      return;
    }
    SandboxPolicy patch = new SandboxPolicy();
    patch.setMetadata(new ObjectMetaBuilder().withName(policy.getMetadata().getName()).build());
    patch.setStatus(status);
    try {
      client.resources(SandboxPolicy.class).resource(patch).patchStatus();
    } catch (KubernetesClientException e) {
      LOG.warn(
          "policies: cannot write the status of SandboxPolicy {}: {}",
          policy.getMetadata().getName(),
          e.getMessage());
    }
  }

  private static String rootMessage(Throwable e) {
    Throwable root = e;
    while (root.getCause() != null) {
      root = root.getCause();
    }
    return root.getMessage() == null ? root.toString() : root.getMessage();
  }
}
