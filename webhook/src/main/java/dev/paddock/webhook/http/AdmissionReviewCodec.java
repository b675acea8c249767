package dev.paddock.webhook.http;

import com.fasterxml.jackson.core.JsonFactory;
import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.core.StreamReadConstraints;
import com.fasterxml.jackson.core.exc.StreamConstraintsException;
import com.fasterxml.jackson.core.type.TypeReference;
import com.fasterxml.jackson.databind.DeserializationFeature;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.paddock.webhook.admission.AdmissionRequest;
import dev.paddock.webhook.admission.AdmissionRequest.GroupVersionKind;
import dev.paddock.webhook.admission.AdmissionRequest.GroupVersionResource;
import dev.paddock.webhook.admission.AdmissionRequest.UserInfo;
import dev.paddock.webhook.admission.AdmissionResult;
import io.fabric8.zjsonpatch.DiffFlags;
import io.fabric8.zjsonpatch.JsonDiff;
import java.io.IOException;
import java.util.ArrayList;
import java.util.Base64;
import java.util.EnumSet;
import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.function.Predicate;

/**
 * Maps AdmissionReview JSON ({@code admission.k8s.io/v1}) to {@link AdmissionRequest} and an {@link
 * AdmissionResult} back to a response review. Everything malformed becomes a {@link
 * BadReviewException} naming what is wrong; nothing here throws anything else for any input.
 */
public final class AdmissionReviewCodec {
  public static final String API_VERSION = "admission.k8s.io/v1";
  private static final Set<String> OPERATIONS = Set.of("CREATE", "UPDATE", "DELETE", "CONNECT");
  private static final TypeReference<Map<String, Object>> MAP = new TypeReference<>() {};
  private static final EnumSet<DiffFlags> PATCH_FLAGS =
      EnumSet.of(
          DiffFlags.OMIT_MOVE_OPERATION,
          DiffFlags.OMIT_COPY_OPERATION,
          DiffFlags.OMIT_VALUE_ON_REMOVE);

  private final ObjectMapper mapper;
  private final int maxNestingDepth;
  private final Predicate<GroupVersionKind> acceptedKinds;

  /** A review parsed: the request, and the original object JSON to diff a mutation against. */
  public record ParsedReview(AdmissionRequest request, JsonNode objectJson) {}

  /**
   * @param maxNestingDepth the deepest JSON nesting accepted (objects and arrays)
   * @param acceptedKinds which kinds this server admits; others are refused with 400
   */
  public AdmissionReviewCodec(int maxNestingDepth, Predicate<GroupVersionKind> acceptedKinds) {
    this.maxNestingDepth = maxNestingDepth;
    this.acceptedKinds = acceptedKinds;
    JsonFactory factory =
        JsonFactory.builder()
            .streamReadConstraints(
                StreamReadConstraints.builder()
                    .maxNestingDepth(maxNestingDepth)
                    .maxNumberLength(100)
                    .maxStringLength(1 << 20)
                    .maxNameLength(1 << 14)
                    .build())
            .build();
    this.mapper = new ObjectMapper(factory).enable(DeserializationFeature.FAIL_ON_TRAILING_TOKENS);
  }

  public ObjectMapper mapper() {
    return mapper;
  }

  /** Parses and checks one review body. */
  public ParsedReview parse(byte[] body) throws BadReviewException {
    if (body.length == 0) {
      throw bad("request body is empty: expected an AdmissionReview");
    }
    JsonNode root;
    try {
      root = mapper.readTree(body);
    } catch (StreamConstraintsException e) {
      throw bad(
          "request body exceeds JSON limits (at most "
              + maxNestingDepth
              + " levels of nesting): "
              + shortMessage(e));
    } catch (JsonProcessingException e) {
      throw bad("request body is not valid JSON: " + shortMessage(e));
    } catch (IOException | RuntimeException e) {
      throw bad("request body is not readable JSON");
    }
    if (root == null || !root.isObject()) {
      throw bad("request body is not a JSON object: expected an AdmissionReview");
    }
    String apiVersion = text(root, "apiVersion", "");
    String kind = text(root, "kind", "");
    if (!"AdmissionReview".equals(kind)) {
      throw bad("kind must be AdmissionReview, got '" + clip(kind) + "'");
    }
    if (!API_VERSION.equals(apiVersion)) {
      throw bad("apiVersion must be " + API_VERSION + ", got '" + clip(apiVersion) + "'");
    }
    JsonNode request = root.get("request");
    if (request == null || !request.isObject()) {
      throw bad("AdmissionReview has no request object");
    }
    String uid = text(request, "uid", "request.uid");
    if (uid.isBlank()) {
      throw bad("request.uid is required");
    }
    String operation = text(request, "operation", "request.operation");
    if (!OPERATIONS.contains(operation)) {
      throw bad(
          "request.operation must be one of CREATE, UPDATE, DELETE, CONNECT, got '"
              + clip(operation)
              + "'");
    }
    GroupVersionKind gvk = gvk(request);
    if (!acceptedKinds.test(gvk)) {
      throw bad(
          "kind "
              + clip(gvk.apiVersion())
              + "/"
              + clip(gvk.kind())
              + " is not admitted by this webhook; check the webhook's rules");
    }
    GroupVersionResource gvr = gvr(request);
    JsonNode object = optionalObject(request, "object");
    JsonNode oldObject = optionalObject(request, "oldObject");
    if (object == null && ("CREATE".equals(operation) || "UPDATE".equals(operation))) {
      throw bad("request.object is required for " + operation);
    }
    JsonNode subject = object != null ? object : oldObject;
    if (subject != null) {
      checkObjectKind(subject, gvk);
    }
    JsonNode dryRun = request.get("dryRun");
    if (dryRun != null && !dryRun.isNull() && !dryRun.isBoolean()) {
      throw bad("request.dryRun must be a boolean");
    }
    try {
      AdmissionRequest parsed =
          new AdmissionRequest(
              uid,
              gvk,
              gvr,
              optionalText(request, "subResource"),
              optionalText(request, "name"),
              optionalText(request, "namespace"),
              operation,
              userInfo(request),
              object == null ? null : mapper.convertValue(object, MAP),
              oldObject == null ? null : mapper.convertValue(oldObject, MAP),
              dryRun != null && dryRun.asBoolean());
      return new ParsedReview(parsed, object);
    } catch (IllegalArgumentException e) {
      throw bad("request is not a well-formed AdmissionRequest: " + shortMessage(e));
    }
  }

