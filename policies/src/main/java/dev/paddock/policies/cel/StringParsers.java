package dev.paddock.policies.cel;

import static org.projectnessie.cel.common.types.Err.noSuchOverload;

import java.util.function.Function;
import org.projectnessie.cel.common.types.Err;
import org.projectnessie.cel.common.types.StringT;
import org.projectnessie.cel.common.types.Types;
import org.projectnessie.cel.common.types.ref.Val;
import org.projectnessie.cel.interpreter.functions.Overload;

/**
 * The pair of functions every Kubernetes value library has for its type: {@code quantity(s)} parses
 * a string (an error value when it cannot) and {@code isQuantity(s)} says whether it would.
 */
final class StringParsers {
  private StringParsers() {}

  /** {@code name(string)}: the parsed value, or the parser's error. */
  static Overload parse(String name, Function<String, Val> parser) {
    return Overload.unary(
        name,
        v ->
            v instanceof StringT s
                ? parser.apply(s.value().toString())
                : noSuchOverload(v, name, null));
  }

  /** {@code name(string)}: whether the parser accepts the string. */
  static Overload check(String name, Function<String, Val> parser) {
    return Overload.unary(
        name,
        v ->
            v instanceof StringT s
                ? Types.boolOf(!(parser.apply(s.value().toString()) instanceof Err))
                : noSuchOverload(v, name, null));
  }
}
