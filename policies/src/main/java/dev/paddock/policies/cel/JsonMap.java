package dev.paddock.policies.cel;

import static org.projectnessie.cel.common.types.BoolT.False;
import static org.projectnessie.cel.common.types.IntT.intOf;
import static org.projectnessie.cel.common.types.Types.boolOf;

import java.util.HashMap;
import java.util.Map;
import org.projectnessie.cel.common.types.IteratorT;
import org.projectnessie.cel.common.types.MapT;
import org.projectnessie.cel.common.types.StringT;
import org.projectnessie.cel.common.types.TypeT;
import org.projectnessie.cel.common.types.ref.Type;
import org.projectnessie.cel.common.types.ref.TypeAdapter;
import org.projectnessie.cel.common.types.ref.Val;

/**
 * A parsed JSON object as a CEL map, converted as it is read: a field becomes a CEL value the first
 * time an expression reads it and is remembered, so a request's objects cost only the fields its
 * policies touch. Reads by a string key go straight to the JSON map; anything else (other key
 * types, iteration, equality, conversion) is answered by the eager conversion {@link Values} used
 * to make, built on first need, so results are those of the eager map.
 *
 * <p>Not thread-safe: it caches as it is read, so it belongs to one request's evaluation.
 */
final class JsonMap extends MapT {
  private final TypeAdapter adapter;
  private final Map<?, ?> source;
  private Map<String, Val> fields;
  private MapT eager;
  private int stringKeys = -1;

  JsonMap(TypeAdapter adapter, Map<?, ?> source) {
    this.adapter = adapter;
    this.source = source;
  }

  @Override
  public Val find(Val key) {
    if (key instanceof StringT) {
      String name = (String) key.value();
      if (fields != null) {
        Val known = fields.get(name);
        if (known != null) {
          return known;
        }
      }
      Object raw = source.get(name);
      if (raw == null && !source.containsKey(name)) {
        return null;
      }
      Val value = Values.toVal(adapter, raw);
      if (fields == null) {
        fields = new HashMap<>();
      }
      fields.put(name, value);
      return value;
    }
    return eager().find(key);
  }

  /** The map converted as {@link Values} converted it eagerly, sharing the fields read so far. */
  private MapT eager() {
    if (eager == null) {
      Map<Val, Val> converted = new HashMap<>(source.size() * 4 / 3 + 1);
      for (Map.Entry<?, ?> entry : source.entrySet()) {
        Val value =
            entry.getKey() instanceof String name
                ? find(StringT.stringOf(name))
                : Values.toVal(adapter, entry.getValue());
        converted.put(Values.toVal(adapter, entry.getKey()), value);
      }
      eager = (MapT) MapT.newWrappedMap(adapter, converted);
    }
    return eager;
  }

  private boolean onlyStringKeys() {
    if (stringKeys < 0) {
      stringKeys = 1;
      for (Object key : source.keySet()) {
        if (!(key instanceof String)) {
          stringKeys = 0;
          break;
        }
      }
    }
    return stringKeys == 1;
  }

  @Override
  public Val get(Val index) {
    return find(index);
  }

  @Override
  public Val contains(Val value) {
    return boolOf(find(value) != null);
  }

  @Override
  public Val size() {
    return onlyStringKeys() ? intOf(source.size()) : eager().size();
  }

  @Override
  public IteratorT iterator() {
    return eager().iterator();
  }

  @Override
  public Val equal(Val other) {
    if (!(other instanceof MapT)) {
      return False; // as the eager map answers, without converting (tenant != null)
    }
    return eager().equal(other);
  }

  @Override
  public <T> T convertToNative(Class<T> typeDesc) {
    return eager().convertToNative(typeDesc);
  }

  @Override
  public Val convertToType(Type typeValue) {
    if (typeValue == MapType) {
      return this;
    }
    if (typeValue == TypeT.TypeType) {
      return MapType;
    }
    return eager().convertToType(typeValue);
  }

  @Override
  public Object value() {
    return eager().value();
  }

  @Override
  public boolean equals(Object o) {
    if (this == o) {
      return true;
    }
    return eager().equals(o instanceof JsonMap other ? other.eager() : o);
  }

  @Override
  public int hashCode() {
    return eager().hashCode();
  }

  @Override
  public String toString() {
    return eager().toString();
  }
}
