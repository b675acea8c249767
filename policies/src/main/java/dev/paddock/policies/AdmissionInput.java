package dev.paddock.policies;

import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Objects;

/**
 * One admission request as the policies see it: the fields of an AdmissionReview request that CEL
 * reads as {@code request}, plus the objects it reads as {@code object}, {@code oldObject}, {@code
 * namespaceObject} and {@code tenant}. Objects are parsed JSON ({@code Map}, {@code List}, {@code
 * String}, {@code Boolean}, {@code Integer}/{@code Long}, {@code Double}, {@code null}).
 *
 * @param operation CREATE, UPDATE, DELETE or CONNECT
 * @param kind the kind of the object
 * @param resource the resource being requested
 * @param subResource the subresource ("status", "scale") or null
 * @param namespace the namespace of the object, null for a cluster-scoped one
 * @param name the object's name (may be empty on CREATE with generateName)
 * @param object the new object, null on DELETE
 * @param oldObject the existing object on UPDATE and DELETE, else null
 * @param userInfo the requesting user as the AdmissionReview gives it ({@code username}, {@code
 *     uid}, {@code groups}, {@code extra}), never null
 * @param dryRun whether the request is a dry run
 * @param namespaceObject the Namespace the object lives in, or null; its labels drive
 *     namespaceSelector matching
 * @param tenant the matching TenantProfile as a map (see {@link TenantProfiles}), or null
 */
public record AdmissionInput(
    String operation,
    GroupVersionKind kind,
    GroupVersionResource resource,
    String subResource,
    String namespace,
    String name,
    Map<String, Object> object,
    Map<String, Object> oldObject,
    Map<String, Object> userInfo,
    boolean dryRun,
    Map<String, Object> namespaceObject,
    Map<String, Object> tenant) {

  public AdmissionInput {
    Objects.requireNonNull(operation, "operation");
    Objects.requireNonNull(kind, "kind");
    Objects.requireNonNull(resource, "resource");
    userInfo = userInfo == null ? Map.of() : userInfo;
  }

  /** A Kubernetes group, version and kind. */
  public record GroupVersionKind(String group, String version, String kind) {}

  /** A Kubernetes group, version and (plural) resource. */
  public record GroupVersionResource(String group, String version, String resource) {}

  /** The labels of {@link #namespaceObject()}, empty when there is none. */
  @SuppressWarnings("unchecked")
  public Map<String, String> namespaceLabels() {
    if (namespaceObject == null
        || !(namespaceObject.get("metadata") instanceof Map<?, ?> metadata)
        || !(metadata.get("labels") instanceof Map<?, ?> labels)) {
      return Map.of();
    }
    return (Map<String, String>) labels;
  }

  /** The object's own labels (of the old object on DELETE). */
  public Map<String, String> objectLabels() {
    return labelsOf(object != null ? object : oldObject);
  }

  @SuppressWarnings("unchecked")
  static Map<String, String> labelsOf(Map<String, Object> object) {
    if (object == null
        || !(object.get("metadata") instanceof Map<?, ?> metadata)
        || !(metadata.get("labels") instanceof Map<?, ?> labels)) {
      return Map.of();
    }
    return (Map<String, String>) labels;
  }

  /** The same request with another tenant profile (as {@link TenantProfiles#asMap}) or none. */
  public AdmissionInput withTenant(Map<String, Object> tenant) {
    return new AdmissionInput(
        operation,
        kind,
        resource,
        subResource,
        namespace,
        name,
        object,
        oldObject,
        userInfo,
        dryRun,
        namespaceObject,
        tenant);
  }

  public static Builder builder() {
    return new Builder();
  }

  /**
   * Builds an input; {@link #object(Map)} fills in kind, resource, name and namespace from the
   * object when they are not set explicitly (for the Agent Sandbox kinds, Pods and anything whose
   * plural is its lower-case kind plus "s").
   */
  public static final class Builder {
    private String operation = "CREATE";
    private GroupVersionKind kind;
    private GroupVersionResource resource;
    private String subResource;
    private String namespace;
    private String name;
    private Map<String, Object> object;
    private Map<String, Object> oldObject;
    private Map<String, Object> userInfo = Map.of();
    private boolean dryRun;
    private Map<String, Object> namespaceObject;
    private Map<String, Object> tenant;

    private Builder() {}

    public Builder operation(String operation) {
      this.operation = operation;
      return this;
    }

    public Builder kind(GroupVersionKind kind) {
      this.kind = kind;
      return this;
    }

    public Builder resource(GroupVersionResource resource) {
      this.resource = resource;
      return this;
    }

    public Builder subResource(String subResource) {
      this.subResource = subResource;
      return this;
    }

    public Builder namespace(String namespace) {
      this.namespace = namespace;
      return this;
    }

    public Builder name(String name) {
      this.name = name;
      return this;
    }

    public Builder object(Map<String, Object> object) {
      this.object = object;
      return this;
    }

    public Builder oldObject(Map<String, Object> oldObject) {
      this.oldObject = oldObject;
      return this;
    }

    public Builder userInfo(Map<String, Object> userInfo) {
      this.userInfo = userInfo;
      return this;
    }

    public Builder dryRun(boolean dryRun) {
      this.dryRun = dryRun;
      return this;
    }

    public Builder namespaceObject(Map<String, Object> namespaceObject) {
      this.namespaceObject = namespaceObject;
      return this;
    }

    /** A namespace object holding only a name and these labels. */
    public Builder namespaceLabels(String namespace, Map<String, String> labels) {
      Map<String, Object> metadata = new LinkedHashMap<>();
      metadata.put("name", namespace);
      metadata.put("labels", new LinkedHashMap<>(labels));
      Map<String, Object> ns = new LinkedHashMap<>();
      ns.put("apiVersion", "v1");
      ns.put("kind", "Namespace");
      ns.put("metadata", metadata);
      this.namespaceObject = ns;
      if (this.namespace == null) {
        this.namespace = namespace;
      }
      return this;
    }

    public Builder tenant(Map<String, Object> tenant) {
      this.tenant = tenant;
      return this;
    }

    @SuppressWarnings("unchecked")
    public AdmissionInput build() {
      Map<String, Object> source = object != null ? object : oldObject;
      if (source != null) {
        String apiVersion = String.valueOf(source.getOrDefault("apiVersion", ""));
        String kindName = String.valueOf(source.getOrDefault("kind", ""));
        int slash = apiVersion.indexOf('/');
        String group = slash < 0 ? "" : apiVersion.substring(0, slash);
        String version = slash < 0 ? apiVersion : apiVersion.substring(slash + 1);
        if (kind == null) {
          kind = new GroupVersionKind(group, version, kindName);
        }
        if (resource == null) {
          resource = new GroupVersionResource(group, version, KnownResources.plural(kindName));
        }
        if (source.get("metadata") instanceof Map<?, ?> metadata) {
          if (name == null && metadata.get("name") instanceof String n) {
            name = n;
          }
          if (namespace == null && metadata.get("namespace") instanceof String ns) {
            namespace = ns;
          }
        }
      }
      if (kind == null || resource == null) {
        throw new IllegalStateException("an input needs an object, or a kind and a resource");
      }
      return new AdmissionInput(
          operation,
          kind,
          resource,
          subResource,
          namespace,
          name == null ? "" : name,
          object,
          oldObject,
          userInfo,
          dryRun,
          namespaceObject,
          tenant);
    }
  }
}