  /** The response review for {@code result}; a mutation becomes a base64 JSONPatch. */
  public byte[] response(ParsedReview review, AdmissionResult result) {
    ObjectNode root = JsonNodeFactory.instance.objectNode();
    root.put("apiVersion", API_VERSION);
    root.put("kind", "AdmissionReview");
    ObjectNode response = root.putObject("response");
    response.put("uid", review.request().uid());
    response.put("allowed", result.allowed());
    if (!result.allowed()) {
      ObjectNode status = response.putObject("status");
      status.put("status", "Failure");
      status.put("code", result.code() == 0 || result.code() == 200 ? 403 : result.code());
      status.put("reason", result.reason() == null ? "Forbidden" : result.reason());
      if (result.message() != null) {
        status.put("message", result.message());
      }
    }
    if (!result.warnings().isEmpty()) {
      ArrayNode warnings = response.putArray("warnings");
      result.warnings().forEach(warnings::add);
    }
    if (!result.auditAnnotations().isEmpty()) {
      ObjectNode annotations = response.putObject("auditAnnotations");
      result.auditAnnotations().forEach(annotations::put);
    }
    if (result.allowed() && result.patchedObject() != null && review.objectJson() != null) {
      JsonNode patch = patchFor(review.objectJson(), result.patchedObject());
      if (patch.size() > 0) {
        response.put("patchType", "JSONPatch");
        response.put("patch", Base64.getEncoder().encodeToString(write(patch)));
      }
    }
    return write(root);
  }

  /** A JSONPatch (add, remove, replace only) that turns {@code original} into {@code patched}. */
  public JsonNode patchFor(JsonNode original, Map<String, Object> patched) {
    return JsonDiff.asJson(original, mapper.valueToTree(patched), PATCH_FLAGS);
  }

  /** A Kubernetes Status document for an error answered outside of a review. */
  public byte[] status(int code, String reason, String message) {
    ObjectNode status = JsonNodeFactory.instance.objectNode();
    status.put("apiVersion", "v1");
    status.put("kind", "Status");
    status.put("status", "Failure");
    status.put("code", code);
    status.put("reason", reason);
    status.put("message", message);
    return write(status);
  }

  private byte[] write(JsonNode node) {
    try {
      return mapper.writeValueAsBytes(node);
    } catch (JsonProcessingException e) {
      throw new IllegalStateException("cannot write JSON", e);
    }
  }

  private void checkObjectKind(JsonNode subject, GroupVersionKind gvk) throws BadReviewException {
    JsonNode kind = subject.get("kind");
    JsonNode apiVersion = subject.get("apiVersion");
    if (kind != null && !kind.isNull()) {
      if (!kind.isTextual() || !kind.asText().equals(gvk.kind())) {
        throw bad(
            "the object is a '"
                + clip(kind.asText())
                + "' but request.kind says "
                + clip(gvk.kind()));
      }
    }
    if (apiVersion != null && !apiVersion.isNull()) {
      if (!apiVersion.isTextual() || !apiVersion.asText().equals(gvk.apiVersion())) {
        throw bad(
            "the object's apiVersion '"
                + clip(apiVersion.asText())
                + "' differs from request.kind's "
                + clip(gvk.apiVersion()));
      }
    }
    JsonNode metadata = subject.get("metadata");
    if (metadata == null || metadata.isNull()) {
      return;
    }
    if (!metadata.isObject()) {
      throw bad("the object's metadata must be a JSON object");
    }
    // selectors and policies read these as strings, as the API server guarantees them
    for (String field : List.of("name", "namespace", "generateName")) {
      JsonNode value = metadata.get(field);
      if (value != null && !value.isNull() && !value.isTextual()) {
        throw bad("metadata." + field + " must be a string");
      }
    }
    for (String field : List.of("labels", "annotations")) {
      JsonNode map = metadata.get(field);
      if (map == null || map.isNull()) {
        continue;
      }
      if (!map.isObject()) {
        throw bad("metadata." + field + " must be a map of strings");
      }
      Iterator<JsonNode> values = map.elements();
      while (values.hasNext()) {
        if (!values.next().isTextual()) {
          throw bad("metadata." + field + " must be a map of strings");
        }
      }
    }
  }

