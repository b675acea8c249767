package dev.paddock.api;

import java.nio.charset.StandardCharsets;

/**
 * The hash upstream puts in label values: FNV-1a 32-bit of a name's UTF-8 bytes, lower-case hex
 * without padding (Go's {@code fmt.Sprintf("%x", h.Sum32())}).
 */
public final class NameHash {
  private static final int OFFSET_BASIS = 0x811c9dc5;
  private static final int PRIME = 0x01000193;

  private NameHash() {}

  public static String of(String name) {
    int hash = OFFSET_BASIS;
    for (byte b : name.getBytes(StandardCharsets.UTF_8)) {
      hash ^= (b & 0xff);
      hash *= PRIME;
    }
    return Integer.toHexString(hash);
  }
}
