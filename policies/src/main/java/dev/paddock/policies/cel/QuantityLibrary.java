package dev.paddock.policies.cel;

import static org.projectnessie.cel.common.types.Err.newErr;
import static org.projectnessie.cel.common.types.Err.noSuchOverload;

import com.google.api.expr.v1alpha1.Type;
import java.math.BigDecimal;
import java.math.RoundingMode;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.projectnessie.cel.EnvOption;
import org.projectnessie.cel.Library;
import org.projectnessie.cel.ProgramOption;
import org.projectnessie.cel.checker.Decls;
import org.projectnessie.cel.common.types.DoubleT;
import org.projectnessie.cel.common.types.IntT;
import org.projectnessie.cel.common.types.Types;
import org.projectnessie.cel.common.types.ref.Val;
import org.projectnessie.cel.interpreter.functions.Overload;

/**
 * Kubernetes' quantity library: {@code quantity}, {@code isQuantity}, and on a Quantity {@code
 * sign}, {@code isInteger}, {@code asInteger}, {@code asApproximateFloat}, {@code compareTo},
 * {@code isGreaterThan}, {@code isLessThan}, {@code add}, {@code sub}. Quantities compare by value
 * ({@code quantity('1') == quantity('1000m')}).
 */
public final class QuantityLibrary implements Library {
  static final String TYPE_NAME = "kubernetes.Quantity";
  static final Type TYPE = Decls.newObjectType(TYPE_NAME);
  private static final org.projectnessie.cel.common.types.ref.Type VAL_TYPE =
      OpaqueVal.typeNamed(TYPE_NAME);

  // Kubernetes' grammar: sign, digits with an optional fraction, then a binary-SI, decimal-SI or
  // decimal-exponent suffix
  private static final Pattern FORMAT =
      Pattern.compile(
          "([+-]?(?:[0-9]+(?:\\.[0-9]*)?|\\.[0-9]+))(Ki|Mi|Gi|Ti|Pi|Ei|n|u|m|k|M|G|T|P|E|[eE][+-]?[0-9]+)?");

  /** A parsed quantity: its exact value and the text it was written as. */
  static final class QuantityVal extends OpaqueVal {
    final BigDecimal amount;
    final String text;

    QuantityVal(BigDecimal amount, String text) {
      super(VAL_TYPE);
      this.amount = amount;
      this.text = text;
    }

    @Override
    String text() {
      return text;
    }

    @Override
    boolean sameAs(OpaqueVal other) {
      return amount.compareTo(((QuantityVal) other).amount) == 0;
    }

    @Override
    public int hashCode() {
      return amount.stripTrailingZeros().hashCode();
    }
  }

  /** The quantity a Kubernetes quantity string denotes, or null when it is not one. */
  static BigDecimal parse(String text) {
    Matcher m = FORMAT.matcher(text);
    if (!m.matches()) {
      return null;
    }
    BigDecimal number =
        new BigDecimal(m.group(1).startsWith("+") ? m.group(1).substring(1) : m.group(1));
    String suffix = m.group(2);
    if (suffix == null) {
      return number;
    }
    return switch (suffix) {
      case "Ki" -> number.multiply(BigDecimal.valueOf(1L << 10));
      case "Mi" -> number.multiply(BigDecimal.valueOf(1L << 20));
      case "Gi" -> number.multiply(BigDecimal.valueOf(1L << 30));
      case "Ti" -> number.multiply(BigDecimal.valueOf(1L << 40));
      case "Pi" -> number.multiply(BigDecimal.valueOf(1L << 50));
      case "Ei" -> number.multiply(BigDecimal.valueOf(1L << 60));
      case "n" -> number.scaleByPowerOfTen(-9);
      case "u" -> number.scaleByPowerOfTen(-6);
      case "m" -> number.scaleByPowerOfTen(-3);
      case "k" -> number.scaleByPowerOfTen(3);
      case "M" -> number.scaleByPowerOfTen(6);
      case "G" -> number.scaleByPowerOfTen(9);
      case "T" -> number.scaleByPowerOfTen(12);
      case "P" -> number.scaleByPowerOfTen(15);
      case "E" -> number.scaleByPowerOfTen(18);
      default -> {
        int exponent = Integer.parseInt(suffix.substring(1).replace("+", ""));
        yield Math.abs(exponent) > 1000 ? null : number.scaleByPowerOfTen(exponent);
      }
    };
  }

  /** Kubernetes rounds sub-nano quantities up to 1n; values beyond it are out of range. */
  /**
   * Parsed quantities by their text: policies parse the same few (a tenant's maxima, the requests
   * and limits of every container) on every request. Quantities are immutable, so they are shared.
   */
  private static final Map<String, Val> CACHE = new ConcurrentHashMap<>();

  private static final int CACHE_LIMIT = 1024;
  private static final BigDecimal MAX = new BigDecimal("9223372036854775807");

  static Val quantity(String text) {
    Val cached = CACHE.get(text);
    if (cached != null) {
      return cached;
    }
    Val parsed = parseQuantity(text);
    if (CACHE.size() < CACHE_LIMIT) {
      CACHE.put(text, parsed);
    }
    return parsed;
  }

