package dev.veil.core.policy;

import java.nio.file.Path;

/** A named key reference: a Tink keyset file or an environment variable holding one. Never key material. */
public record KeySpec(String name, Path keysetFile, String envVariable, Location location) {
}
