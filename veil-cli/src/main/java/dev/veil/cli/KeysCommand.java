package dev.veil.cli;

import dev.veil.core.keys.KeyException;
import dev.veil.core.keys.KeyRing;
import java.io.IOException;
import java.io.PrintWriter;
import java.nio.charset.StandardCharsets;
import java.nio.file.FileAlreadyExistsException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.concurrent.Callable;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

/** {@code veil keys}: key files for the policy's {@code keys:}. */
@Command(name = "keys", description = "Create key files that policies reference under keys:.",
        subcommands = {KeysCommand.Create.class}, mixinStandardHelpOptions = true)
final class KeysCommand implements Runnable {
    @CommandLine.Spec
    CommandLine.Model.CommandSpec spec;

    @Override
    public void run() {
        throw new CommandLine.ParameterException(spec.commandLine(), "name a subcommand: veil keys create");
    }

    @Command(name = "create", mixinStandardHelpOptions = true,
            description = {"Write a new Tink JSON keyset (cleartext, file mode 600).",
                "Keep it out of version control; encrypted keysets with a master key come with key management."})
    static final class Create implements Callable<Integer> {
        @CommandLine.Spec
        CommandLine.Model.CommandSpec spec;

        @Option(names = "--type", defaultValue = "hmac-prf",
                description = "hmac-prf (for hash and tokenize), aead (for encrypt and the quarantine key) or aes-siv"
                        + " (for deterministic encrypt). Default: ${DEFAULT-VALUE}.")
        String type;

        @Option(names = {"-o", "--out"}, required = true, description = "The keyset file to write (must not exist).")
        Path out;

        @Override
        public Integer call() {
            PrintWriter err = spec.commandLine().getErr();
            KeyRing.KeyType kt;
            switch (type) {
                case "hmac-prf" -> kt = KeyRing.KeyType.HMAC_PRF;
                case "aead" -> kt = KeyRing.KeyType.AEAD;
                case "aes-siv" -> kt = KeyRing.KeyType.AES_SIV;
                default -> {
                    err.println("veil keys create: --type must be hmac-prf, aead or aes-siv");
                    return ExitCodes.USAGE;
                }
            }
            try {
                String json = KeyRing.newKeysetJson(kt);
                Files.writeString(out, json, StandardCharsets.UTF_8, StandardOpenOption.CREATE_NEW);
                try {
                    Files.setPosixFilePermissions(out, PosixFilePermissions.fromString("rw-------"));
                } catch (UnsupportedOperationException e) {
                    err.println("veil keys create: note: cannot restrict permissions on this file system");
                }
                spec.commandLine().getOut().println("wrote " + type + " keyset " + out);
                return ExitCodes.OK;
            } catch (FileAlreadyExistsException e) {
                err.println("veil keys create: " + out + " exists; pick another file (keys are never overwritten)");
                return ExitCodes.IO;
            } catch (IOException e) {
                err.println("veil keys create: cannot write " + out + ": " + e.getClass().getSimpleName());
                return ExitCodes.IO;
            } catch (KeyException e) {
                err.println("veil keys create: " + e.getMessage());
                return ExitCodes.INTERNAL;
            }
        }
    }
}
