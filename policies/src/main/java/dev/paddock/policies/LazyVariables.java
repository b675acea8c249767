package dev.paddock.policies;

import static org.projectnessie.cel.common.types.Err.newErr;
import static org.projectnessie.cel.common.types.Err.noSuchKey;

import java.util.List;
import org.projectnessie.cel.common.types.IntT;
import org.projectnessie.cel.common.types.IteratorT;
import org.projectnessie.cel.common.types.MapT;
import org.projectnessie.cel.common.types.StringT;
import org.projectnessie.cel.common.types.TypeT;
import org.projectnessie.cel.common.types.ref.Type;
import org.projectnessie.cel.common.types.ref.Val;
import org.projectnessie.cel.interpreter.Activation;

/**
 * {@code variables} as CEL sees it: each variable is evaluated the first time an expression reads
 * it, then remembered for the rest of the policy's evaluation (errors included), as Kubernetes
 * does.
 */
final class LazyVariables extends MapT {
  private final List<CompiledPolicy.Variable> definitions;
  private final Val[] values;
  private final boolean[] evaluating;
  private Activation activation;

  LazyVariables(List<CompiledPolicy.Variable> definitions) {
    this.definitions = definitions;
    this.values = new Val[definitions.size()];
    this.evaluating = new boolean[definitions.size()];
  }

  void bind(Activation activation) {
    this.activation = activation;
  }

  @Override
  public Val find(Val key) {
    if (!(key instanceof StringT)) {
      return null;
    }
    String name = (String) key.value();
    for (int i = 0; i < values.length; i++) {
      if (definitions.get(i).name().equals(name)) {
        return valueAt(i);
      }
    }
    return null;
  }

  private Val valueAt(int i) {
    Val value = values[i];
    if (value != null) {
      return value;
    }
    if (evaluating[i]) {
      return newErr("variable '%s' refers to itself", definitions.get(i).name());
    }
    evaluating[i] = true;
    try {
      value = definitions.get(i).expression().program().eval(activation).getVal();
    } finally {
      evaluating[i] = false;
    }
    values[i] = value;
    return value;
  }

  @Override
  public Val get(Val index) {
    Val value = find(index);
    return value != null ? value : noSuchKey(index);
  }

  @Override
  public Val contains(Val value) {
    return org.projectnessie.cel.common.types.Types.boolOf(find(value) != null);
  }

  @Override
  public Val size() {
    return IntT.intOf(values.length);
  }

  @Override
  public IteratorT iterator() {
    return IteratorT.javaIterator(
        null, definitions.stream().map(v -> StringT.stringOf(v.name())).iterator());
  }

  @Override
  public <T> T convertToNative(Class<T> typeDesc) {
    throw new UnsupportedOperationException("variables cannot be converted");
  }

  @Override
  public Val convertToType(Type typeValue) {
    if (typeValue == MapType) {
      return this;
    }
    if (typeValue == TypeT.TypeType) {
      return MapType;
    }
    return newErr("type conversion error from map to '%s'", typeValue);
  }

  @Override
  public Val equal(Val other) {
    return org.projectnessie.cel.common.types.Types.boolOf(this == other);
  }

  @Override
  public Object value() {
    return this;
  }
}
