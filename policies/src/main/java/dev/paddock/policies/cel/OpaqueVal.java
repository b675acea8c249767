package dev.paddock.policies.cel;

import static org.projectnessie.cel.common.types.Err.newTypeConversionError;

import org.projectnessie.cel.common.types.StringT;
import org.projectnessie.cel.common.types.TypeT;
import org.projectnessie.cel.common.types.Types;
import org.projectnessie.cel.common.types.ref.BaseVal;
import org.projectnessie.cel.common.types.ref.Type;
import org.projectnessie.cel.common.types.ref.Val;

/**
 * A value of one of the Kubernetes library types (Quantity, IP, CIDR, URL, Semver, Format): it
 * equals another of its type with the same canonical form and converts to its string.
 */
abstract class OpaqueVal extends BaseVal {
  private final Type type;

  OpaqueVal(Type type) {
    this.type = type;
  }

  static Type typeNamed(String name) {
    return TypeT.newObjectTypeValue(name);
  }

  /** The text {@code string(value)} gives. */
  abstract String text();

  /** Whether two values of this type are equal. */
  abstract boolean sameAs(OpaqueVal other);

  @Override
  public Type type() {
    return type;
  }

  @Override
  public Object value() {
    return this;
  }

  @Override
  @SuppressWarnings("unchecked")
  public <T> T convertToNative(Class<T> typeDesc) {
    if (typeDesc == String.class || typeDesc == Object.class) {
      return (T) text();
    }
    throw new IllegalArgumentException(
        "cannot convert " + type.typeName() + " to " + typeDesc.getName());
  }

  @Override
  public Val convertToType(Type typeValue) {
    if (typeValue == StringT.StringType) {
      return StringT.stringOf(text());
    }
    if (typeValue == TypeT.TypeType) {
      return type;
    }
    if (typeValue.typeName().equals(type.typeName())) {
      return this;
    }
    return newTypeConversionError(type, typeValue);
  }

  @Override
  public Val equal(Val other) {
    return Types.boolOf(other instanceof OpaqueVal o && o.getClass() == getClass() && sameAs(o));
  }

  @Override
  public int hashCode() {
    return text().hashCode();
  }

  @Override
  public String toString() {
    return type.typeName() + "(" + text() + ")";
  }
}
