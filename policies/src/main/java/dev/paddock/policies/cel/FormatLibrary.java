package dev.paddock.policies.cel;

import static org.projectnessie.cel.common.types.Err.newErr;
import static org.projectnessie.cel.common.types.Err.noSuchOverload;

import com.google.api.expr.v1alpha1.Type;
import java.time.LocalDate;
import java.time.OffsetDateTime;
import java.time.format.DateTimeParseException;
import java.util.ArrayList;
import java.util.Base64;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.function.Function;
import java.util.regex.Pattern;
import org.projectnessie.cel.EnvOption;
import org.projectnessie.cel.Library;
import org.projectnessie.cel.ProgramOption;
import org.projectnessie.cel.checker.Decls;
import org.projectnessie.cel.common.types.ListT;
import org.projectnessie.cel.common.types.StringT;
import org.projectnessie.cel.common.types.Types;
import org.projectnessie.cel.common.types.ref.Val;
import org.projectnessie.cel.interpreter.functions.Overload;

/**
 * Kubernetes' format library: {@code format.dns1123Label()}, {@code format.named('...')} and the
 * other named formats, each with {@code validate(string)}, which yields an optional list of
 * problems: none when the string is valid. cel-tools has no optional type, so the optional is a
 * small value of its own with {@code hasValue()}, {@code value()} and {@code orValue(default)}.
 */
public final class FormatLibrary implements Library {
  static final Type FORMAT = Decls.newObjectType("kubernetes.NamedFormat");
  static final Type OPTIONAL = Decls.newObjectType("optional_type");
  private static final org.projectnessie.cel.common.types.ref.Type FORMAT_TYPE =
      OpaqueVal.typeNamed("kubernetes.NamedFormat");
  private static final org.projectnessie.cel.common.types.ref.Type OPTIONAL_TYPE =
      OpaqueVal.typeNamed("optional_type");

  private static final String DNS1123_LABEL = "[a-z0-9]([-a-z0-9]*[a-z0-9])?";
  private static final String DNS1123_SUBDOMAIN = DNS1123_LABEL + "(\\." + DNS1123_LABEL + ")*";
  private static final String DNS1035_LABEL = "[a-z]([-a-z0-9]*[a-z0-9])?";
  private static final String QUALIFIED_NAME_PART = "([A-Za-z0-9][-A-Za-z0-9_.]*)?[A-Za-z0-9]";
  private static final String LABEL_VALUE = "(([A-Za-z0-9][-A-Za-z0-9_.]*)?[A-Za-z0-9])?";
  private static final Pattern UUID =
      Pattern.compile("[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}");

  private static final Map<String, Function<String, List<String>>> FORMATS = new LinkedHashMap<>();

