package dev.paddock.policies.cel;

import static org.projectnessie.cel.common.types.DoubleT.doubleOf;
import static org.projectnessie.cel.common.types.IntT.intOf;
import static org.projectnessie.cel.common.types.StringT.stringOf;
import static org.projectnessie.cel.common.types.Types.boolOf;

import java.math.BigDecimal;
import java.math.BigInteger;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.projectnessie.cel.common.types.Err;
import org.projectnessie.cel.common.types.IterableT;
import org.projectnessie.cel.common.types.IteratorT;
import org.projectnessie.cel.common.types.ListT;
import org.projectnessie.cel.common.types.NullT;
import org.projectnessie.cel.common.types.ref.TypeAdapter;
import org.projectnessie.cel.common.types.ref.TypeEnum;
import org.projectnessie.cel.common.types.ref.Val;
import org.projectnessie.cel.common.types.traits.Lister;
import org.projectnessie.cel.common.types.traits.Mapper;

/**
 * Converts parsed JSON to CEL values, and back. cel-tools' own adapter converts a Java map again
 * every time a variable holding it is read, which dominated evaluation time; a request converts its
 * objects here once and every expression of every policy reads the same values. Objects are
 * converted as they are read ({@link JsonMap}: a field the policies never touch costs nothing), so
 * the values of a request are not thread-safe: one request, one thread.
 */
public final class Values {
  private Values() {}

  /**
   * A CEL value for parsed JSON (maps, lists, strings, booleans, numbers, null). Lists are
   * converted at once, element by element; maps as they are read.
   */
  public static Val toVal(TypeAdapter adapter, Object value) {
    if (value == null) {
      return NullT.NullValue;
    }
    if (value instanceof Val val) {
      return val;
    }
    if (value instanceof String s) {
      return stringOf(s);
    }
    if (value instanceof Boolean b) {
      return boolOf(b);
    }
    if (value instanceof Integer || value instanceof Long || value instanceof Short) {
      return intOf(((Number) value).longValue());
    }
    if (value instanceof Double || value instanceof Float) {
      return doubleOf(((Number) value).doubleValue());
    }
    if (value instanceof BigInteger big) {
      return big.bitLength() < 64 ? intOf(big.longValue()) : doubleOf(big.doubleValue());
    }
    if (value instanceof BigDecimal dec) {
      return doubleOf(dec.doubleValue());
    }
    if (value instanceof Map<?, ?> map) {
      return new JsonMap(adapter, map);
    }
    if (value instanceof List<?> list) {
      Val[] converted = new Val[list.size()];
      for (int i = 0; i < converted.length; i++) {
        converted[i] = toVal(adapter, list.get(i));
      }
      return ListT.newValArrayList(adapter, converted);
    }
    return adapter.nativeToValue(value);
  }

  /**
   * Parsed JSON for a CEL value: maps become {@code LinkedHashMap<String, Object>}, lists {@code
   * ArrayList}, numbers {@code Long} or {@code Double}. Returns an {@link Err} value's message as
   * an {@link IllegalArgumentException}.
   */
  public static Object toJson(Val value) {
    if (value == null || value.type().typeEnum() == TypeEnum.Null) {
      return null;
    }
    if (value instanceof Err err) {
      throw new IllegalArgumentException(err.toString());
    }
    switch (value.type().typeEnum()) {
      case Bool:
        return value.booleanValue();
      case Int:
      case Uint:
        return value.intValue();
      case Double:
        return value.value();
      case String:
        return value.value().toString();
      case Bytes:
      case Timestamp:
      case Duration:
        return value
            .convertToType(org.projectnessie.cel.common.types.StringT.StringType)
            .value()
            .toString();
      default:
        break;
    }
    if (value instanceof Mapper mapper) {
      Map<String, Object> map = new LinkedHashMap<>();
      IteratorT keys = ((IterableT) mapper).iterator();
      while (keys.hasNext().booleanValue()) {
        Val key = keys.next();
        map.put(key.value().toString(), toJson(mapper.get(key)));
      }
      return map;
    }
    if (value instanceof Lister lister) {
      long size = lister.size().intValue();
      List<Object> list = new ArrayList<>((int) size);
      for (long i = 0; i < size; i++) {
        list.add(toJson(lister.get(intOf(i))));
      }
      return list;
    }
    Object nativeValue = value.value();
    if (nativeValue instanceof String
        || nativeValue instanceof Number
        || nativeValue instanceof Boolean) {
      return nativeValue;
    }
    return String.valueOf(value);
  }
}
