package dev.paddock.policies;

import dev.paddock.policies.cel.Values;
import java.util.LinkedHashMap;
import java.util.Map;
import org.projectnessie.cel.common.types.NullT;
import org.projectnessie.cel.common.types.pb.ProtoTypeRegistry;
import org.projectnessie.cel.common.types.ref.TypeAdapter;
import org.projectnessie.cel.common.types.ref.Val;
import org.projectnessie.cel.interpreter.ResolvedValue;

/**
 * A request's objects as CEL values, shared by every policy it meets: each is converted the first
 * time an expression reads it (and then only as deep as expressions read), so a variable no policy
 * reads ({@code tenant}, {@code oldObject}, ...) costs nothing. One request, one thread.
 */
final class RequestValues {
  static final TypeAdapter ADAPTER = ProtoTypeRegistry.newRegistry();

  private final AdmissionInput input;
  private ResolvedValue oldObject;
  private ResolvedValue request;
  private ResolvedValue namespaceObject;
  private ResolvedValue tenant;

  RequestValues(AdmissionInput input) {
    this.input = input;
  }

  ResolvedValue oldObject() {
    if (oldObject == null) {
      oldObject = resolved(input.oldObject());
    }
    return oldObject;
  }

  ResolvedValue request() {
    if (request == null) {
      request = resolved(requestMap(input));
    }
    return request;
  }

  ResolvedValue namespaceObject() {
    if (namespaceObject == null) {
      namespaceObject = resolved(input.namespaceObject());
    }
    return namespaceObject;
  }

  ResolvedValue tenant() {
    if (tenant == null) {
      tenant = resolved(input.tenant());
    }
    return tenant;
  }

  static Val toVal(Object value) {
    return value == null ? NullT.NullValue : Values.toVal(ADAPTER, value);
  }

  private static ResolvedValue resolved(Object value) {
    return value == null ? ResolvedValue.NULL_VALUE : ResolvedValue.resolvedValue(toVal(value));
  }

  /** The fields of an AdmissionReview request that VAP exposes as {@code request}. */
  static Map<String, Object> requestMap(AdmissionInput input) {
    Map<String, Object> kind = new LinkedHashMap<>();
    kind.put("group", input.kind().group());
    kind.put("version", input.kind().version());
    kind.put("kind", input.kind().kind());
    Map<String, Object> resource = new LinkedHashMap<>();
    resource.put("group", input.resource().group());
    resource.put("version", input.resource().version());
    resource.put("resource", input.resource().resource());
    Map<String, Object> request = new LinkedHashMap<>();
    request.put("kind", kind);
    request.put("resource", resource);
    request.put("subResource", input.subResource() == null ? "" : input.subResource());
    request.put("requestKind", kind);
    request.put("requestResource", resource);
    request.put("requestSubResource", input.subResource() == null ? "" : input.subResource());
    request.put("name", input.name() == null ? "" : input.name());
    request.put("namespace", input.namespace() == null ? "" : input.namespace());
    request.put("operation", input.operation());
    request.put("userInfo", input.userInfo());
    request.put("dryRun", input.dryRun());
    return request;
  }
}
