package dev.paddock.api;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.fabric8.kubernetes.api.model.LabelSelector;
import io.fabric8.kubernetes.api.model.LabelSelectorBuilder;
import java.util.Map;
import org.junit.jupiter.api.Test;

class LabelSelectorsTest {
  private static final Map<String, String> TEAM_A = Map.of("tenant", "a", "tier", "gold");

  @Test
  void nullSelectsNothingAndEmptySelectsEverything() {
    assertThat(LabelSelectors.matches(null, TEAM_A)).isFalse();
    assertThat(LabelSelectors.matches(new LabelSelector(), TEAM_A)).isTrue();
    assertThat(LabelSelectors.matches(new LabelSelector(), Map.of())).isTrue();
  }

  @Test
  void matchLabelsAndExpressionsAreAnded() {
    LabelSelector selector =
        new LabelSelectorBuilder()
            .addToMatchLabels("tenant", "a")
            .addNewMatchExpression()
            .withKey("tier")
            .withOperator("In")
            .withValues("gold", "silver")
            .endMatchExpression()
            .build();
    assertThat(LabelSelectors.matches(selector, TEAM_A)).isTrue();
    assertThat(LabelSelectors.matches(selector, Map.of("tenant", "a", "tier", "bronze"))).isFalse();
    assertThat(LabelSelectors.matches(selector, Map.of("tier", "gold"))).isFalse();
  }

  @Test
  void notInAndDoesNotExistAcceptAMissingLabel() {
    LabelSelector notIn =
        new LabelSelectorBuilder()
            .addNewMatchExpression()
            .withKey("kubernetes.io/metadata.name")
            .withOperator("NotIn")
            .withValues("kube-system")
            .endMatchExpression()
            .build();
    assertThat(LabelSelectors.matches(notIn, Map.of())).isTrue();
    assertThat(LabelSelectors.matches(notIn, Map.of("kubernetes.io/metadata.name", "kube-system")))
        .isFalse();
    LabelSelector absent =
        new LabelSelectorBuilder()
            .addNewMatchExpression()
            .withKey("tier")
            .withOperator("DoesNotExist")
            .endMatchExpression()
            .build();
    assertThat(LabelSelectors.matches(absent, Map.of("tenant", "a"))).isTrue();
    assertThat(LabelSelectors.matches(absent, TEAM_A)).isFalse();
  }

  @Test
  void anUnknownOperatorIsAnErrorNotASilentMatch() {
    LabelSelector selector =
        new LabelSelectorBuilder()
            .addNewMatchExpression()
            .withKey("tier")
            .withOperator("Gt")
            .withValues("1")
            .endMatchExpression()
            .build();
    assertThatThrownBy(() -> LabelSelectors.matches(selector, TEAM_A)).hasMessageContaining("Gt");
  }
}