  static {
    FORMATS.put(
        "dns1123Label",
        s ->
            regexAndLength(
                s,
                DNS1123_LABEL,
                63,
                "a lowercase RFC 1123 label must consist of lower case alphanumeric characters or '-', and must start and end with an alphanumeric character"));
    FORMATS.put(
        "dns1123Subdomain",
        s ->
            regexAndLength(
                s,
                DNS1123_SUBDOMAIN,
                253,
                "a lowercase RFC 1123 subdomain must consist of lower case alphanumeric characters, '-' or '.', and must start and end with an alphanumeric character"));
    FORMATS.put(
        "dns1035Label",
        s ->
            regexAndLength(
                s,
                DNS1035_LABEL,
                63,
                "a DNS-1035 label must consist of lower case alphanumeric characters or '-', start with an alphabetic character, and end with an alphanumeric character"));
    FORMATS.put(
        "dns1123LabelPrefix",
        s ->
            regexAndLength(
                s.endsWith("-") ? s.substring(0, s.length() - 1) : s,
                DNS1123_LABEL,
                63,
                "a lowercase RFC 1123 label must consist of lower case alphanumeric characters or '-', and must start and end with an alphanumeric character"));
    FORMATS.put(
        "dns1123SubdomainPrefix",
        s ->
            regexAndLength(
                s.endsWith("-") ? s.substring(0, s.length() - 1) : s,
                DNS1123_SUBDOMAIN,
                253,
                "a lowercase RFC 1123 subdomain must consist of lower case alphanumeric characters, '-' or '.', and must start and end with an alphanumeric character"));
    FORMATS.put(
        "dns1035LabelPrefix",
        s ->
            regexAndLength(
                s.endsWith("-") ? s.substring(0, s.length() - 1) : s,
                DNS1035_LABEL,
                63,
                "a DNS-1035 label must consist of lower case alphanumeric characters or '-', start with an alphabetic character, and end with an alphanumeric character"));
    FORMATS.put("qualifiedName", FormatLibrary::qualifiedName);
    FORMATS.put(
        "labelValue",
        s ->
            regexAndLength(
                s,
                LABEL_VALUE,
                63,
                "a valid label must be an empty string or consist of alphanumeric characters, '-', '_' or '.', and must start and end with an alphanumeric character"));
    FORMATS.put(
        "uuid",
        s -> UUID.matcher(s).matches() ? List.of() : List.of("does not match the UUID format"));
    FORMATS.put(
        "uri",
        s -> UrlLibrary.url(s) instanceof UrlLibrary.UrlVal ? List.of() : List.of("invalid URI"));
    FORMATS.put(
        "byte",
        s -> {
          try {
            Base64.getDecoder().decode(s);
            return List.of();
          } catch (IllegalArgumentException e) {
            return List.of("invalid base64");
          }
        });
    FORMATS.put(
        "date",
        s -> {
          try {
            LocalDate.parse(s);
            return List.of();
          } catch (DateTimeParseException e) {
            return List.of("invalid date");
          }
        });
    FORMATS.put(
        "datetime",
        s -> {
          try {
            OffsetDateTime.parse(s);
            return List.of();
          } catch (DateTimeParseException e) {
            return List.of("invalid datetime");
          }
        });
  }

  private static List<String> regexAndLength(String s, String regex, int max, String message) {
    List<String> errors = new ArrayList<>();
    if (s.length() > max) {
      errors.add("must be no more than " + max + " characters");
    }
    if (!com.google.re2j.Pattern.matches(regex, s)) {
      errors.add(message + " (regex used for validation is '" + regex + "')");
    }
    return errors;
  }

  private static List<String> qualifiedName(String s) {
    String[] parts = s.split("/", -1);
    List<String> errors = new ArrayList<>();
    String name;
    if (parts.length == 1) {
      name = parts[0];
    } else if (parts.length == 2) {
      if (parts[0].isEmpty()) {
        errors.add("prefix part must be non-empty");
      } else {
        errors.addAll(
            regexAndLength(
                parts[0],
                DNS1123_SUBDOMAIN,
                253,
                "prefix part a lowercase RFC 1123 subdomain must consist of lower case alphanumeric characters, '-' or '.', and must start and end with an alphanumeric character"));
      }
      name = parts[1];
    } else {
      return List.of(
          "a qualified name must consist of alphanumeric characters, '-', '_' or '.', and must start and end with an alphanumeric character with an optional DNS subdomain prefix and '/'");
    }
    if (name.isEmpty()) {
      errors.add("name part must be non-empty");
    } else {
      if (name.length() > 63) {
        errors.add("name part must be no more than 63 characters");
      }
      if (!com.google.re2j.Pattern.matches(QUALIFIED_NAME_PART, name)) {
        errors.add(
            "name part must consist of alphanumeric characters, '-', '_' or '.', and must start and end with an alphanumeric character");
      }
    }
    return errors;
  }

  static final class FormatVal extends OpaqueVal {
    final String name;

    FormatVal(String name) {
      super(FORMAT_TYPE);
      this.name = name;
    }