  private static Val parseQuantity(String text) {
    BigDecimal amount = parse(text);
    if (amount == null) {
      return newErr(
          "quantities must match the regular expression '^([+-]?[0-9.]+)([eEinumkKMGTP]*[-+]?[0-9]*)$'");
    }
    if (amount.abs().compareTo(MAX) > 0) {
      return newErr("quantity '%s' is out of range", text);
    }
    return new QuantityVal(amount.setScale(9, RoundingMode.UP).stripTrailingZeros(), text);
  }

  private static String format(BigDecimal amount) {
    BigDecimal stripped = amount.stripTrailingZeros();
    if (stripped.scale() <= 0) {
      return stripped.toBigInteger().toString();
    }
    if (stripped.movePointRight(3).stripTrailingZeros().scale() <= 0) {
      return stripped.movePointRight(3).toBigInteger() + "m";
    }
    if (stripped.movePointRight(6).stripTrailingZeros().scale() <= 0) {
      return stripped.movePointRight(6).toBigInteger() + "u";
    }
    return stripped.movePointRight(9).setScale(0, RoundingMode.UP).toBigInteger() + "n";
  }

  @Override
  public List<EnvOption> getCompileOptions() {
    return List.of(
        EnvOption.declarations(
            Decls.newFunction(
                "quantity", Decls.newOverload("string_to_quantity", List.of(Decls.String), TYPE)),
            Decls.newFunction(
                "isQuantity",
                Decls.newOverload("is_quantity_string", List.of(Decls.String), Decls.Bool)),
            Decls.newFunction(
                "sign", Decls.newInstanceOverload("quantity_sign", List.of(TYPE), Decls.Int)),
            Decls.newFunction(
                "isInteger",
                Decls.newInstanceOverload("quantity_is_integer", List.of(TYPE), Decls.Bool)),
            Decls.newFunction(
                "asInteger",
                Decls.newInstanceOverload("quantity_get_integer", List.of(TYPE), Decls.Int)),
            Decls.newFunction(
                "asApproximateFloat",
                Decls.newInstanceOverload("quantity_get_float", List.of(TYPE), Decls.Double)),
            Decls.newFunction(
                "add",
                Decls.newInstanceOverload("quantity_add", List.of(TYPE, TYPE), TYPE),
                Decls.newInstanceOverload("quantity_add_int", List.of(TYPE, Decls.Int), TYPE)),
            Decls.newFunction(
                "sub",
                Decls.newInstanceOverload("quantity_sub", List.of(TYPE, TYPE), TYPE),
                Decls.newInstanceOverload("quantity_sub_int", List.of(TYPE, Decls.Int), TYPE)),
            Decls.newFunction(
                "compareTo",
                Decls.newInstanceOverload("quantity_compare_to", List.of(TYPE, TYPE), Decls.Int)),
            Decls.newFunction(
                "isGreaterThan",
                Decls.newInstanceOverload(
                    "quantity_is_greater_than", List.of(TYPE, TYPE), Decls.Bool)),
            Decls.newFunction(
                "isLessThan",
                Decls.newInstanceOverload(
                    "quantity_is_less_than", List.of(TYPE, TYPE), Decls.Bool)),
            Decls.newFunction(
                "string", Decls.newOverload("quantity_to_string", List.of(TYPE), Decls.String))));
  }

  @Override
  public List<ProgramOption> getProgramOptions() {
    return List.of(
        ProgramOption.functions(
            StringParsers.parse("quantity", QuantityLibrary::quantity),
            StringParsers.check("isQuantity", QuantityLibrary::quantity),
            Overload.unary("sign", v -> q(v, "sign", q -> IntT.intOf(q.amount.signum()))),
            Overload.unary(
                "isInteger", v -> q(v, "isInteger", q -> Types.boolOf(asLong(q.amount) != null))),
            Overload.unary(
                "asInteger",
                v ->
                    q(
                        v,
                        "asInteger",
                        q -> {
                          Long value = asLong(q.amount);
                          return value == null
                              ? newErr("cannot convert value to integer")
                              : IntT.intOf(value);
                        })),
            Overload.unary(
                "asApproximateFloat",
                v -> q(v, "asApproximateFloat", q -> DoubleT.doubleOf(q.amount.doubleValue()))),
            Overload.binary("add", (a, b) -> arithmetic(a, b, true)),
            Overload.binary("sub", (a, b) -> arithmetic(a, b, false)),
            Overload.binary("compareTo", Comparisons::compareTo),
            Overload.binary("isGreaterThan", Comparisons::isGreaterThan),
            Overload.binary("isLessThan", Comparisons::isLessThan)));
  }

  static Long asLong(BigDecimal amount) {
    try {
      return amount.stripTrailingZeros().longValueExact();
    } catch (ArithmeticException e) {
      return null;
    }
  }

  private interface QuantityFunction {
    Val apply(QuantityVal q);
  }

  private static Val q(Val v, String function, QuantityFunction f) {
    return v instanceof QuantityVal q ? f.apply(q) : noSuchOverload(v, function, null);
  }

  private static Val arithmetic(Val a, Val b, boolean add) {
    if (!(a instanceof QuantityVal q)) {
      return noSuchOverload(a, add ? "add" : "sub", b);
    }
    BigDecimal other;
    if (b instanceof QuantityVal r) {
      other = r.amount;
    } else if (b instanceof IntT) {
      other = BigDecimal.valueOf(b.intValue());
    } else {
      return noSuchOverload(a, add ? "add" : "sub", b);
    }
    BigDecimal result = add ? q.amount.add(other) : q.amount.subtract(other);
    return new QuantityVal(result, format(result));
  }
}
