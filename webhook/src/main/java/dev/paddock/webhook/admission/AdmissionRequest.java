package dev.paddock.webhook.admission;

import java.util.List;
import java.util.Map;

/**
 * One admission request as the API server sends it, without HTTP or JSON: what validators and
 * mutators see.
 *
 * @param uid the request's uid, echoed in the response
 * @param kind the object's group, version and kind
 * @param resource the resource's group, version and plural name
 * @param subResource the subresource ({@code status}, {@code scale}) or empty
 * @param name the object's name (empty for a CREATE with generateName)
 * @param namespace the namespace, empty for cluster-scoped objects
 * @param operation CREATE, UPDATE, DELETE or CONNECT
 * @param userInfo who asked
 * @param object the object after the change (null for DELETE)
 * @param oldObject the object before the change (UPDATE, DELETE), else null
 * @param dryRun true when the change will not be persisted: no side effect may happen
 */
public record AdmissionRequest(
    String uid,
    GroupVersionKind kind,
    GroupVersionResource resource,
    String subResource,
    String name,
    String namespace,
    String operation,
    UserInfo userInfo,
    Map<String, Object> object,
    Map<String, Object> oldObject,
    boolean dryRun) {

  /** The object's API group, version and kind. */
  public record GroupVersionKind(String group, String version, String kind) {
    /** {@code group/version}, or {@code version} for the core group. */
    public String apiVersion() {
      return group.isEmpty() ? version : group + "/" + version;
    }
  }

  /** The resource's API group, version and plural name. */
  public record GroupVersionResource(String group, String version, String resource) {}

  /** The requesting user. */
  public record UserInfo(
      String username, String uid, List<String> groups, Map<String, List<String>> extra) {
    public UserInfo {
      groups = groups == null ? List.of() : List.copyOf(groups);
      extra = extra == null ? Map.of() : Map.copyOf(extra);
    }
  }

  /** The object the request is about: the new one, or the old one for DELETE. */
  public Map<String, Object> subject() {
    return object != null ? object : oldObject;
  }
}
