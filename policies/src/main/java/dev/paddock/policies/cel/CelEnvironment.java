package dev.paddock.policies.cel;

import com.google.api.expr.v1alpha1.Expr;
import com.google.api.expr.v1alpha1.Type;
import java.util.ArrayList;
import java.util.List;
import org.projectnessie.cel.Ast;
import org.projectnessie.cel.Env;
import org.projectnessie.cel.EnvOption;
import org.projectnessie.cel.EvalOption;
import org.projectnessie.cel.Library;
import org.projectnessie.cel.Program;
import org.projectnessie.cel.ProgramOption;
import org.projectnessie.cel.checker.Decls;
import org.projectnessie.cel.common.CELError;
import org.projectnessie.cel.common.types.pb.ProtoTypeRegistry;

/**
 * The CEL environment of admission policies: the variables of ValidatingAdmissionPolicy ({@code
 * object}, {@code oldObject}, {@code request}, {@code params}, {@code namespaceObject}, {@code
 * variables}) plus {@code tenant}, the Kubernetes CEL libraries, linear-time regular expressions
 * and cost metering. Built once; compiling is thread-safe, and so is every program it produces.
 */
public final class CelEnvironment {
  /** The variables every expression may read. */
  public static final List<String> VARIABLES =
      List.of(
          "object",
          "oldObject",
          "request",
          "params",
          "namespaceObject",
          "variables",
          "tenant",
          "authorizer");

  /** How deep comprehensions may nest before the cost can no longer be bounded statically. */
  static final int MAX_COMPREHENSION_DEPTH = 3;

  private final Env env;

  public CelEnvironment() {
    ProtoTypeRegistry registry = ProtoTypeRegistry.newRegistry();
    List<EnvOption> options = new ArrayList<>();
    options.add(EnvOption.customTypeProvider(new ObjectTypes(registry, registry)));
    options.add(EnvOption.customTypeAdapter(new FastAdapter(registry)));
    for (String name : VARIABLES) {
      options.add(EnvOption.declarations(Decls.newVar(name, Decls.Dyn)));
    }
    for (Library library : KubernetesLibraries.all()) {
      options.add(Library.Lib(library));
    }
    this.env = Env.newEnv(options.toArray(new EnvOption[0]));
  }

  /** What an expression must produce. */
  public enum ResultType {
    BOOL(Decls.Bool),
    STRING(Decls.String),
    ANY(Decls.Dyn);

    final Type type;

    ResultType(Type type) {
      this.type = type;
    }
  }

  /** A compile problem at a 1-based line and 0-based column of the expression. */
  public record Problem(int line, int column, String message) {}

  /** A compiled expression, or the problems that kept it from compiling. */
  public record Compiled(Program program, List<Problem> problems) {
    public boolean ok() {
      return program != null;
    }
  }

  /** Parses, type-checks and plans an expression; never throws for a bad expression. */
  public Compiled compile(String text, ResultType expected) {
    if (text == null || text.isBlank()) {
      return new Compiled(null, List.of(new Problem(0, 0, "expression is empty")));
    }
    Env.AstIssuesTuple checked;
    try {
      // parse, then check: env.compile() checks a null AST after a syntax error
      checked = env.parse(text);
      if (!checked.hasIssues()) {
        checked = env.check(checked.getAst());
      }
    } catch (RuntimeException e) {
      return new Compiled(null, List.of(new Problem(0, 0, describe(e))));
    }
    if (checked.hasIssues()) {
      List<Problem> problems = new ArrayList<>();
      for (CELError error : checked.getIssues().getErrors()) {
        problems.add(
            new Problem(
                error.getLocation().line(), error.getLocation().column(), error.getMessage()));
      }
      return new Compiled(null, problems);
    }
    Ast ast = checked.getAst();
    Type resultType = ast.getResultType();
    if (expected != ResultType.ANY
        && !resultType.equals(expected.type)
        && !resultType.equals(Decls.Dyn)) {
      return new Compiled(
          null,
          List.of(
              new Problem(
                  1,
                  0,
                  "must evaluate to "
                      + expected.name().toLowerCase()
                      + ", not "
                      + typeName(resultType))));
    }
    int depth = comprehensionDepth(ast.getExpr());
    if (depth > MAX_COMPREHENSION_DEPTH) {
      return new Compiled(
          null,
          List.of(
              new Problem(
                  1,
                  0,
                  "estimated cost exceeds the limit: "
                      + depth
                      + " nested comprehensions (at most "
                      + MAX_COMPREHENSION_DEPTH
                      + ") can exceed "
                      + CostBudget.PER_EXPRESSION_LIMIT
                      + " cost units")));
    }
    try {
      Program program =
          env.program(
              ast,
              ProgramOption.evalOptions(EvalOption.OptOptimize),
              ProgramOption.customDecorator(new MeteringDecorator()));
      return new Compiled(program, List.of());
    } catch (RuntimeException e) {
      // constant folding runs conversions such as int('x') while planning
      return new Compiled(null, List.of(new Problem(1, 0, describe(e))));
    }
  }

  private static String typeName(Type type) {
    return switch (type.getTypeKindCase()) {
      case PRIMITIVE -> type.getPrimitive().name().toLowerCase();
      case LIST_TYPE -> "list";
      case MAP_TYPE -> "map";
      case MESSAGE_TYPE -> type.getMessageType();
      case NULL -> "null";
      default -> type.getTypeKindCase().name().toLowerCase();
    };
  }

  private static String describe(RuntimeException e) {
    return e.getMessage() == null ? e.getClass().getSimpleName() : e.getMessage();
  }

  static int comprehensionDepth(Expr expr) {
    return switch (expr.getExprKindCase()) {
      case COMPREHENSION_EXPR -> {
        var c = expr.getComprehensionExpr();
        int inner =
            Math.max(
                Math.max(
                    comprehensionDepth(c.getLoopStep()), comprehensionDepth(c.getLoopCondition())),
                comprehensionDepth(c.getResult()));
        int range =
            Math.max(comprehensionDepth(c.getIterRange()), comprehensionDepth(c.getAccuInit()));
        yield Math.max(range, inner + 1);
      }
      case CALL_EXPR -> {
        int max = comprehensionDepth(expr.getCallExpr().getTarget());
        for (Expr arg : expr.getCallExpr().getArgsList()) {
          max = Math.max(max, comprehensionDepth(arg));
        }
        yield max;
      }
      case SELECT_EXPR -> comprehensionDepth(expr.getSelectExpr().getOperand());
      case LIST_EXPR -> {
        int max = 0;
        for (Expr e : expr.getListExpr().getElementsList()) {
          max = Math.max(max, comprehensionDepth(e));
        }
        yield max;
      }
      case STRUCT_EXPR -> {
        int max = 0;
        for (var entry : expr.getStructExpr().getEntriesList()) {
          max = Math.max(max, comprehensionDepth(entry.getValue()));
          if (entry.hasMapKey()) {
            max = Math.max(max, comprehensionDepth(entry.getMapKey()));
          }
        }
        yield max;
      }
      default -> 0;
    };
  }
}