    @Override
    String text() {
      return name;
    }

    @Override
    boolean sameAs(OpaqueVal other) {
      return name.equals(((FormatVal) other).name);
    }
  }

  /** An optional value: empty, or holding one value. */
  static final class OptionalVal extends OpaqueVal {
    static final OptionalVal NONE = new OptionalVal(null);
    final Val value;

    OptionalVal(Val value) {
      super(OPTIONAL_TYPE);
      this.value = value;
    }

    @Override
    String text() {
      return value == null ? "optional.none()" : "optional.of(" + value + ")";
    }

    @Override
    boolean sameAs(OpaqueVal other) {
      Val o = ((OptionalVal) other).value;
      return value == null ? o == null : o != null && value.equal(o) == Types.boolOf(true);
    }
  }

  @Override
  public List<EnvOption> getCompileOptions() {
    List<com.google.api.expr.v1alpha1.Decl> decls = new ArrayList<>();
    for (String name : FORMATS.keySet()) {
      decls.add(
          Decls.newFunction(
              "format." + name, Decls.newOverload("format_" + name, List.of(), FORMAT)));
    }
    decls.add(
        Decls.newFunction(
            "format.named", Decls.newOverload("format_named", List.of(Decls.String), OPTIONAL)));
    decls.add(
        Decls.newFunction(
            "validate",
            Decls.newInstanceOverload("format_validate", List.of(FORMAT, Decls.String), OPTIONAL)));
    decls.add(
        Decls.newFunction(
            "hasValue",
            Decls.newInstanceOverload("optional_has_value", List.of(OPTIONAL), Decls.Bool)));
    decls.add(
        Decls.newFunction(
            "value", Decls.newInstanceOverload("optional_value", List.of(OPTIONAL), Decls.Dyn)));
    decls.add(
        Decls.newFunction(
            "orValue",
            Decls.newInstanceOverload(
                "optional_or_value", List.of(OPTIONAL, Decls.Dyn), Decls.Dyn)));
    return List.of(EnvOption.declarations(decls));
  }

  @Override
  public List<ProgramOption> getProgramOptions() {
    List<Overload> overloads = new ArrayList<>();
    for (String name : FORMATS.keySet()) {
      overloads.add(Overload.function("format." + name, args -> new FormatVal(name)));
    }
    overloads.add(
        Overload.unary(
            "format.named",
            v -> {
              if (!(v instanceof StringT s)) {
                return noSuchOverload(v, "format.named", null);
              }
              String name = s.value().toString();
              return FORMATS.containsKey(name)
                  ? new OptionalVal(new FormatVal(name))
                  : OptionalVal.NONE;
            }));
    overloads.add(
        Overload.binary(
            "validate",
            (f, v) -> {
              if (!(f instanceof FormatVal format) || !(v instanceof StringT s)) {
                return noSuchOverload(f, "validate", v);
              }
              List<String> errors = FORMATS.get(format.name).apply(s.value().toString());
              return errors.isEmpty()
                  ? OptionalVal.NONE
                  : new OptionalVal(ListT.newStringArrayList(errors.toArray(new String[0])));
            }));
    overloads.add(
        Overload.unary(
            "hasValue",
            v ->
                v instanceof OptionalVal o
                    ? Types.boolOf(o.value != null)
                    : noSuchOverload(v, "hasValue", null)));
    overloads.add(
        Overload.unary(
            "value",
            v -> {
              if (!(v instanceof OptionalVal o)) {
                return noSuchOverload(v, "value", null);
              }
              return o.value != null ? o.value : newErr("optional.none() dereference");
            }));
    overloads.add(
        Overload.binary(
            "orValue",
            (v, d) ->
                v instanceof OptionalVal o
                    ? (o.value != null ? o.value : d)
                    : noSuchOverload(v, "orValue", d)));
    return List.of(ProgramOption.functions(overloads.toArray(new Overload[0])));
  }
}
