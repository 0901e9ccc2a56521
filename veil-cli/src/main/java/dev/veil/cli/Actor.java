package dev.veil.cli;

import picocli.CommandLine.Option;

/** {@code --as IDENTITY}: who signs what a governance command stores. */
final class Actor {
    @Option(names = "--as", required = true, paramLabel = "IDENTITY",
            description = "Your identity (HOME/identities/IDENTITY.json) that signs the record.")
    String name;
}
