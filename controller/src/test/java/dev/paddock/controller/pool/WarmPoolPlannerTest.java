package dev.paddock.controller.pool;

import static org.assertj.core.api.Assertions.assertThat;

import dev.paddock.api.AgentsLabels;
import dev.paddock.api.extensions.UpdateStrategyType;
import dev.paddock.api.sandbox.Sandbox;
import dev.paddock.api.sandbox.SandboxStatus;
import io.fabric8.kubernetes.api.model.ConditionBuilder;
import io.fabric8.kubernetes.api.model.ObjectMetaBuilder;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

class WarmPoolPlannerTest {
  private static final Instant NOW = Instant.parse("2026-11-29T10:00:00Z");
  private static final Duration GRACE = Duration.ofMinutes(5);

  static Sandbox member(String name, boolean ready, Duration age, String hash) {
    Sandbox s = new Sandbox();
    s.setMetadata(
        new ObjectMetaBuilder()
            .withName(name)
            .withCreationTimestamp(NOW.minus(age).toString())
            .withLabels(Map.of(AgentsLabels.SANDBOX_TEMPLATE_HASH, hash))
            .build());
    SandboxStatus status = new SandboxStatus();
    status.setConditions(
        List.of(
            new ConditionBuilder().withType("Ready").withStatus(ready ? "True" : "False").build()));
    s.setStatus(status);
    return s;
  }

  private static WarmPoolPlanner.Plan plan(
      int desired, List<Sandbox> members, int inFlight, UpdateStrategyType strategy) {
    return WarmPoolPlanner.plan(desired, members, inFlight, "h1", strategy, GRACE, NOW);
  }

  @Test
  void createsTheDeficitMinusTheCreatesInFlight() {
    assertThat(plan(5, List.of(), 0, UpdateStrategyType.OnReplenish).toCreate()).isEqualTo(5);
    assertThat(plan(5, List.of(), 5, UpdateStrategyType.OnReplenish).toCreate()).isZero();
    assertThat(
            plan(
                    5,
                    List.of(member("a", true, Duration.ZERO, "h1")),
                    2,
                    UpdateStrategyType.OnReplenish)
                .toCreate())
        .isEqualTo(2);
  }

  @Test
  void scaleDownRemovesNotReadyMembersFirstThenTheNewest() {
    List<Sandbox> members =
        List.of(
            member("old-ready", true, Duration.ofMinutes(4), "h1"),
            member("new-ready", true, Duration.ofMinutes(1), "h1"),
            member("mid-ready", true, Duration.ofMinutes(2), "h1"),
            member("not-ready", false, Duration.ofMinutes(3), "h1"));
    WarmPoolPlanner.Plan plan = plan(2, members, 0, UpdateStrategyType.OnReplenish);
    assertThat(plan.toDelete())
        .extracting(s -> s.getMetadata().getName())
        .containsExactly("not-ready", "new-ready");
    assertThat(plan.toCreate()).isZero();
  }

  @Test
  void recreateDeletesMembersOfAnOldTemplateAndOnReplenishKeepsThem() {
    List<Sandbox> members =
        List.of(member("old", true, Duration.ZERO, "h0"), member("new", true, Duration.ZERO, "h1"));
    WarmPoolPlanner.Plan recreate = plan(2, members, 0, UpdateStrategyType.Recreate);
    assertThat(recreate.toDelete())
        .extracting(s -> s.getMetadata().getName())
        .containsExactly("old");
    assertThat(recreate.toCreate()).isEqualTo(1);
    WarmPoolPlanner.Plan replenish = plan(2, members, 0, UpdateStrategyType.OnReplenish);
    assertThat(replenish.toDelete()).isEmpty();
    assertThat(replenish.toCreate()).isZero();
  }

  @Test
  void aMemberNotReadyPastTheGraceIsReplacedAndAYoungerOneIsLookedAtWhenItsGraceEnds() {
    List<Sandbox> members =
        List.of(
            member("stuck", false, Duration.ofMinutes(6), "h1"),
            member("starting", false, Duration.ofMinutes(1), "h1"));
    WarmPoolPlanner.Plan plan = plan(2, members, 0, UpdateStrategyType.OnReplenish);
    assertThat(plan.toDelete()).extracting(s -> s.getMetadata().getName()).containsExactly("stuck");
    assertThat(plan.toCreate()).isEqualTo(1);
    assertThat(plan.lookAgainIn()).contains(Duration.ofMinutes(4));
  }

  @Test
  void creationExpectationsHoldUntilTheInformerShowsTheObjectOrTheyExpire() {
    Instant[] now = {NOW};
    Clock clock =
        new Clock() {
          @Override
          public ZoneOffset getZone() {
            return ZoneOffset.UTC;
          }

          @Override
          public Clock withZone(java.time.ZoneId zone) {
            return this;
          }

          @Override
          public Instant instant() {
            return now[0];
          }
        };
    CreationExpectations expectations = new CreationExpectations(Duration.ofMinutes(2), clock);
    expectations.expect("pool", "a");
    expectations.expect("pool", "b");
    assertThat(expectations.inFlight("pool", name -> false)).isEqualTo(2);
    assertThat(expectations.inFlight("pool", name -> name.equals("a"))).isEqualTo(1);
    now[0] = NOW.plus(Duration.ofMinutes(3));
    assertThat(expectations.inFlight("pool", name -> false)).isZero();
    assertThat(expectations.inFlight("other", name -> false)).isZero();
  }
}
