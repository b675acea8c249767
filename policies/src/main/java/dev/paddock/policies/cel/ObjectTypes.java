package dev.paddock.policies.cel;

import static org.projectnessie.cel.common.types.StringT.stringOf;

import java.util.HashMap;
import java.util.Map;
import org.projectnessie.cel.checker.Decls;
import org.projectnessie.cel.common.types.MapT;
import org.projectnessie.cel.common.types.ref.FieldType;
import org.projectnessie.cel.common.types.ref.TypeAdapter;
import org.projectnessie.cel.common.types.ref.TypeProvider;
import org.projectnessie.cel.common.types.ref.Val;

/**
 * The object types MutatingAdmissionPolicy expressions construct: {@code Object{...}}, {@code
 * Object.spec.template{...}} and so on for apply configurations, and {@code JSONPatch{op, path,
 * from, value}}. Each becomes a plain CEL map of its fields; every field is dynamically typed.
 */
final class ObjectTypes implements TypeProvider {
  private final TypeProvider delegate;
  private final TypeAdapter adapter;

  ObjectTypes(TypeProvider delegate, TypeAdapter adapter) {
    this.delegate = delegate;
    this.adapter = adapter;
  }

  static boolean isObjectType(String typeName) {
    return typeName.equals("Object")
        || typeName.startsWith("Object.")
        || typeName.equals("JSONPatch");
  }

  @Override
  public Val enumValue(String enumName) {
    return delegate.enumValue(enumName);
  }

  @Override
  public Val findIdent(String identName) {
    return delegate.findIdent(identName);
  }

  @Override
  public com.google.api.expr.v1alpha1.Type findType(String typeName) {
    if (isObjectType(typeName)) {
      return Decls.newTypeType(Decls.newObjectType(typeName));
    }
    return delegate.findType(typeName);
  }

  @Override
  public FieldType findFieldType(String messageType, String fieldName) {
    if (isObjectType(messageType)) {
      return new FieldType(
          Decls.Dyn,
          target -> target instanceof Map<?, ?> m && m.containsKey(fieldName),
          target -> target instanceof Map<?, ?> m ? m.get(fieldName) : null);
    }
    return delegate.findFieldType(messageType, fieldName);
  }

  @Override
  public Val newValue(String typeName, Map<String, Val> fields) {
    if (isObjectType(typeName)) {
      Map<Val, Val> map = new HashMap<>();
      fields.forEach((name, value) -> map.put(stringOf(name), value));
      return MapT.newWrappedMap(adapter, map);
    }
    return delegate.newValue(typeName, fields);
  }
}
