package dev.paddock.api;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.Test;

class NameHashTest {
  @Test
  void matchesTheFnv1a32ReferenceVectors() {
    // vectors from the FNV reference test suite
    assertThat(NameHash.of("")).isEqualTo("811c9dc5");
    assertThat(NameHash.of("a")).isEqualTo("e40c292c");
    assertThat(NameHash.of("foobar")).isEqualTo("bf9cf968");
  }

  @Test
  void isLowerCaseHexWithoutPaddingAsInGo() {
    // Go's %x of a uint32 drops leading zeros; labels written by upstream look the same
    for (String name : new String[] {"sandbox-1", "my-pool", "python-sandbox-warmpool"}) {
      String hash = NameHash.of(name);
      assertThat(hash).matches("[0-9a-f]{1,8}").doesNotStartWith("0");
      assertThat(Long.parseLong(hash, 16)).isLessThan(1L << 32);
    }
  }
}
