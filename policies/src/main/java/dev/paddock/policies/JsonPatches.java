package dev.paddock.policies;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;

/**
 * JSON Patch (RFC 6902) on parsed JSON, the merge of an apply configuration, and the diff that
 * turns one object into another as add/remove/replace operations.
 */
final class JsonPatches {
  private JsonPatches() {}

  /** A patch that cannot be applied; the message says which operation and why. */
  static final class PatchException extends Exception {
    PatchException(String message) {
      super(message);
    }
  }

  /** A deep copy of parsed JSON, with maps and lists mutable. */
  @SuppressWarnings("unchecked")
  static Object deepCopy(Object value) {
    if (value instanceof Map<?, ?> map) {
      Map<String, Object> copy = new LinkedHashMap<>();
      map.forEach((k, v) -> copy.put(String.valueOf(k), deepCopy(v)));
      return copy;
    }
    if (value instanceof List<?> list) {
      List<Object> copy = new ArrayList<>(list.size());
      list.forEach(v -> copy.add(deepCopy(v)));
      return copy;
    }
    return value;
  }

  /**
   * Whether every map key in parsed JSON is a string: then {@link #deepCopy} yields an equal
   * document, and an empty patch changes nothing.
   */
  static boolean hasOnlyStringKeys(Object value) {
    if (value instanceof Map<?, ?> map) {
      for (Map.Entry<?, ?> entry : map.entrySet()) {
        if (!(entry.getKey() instanceof String) || !hasOnlyStringKeys(entry.getValue())) {
          return false;
        }
      }
    } else if (value instanceof List<?> list) {
      for (Object item : list) {
        if (!hasOnlyStringKeys(item)) {
          return false;
        }
      }
    }
    return true;
  }

  /** Applies operations in order to a copy of {@code document} and returns the copy. */
  static Object apply(Object document, List<?> operations) throws PatchException {
    Object root = deepCopy(document);
    for (int i = 0; i < operations.size(); i++) {
      if (!(operations.get(i) instanceof Map<?, ?> op)) {
        throw new PatchException("patch operation " + i + " is not an object");
      }
      root = applyOne(root, op, i);
    }
    return root;
  }

  private static Object applyOne(Object root, Map<?, ?> op, int index) throws PatchException {
    String kind = String.valueOf(op.get("op"));
    if (!(op.get("path") instanceof String path)) {
      throw new PatchException("patch operation " + index + " has no path");
    }
    List<String> tokens = pointer(path, index);
    switch (kind) {
      case "add":
        requireValue(op, index);
        return add(root, tokens, deepCopy(op.get("value")), index);
      case "remove":
        return remove(root, tokens, index, path);
      case "replace":
        requireValue(op, index);
        root = remove(root, tokens, index, path);
        return add(root, tokens, deepCopy(op.get("value")), index);
      case "test":
        if (!Objects.equals(
            normalize(get(root, tokens, index, path)), normalize(op.get("value")))) {
          throw new PatchException("patch operation " + index + ": test failed at " + path);
        }
        return root;
      case "copy":
      case "move":
        {
          if (!(op.get("from") instanceof String from)) {
            throw new PatchException("patch operation " + index + " (" + kind + ") has no from");
          }
          List<String> fromTokens = pointer(from, index);
          Object value = deepCopy(get(root, fromTokens, index, from));
          if (kind.equals("move")) {
            root = remove(root, fromTokens, index, from);
          }
          return add(root, tokens, value, index);
        }
      default:
        throw new PatchException("patch operation " + index + ": unknown op '" + kind + "'");
    }
  }

  private static void requireValue(Map<?, ?> op, int index) throws PatchException {
    if (!op.containsKey("value")) {
      throw new PatchException("patch operation " + index + " (" + op.get("op") + ") has no value");
    }
  }

  private static List<String> pointer(String path, int index) throws PatchException {
    if (path.isEmpty()) {
      return List.of();
    }
    if (!path.startsWith("/")) {
      throw new PatchException(
          "patch operation " + index + ": path '" + path + "' must start with /");
    }
    List<String> tokens = new ArrayList<>();
    for (String token : path.substring(1).split("/", -1)) {
      tokens.add(token.replace("~1", "/").replace("~0", "~"));
    }
    return tokens;
  }

  private static Object get(Object root, List<String> tokens, int index, String path)
      throws PatchException {
    Object current = root;
    for (String token : tokens) {
      current = child(current, token, index, path);
    }
    return current;
  }

  private static Object child(Object node, String token, int index, String path)
      throws PatchException {
    if (node instanceof Map<?, ?> map) {
      if (!map.containsKey(token)) {
        throw new PatchException("patch operation " + index + ": no such path " + path);
      }
      return map.get(token);
    }
    if (node instanceof List<?> list) {
      int i = listIndex(token, list.size() - 1, index, path);
      return list.get(i);
    }
    throw new PatchException("patch operation " + index + ": no such path " + path);
  }

  private static int listIndex(String token, int max, int index, String path)
      throws PatchException {
    try {
      int i = Integer.parseInt(token);
      if (i < 0 || i > max || (token.length() > 1 && token.startsWith("0"))) {
        throw new NumberFormatException();
      }
      return i;
    } catch (NumberFormatException e) {
      throw new PatchException(
          "patch operation " + index + ": index '" + token + "' out of bounds in " + path);
    }
  }

