package dev.paddock.policies.cel;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.projectnessie.cel.Program;
import org.projectnessie.cel.common.types.Err;
import org.projectnessie.cel.common.types.MapT;
import org.projectnessie.cel.common.types.pb.ProtoTypeRegistry;
import org.projectnessie.cel.common.types.ref.TypeAdapter;
import org.projectnessie.cel.common.types.ref.Val;

/**
 * Objects converted as they are read answer every expression as the eager conversion did: field
 * reads, missing keys, has() on a present null, size, iteration, equality (with each other and with
 * eagerly converted maps), non-string keys.
 */
class JsonMapTest {
  private static final CelEnvironment CEL = new CelEnvironment();
  private static final TypeAdapter ADAPTER = ProtoTypeRegistry.newRegistry();

  private static Map<String, Object> object() {
    Map<String, Object> labels = new LinkedHashMap<>();
    labels.put("app", "agent");
    labels.put("tier", "1");
    Map<String, Object> metadata = new LinkedHashMap<>();
    metadata.put("name", "s");
    metadata.put("labels", labels);
    metadata.put("annotations", null);
    Map<Object, Object> odd = new HashMap<>();
    odd.put(1, "one");
    odd.put("1", "string one");
    odd.put(true, "yes");
    Map<String, Object> spec = new LinkedHashMap<>();
    spec.put("replicas", 3);
    spec.put("ratio", 0.5);
    spec.put("big", 12345678901L);
    spec.put("items", List.of(Map.of("name", "a"), Map.of("name", "b", "ports", List.of(80))));
    spec.put("odd", odd);
    Map<String, Object> object = new LinkedHashMap<>();
    object.put("metadata", metadata);
    object.put("spec", spec);
    return object;
  }

  /** The map as Values converted it before it became lazy: deeply, at once (same capacity). */
  private static Val eager(Object value) {
    if (value instanceof Map<?, ?> map) {
      Map<Val, Val> converted = new HashMap<>(map.size() * 4 / 3 + 1);
      map.forEach((k, v) -> converted.put(eager(k), eager(v)));
      return MapT.newWrappedMap(ADAPTER, converted);
    }
    if (value instanceof List<?> list) {
      return org.projectnessie.cel.common.types.ListT.newValArrayList(
          ADAPTER, list.stream().map(JsonMapTest::eager).toArray(Val[]::new));
    }
    return Values.toVal(ADAPTER, value);
  }

  private static String eval(String expression, Val object, Val other) {
    CelEnvironment.Compiled compiled = CEL.compile(expression, CelEnvironment.ResultType.ANY);
    assertThat(compiled.problems()).isEmpty();
    Program program = compiled.program();
    Val result =
        program
            .eval(
                Map.of(
                    "object",
                    object,
                    "oldObject",
                    other,
                    "request",
                    org.projectnessie.cel.common.types.NullT.NullValue))
            .getVal();
    return Err.isError(result) ? "error: " + result : String.valueOf(Values.toJson(result));
  }

  @Test
  void lazyMapsAnswerAsTheEagerConversion() {
    List<String> expressions =
        List.of(
            "object.metadata.name",
            "object.metadata.labels",
            "object.metadata.labels.app",
            "has(object.metadata.labels.app)",
            "has(object.metadata.labels.missing)",
            "has(object.metadata.annotations)",
            "object.metadata.annotations == null",
            "object.metadata.missing",
            "object.metadata.labels['tier']",
            "'app' in object.metadata.labels",
            "'nope' in object.metadata.labels",
            "size(object.metadata.labels)",
            "size(object.spec.odd)",
            "object.spec.odd[1]",
            "object.spec.odd['1']",
            "object.spec.odd[true]",
            "1 in object.spec.odd",
            "object.spec.replicas + 1",
            "object.spec.ratio * 2.0",
            "object.spec.big",
            "object.spec.items.map(i, i.name)",
            "object.spec.items.exists(i, has(i.ports) && 80 in i.ports)",
            "object.metadata.labels.all(k, k.size() > 2)",
            "object.metadata.labels.map(k, k)",
            "object.metadata.labels == {'app': 'agent', 'tier': '1'}",
            "object.metadata.labels == {'app': 'agent'}",
            "object.metadata.labels != null",
            "object.metadata == oldObject.metadata",
            "object.spec == oldObject.spec",
            "object.spec.items == oldObject.spec.items",
            "object.spec.items[1] in oldObject.spec.items",
            "[object.metadata.labels] == [oldObject.metadata.labels]",
            "object.spec.odd == oldObject.spec.odd",
            "object.metadata.labels.app.size() + object.metadata.labels.app.size()");
    Map<String, Object> source = object();
    for (String expression : expressions) {
      String expected = eval(expression, eager(source), eager(object()));
      // a fresh lazy map, one read already (the cache), and lazy against lazy
      assertThat(eval(expression, Values.toVal(ADAPTER, source), eager(object())))
          .as(expression)
          .isEqualTo(expected);
      Val warm = Values.toVal(ADAPTER, source);
      eval(expression, warm, eager(object()));
      assertThat(eval(expression, warm, Values.toVal(ADAPTER, object())))
          .as(expression + " (read before, lazy on both sides)")
          .isEqualTo(expected);
    }
    assertThat(source).isEqualTo(object());
  }
}