  private GroupVersionKind gvk(JsonNode request) throws BadReviewException {
    JsonNode kind = request.get("kind");
    if (kind == null || !kind.isObject()) {
      throw bad("request.kind is required: {group, version, kind}");
    }
    String k = text(kind, "kind", "request.kind.kind");
    String version = text(kind, "version", "request.kind.version");
    if (k.isBlank() || version.isBlank()) {
      throw bad("request.kind needs a kind and a version");
    }
    return new GroupVersionKind(optionalText(kind, "group"), version, k);
  }

  private GroupVersionResource gvr(JsonNode request) throws BadReviewException {
    JsonNode resource = request.get("resource");
    if (resource == null || !resource.isObject()) {
      throw bad("request.resource is required: {group, version, resource}");
    }
    String r = text(resource, "resource", "request.resource.resource");
    if (r.isBlank()) {
      throw bad("request.resource.resource is required");
    }
    return new GroupVersionResource(
        optionalText(resource, "group"), optionalText(resource, "version"), r);
  }

  private UserInfo userInfo(JsonNode request) throws BadReviewException {
    JsonNode user = request.get("userInfo");
    if (user == null || user.isNull()) {
      return new UserInfo("", "", List.of(), Map.of());
    }
    if (!user.isObject()) {
      throw bad("request.userInfo must be a JSON object");
    }
    return new UserInfo(
        optionalText(user, "username"),
        optionalText(user, "uid"),
        strings(user.get("groups"), "request.userInfo.groups"),
        extra(user.get("extra")));
  }

  private Map<String, List<String>> extra(JsonNode extra) throws BadReviewException {
    if (extra == null || extra.isNull()) {
      return Map.of();
    }
    if (!extra.isObject()) {
      throw bad("request.userInfo.extra must be a JSON object");
    }
    Map<String, List<String>> out = new LinkedHashMap<>();
    Iterator<Map.Entry<String, JsonNode>> fields = extra.fields();
    while (fields.hasNext()) {
      Map.Entry<String, JsonNode> field = fields.next();
      out.put(field.getKey(), strings(field.getValue(), "request.userInfo.extra"));
    }
    return out;
  }

  private List<String> strings(JsonNode array, String where) throws BadReviewException {
    if (array == null || array.isNull()) {
      return List.of();
    }
    if (!array.isArray()) {
      throw bad(where + " must be a list of strings");
    }
    List<String> out = new ArrayList<>();
    for (JsonNode item : array) {
      if (!item.isTextual()) {
        throw bad(where + " must be a list of strings");
      }
      out.add(item.asText());
    }
    return out;
  }

  private static JsonNode optionalObject(JsonNode parent, String field) throws BadReviewException {
    JsonNode node = parent.get(field);
    if (node == null || node.isNull()) {
      return null;
    }
    if (!node.isObject()) {
      throw bad("request." + field + " must be a JSON object");
    }
    return node;
  }

  /** A required string field (blank when {@code where} is empty and it is missing). */
  private static String text(JsonNode parent, String field, String where)
      throws BadReviewException {
    JsonNode node = parent.get(field);
    if (node == null || node.isNull()) {
      if (where.isEmpty()) {
        return "";
      }
      throw bad(where + " is required");
    }
    if (!node.isTextual()) {
      throw bad((where.isEmpty() ? field : where) + " must be a string");
    }
    return node.asText();
  }

  private static String optionalText(JsonNode parent, String field) throws BadReviewException {
    JsonNode node = parent.get(field);
    if (node == null || node.isNull()) {
      return "";
    }
    if (!node.isTextual()) {
      throw bad(field + " must be a string");
    }
    return node.asText();
  }

  private static String shortMessage(Exception e) {
    String message =
        e instanceof JsonProcessingException json ? json.getOriginalMessage() : e.getMessage();
    if (message == null) {
      return e.getClass().getSimpleName();
    }
    String line = message.lines().findFirst().orElse("");
    return clip(line);
  }

  private static String clip(String text) {
    return text.length() > 160 ? text.substring(0, 160) + "..." : text;
  }

  private static BadReviewException bad(String message) {
    return new BadReviewException(400, "BadRequest", message);
  }
}