  @SuppressWarnings("unchecked")
  private static Object add(Object root, List<String> tokens, Object value, int index)
      throws PatchException {
    if (tokens.isEmpty()) {
      return value;
    }
    String path = "/" + String.join("/", tokens);
    Object parent = get(root, tokens.subList(0, tokens.size() - 1), index, path);
    String last = tokens.get(tokens.size() - 1);
    if (parent instanceof Map<?, ?> map) {
      ((Map<String, Object>) map).put(last, value);
    } else if (parent instanceof List<?> list) {
      List<Object> items = (List<Object>) list;
      if (last.equals("-")) {
        items.add(value);
      } else {
        items.add(listIndex(last, items.size(), index, path), value);
      }
    } else {
      throw new PatchException("patch operation " + index + ": no such path " + path);
    }
    return root;
  }

  @SuppressWarnings("unchecked")
  private static Object remove(Object root, List<String> tokens, int index, String path)
      throws PatchException {
    if (tokens.isEmpty()) {
      throw new PatchException("patch operation " + index + ": cannot remove the whole object");
    }
    Object parent = get(root, tokens.subList(0, tokens.size() - 1), index, path);
    String last = tokens.get(tokens.size() - 1);
    if (parent instanceof Map<?, ?> map && map.containsKey(last)) {
      map.remove(last);
    } else if (parent instanceof List<?> list) {
      ((List<Object>) list).remove(listIndex(last, list.size() - 1, index, path));
    } else {
      throw new PatchException("patch operation " + index + ": no such path " + path);
    }
    return root;
  }

  /** Numbers compare by value whatever their Java type. */
  static Object normalize(Object value) {
    if (value instanceof Integer || value instanceof Long || value instanceof Short) {
      return ((Number) value).longValue();
    }
    if (value instanceof Map<?, ?> map) {
      Map<Object, Object> copy = new LinkedHashMap<>();
      map.forEach((k, v) -> copy.put(k, normalize(v)));
      return copy;
    }
    if (value instanceof List<?> list) {
      return list.stream().map(JsonPatches::normalize).toList();
    }
    return value;
  }

  /**
   * Merges an apply configuration into an object, as server-side apply does without a schema: maps
   * merge key by key, a null value removes the key, lists of objects that all have a {@code name}
   * merge item by item by name (containers, env, volumes, ports), any other list replaces.
   */
  @SuppressWarnings("unchecked")
  static Object merge(Object target, Object patch) {
    if (patch instanceof Map<?, ?> patchMap) {
      Map<String, Object> result =
          target instanceof Map<?, ?> targetMap
              ? (Map<String, Object>) deepCopy(targetMap)
              : new LinkedHashMap<>();
      for (Map.Entry<?, ?> entry : patchMap.entrySet()) {
        String key = String.valueOf(entry.getKey());
        if (entry.getValue() == null) {
          result.remove(key);
        } else {
          result.put(key, merge(result.get(key), entry.getValue()));
        }
      }
      return result;
    }
    if (patch instanceof List<?> patchList
        && target instanceof List<?> targetList
        && isNamedList(patchList)
        && isNamedList(targetList)) {
      List<Object> result = (List<Object>) deepCopy(targetList);
      for (Object item : patchList) {
        Object name = ((Map<?, ?>) item).get("name");
        int found = -1;
        for (int i = 0; i < result.size(); i++) {
          if (Objects.equals(((Map<?, ?>) result.get(i)).get("name"), name)) {
            found = i;
            break;
          }
        }
        if (found < 0) {
          result.add(deepCopy(item));
        } else {
          result.set(found, merge(result.get(found), item));
        }
      }
      return result;
    }
    return deepCopy(patch);
  }

  private static boolean isNamedList(List<?> list) {
    return list.stream().allMatch(i -> i instanceof Map<?, ?> m && m.get("name") != null);
  }

  /** The add/remove/replace operations that turn {@code from} into {@code to}. */
  static List<Map<String, Object>> diff(Object from, Object to) {
    List<Map<String, Object>> ops = new ArrayList<>();
    diff("", from, to, ops);
    return ops;
  }

  private static void diff(String path, Object from, Object to, List<Map<String, Object>> ops) {
    if (Objects.equals(normalize(from), normalize(to))) {
      return;
    }
    if (from instanceof Map<?, ?> a && to instanceof Map<?, ?> b) {
      for (Map.Entry<?, ?> entry : a.entrySet()) {
        String childPath = path + "/" + escape(String.valueOf(entry.getKey()));
        if (!b.containsKey(entry.getKey())) {
          ops.add(op("remove", childPath, null, false));
        } else {
          diff(childPath, entry.getValue(), b.get(entry.getKey()), ops);
        }
      }
      for (Map.Entry<?, ?> entry : b.entrySet()) {
        if (!a.containsKey(entry.getKey())) {
          ops.add(
              op(
                  "add",
                  path + "/" + escape(String.valueOf(entry.getKey())),
                  entry.getValue(),
                  true));
        }
      }
      return;
    }
    if (from instanceof List<?> a && to instanceof List<?> b && a.size() == b.size()) {
      for (int i = 0; i < a.size(); i++) {
        diff(path + "/" + i, a.get(i), b.get(i), ops);
      }
      return;
    }
    if (from instanceof List<?> a
        && to instanceof List<?> b
        && a.size() < b.size()
        && Objects.equals(normalize(a), normalize(b.subList(0, a.size())))) {
      for (int i = a.size(); i < b.size(); i++) {
        ops.add(op("add", path + "/-", b.get(i), true));
      }
      return;
    }
    ops.add(op("replace", path, to, true));
  }

  private static Map<String, Object> op(String kind, String path, Object value, boolean withValue) {
    Map<String, Object> op = new LinkedHashMap<>();
    op.put("op", kind);
    op.put("path", path);
    if (withValue) {
      op.put("value", value);
    }
    return op;
  }

  private static String escape(String token) {
    return token.replace("~", "~0").replace("/", "~1");
  }
}
