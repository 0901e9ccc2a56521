package dev.veil.cli;

import dev.veil.core.keys.KeyException;
import dev.veil.core.keys.KeyRing;
import dev.veil.core.keys.MasterKeys;
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
@Command(name = "keys", description = "Create, rotate and list the keyset files policies reference under keys:.",
        subcommands = {KeysCommand.Create.class, KeysCommand.CreateMaster.class, KeysCommand.Rotate.class,
            KeysCommand.ListKeys.class}, mixinStandardHelpOptions = true)
final class KeysCommand implements Runnable {
    @CommandLine.Spec
    CommandLine.Model.CommandSpec spec;

    @Override
    public void run() {
        throw new CommandLine.ParameterException(spec.commandLine(), "name a subcommand: create, create-master, rotate or list");
    }

    @Command(name = "create", mixinStandardHelpOptions = true,
            description = {"Write a new Tink JSON keyset (file mode 600, never overwriting).",
                "Encrypted under the master key when " + MasterKeys.ENV + " is set (file:PATH, env:VARIABLE or a",
                "KMS plugin's URI); cleartext otherwise, with a warning."})
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
                com.google.crypto.tink.Aead master = MasterKeys.fromEnvironment(System::getenv);
                String json = KeyRing.newKeysetJson(kt, master);
                writeNew(out, json, err);
                spec.commandLine().getOut().println("wrote " + type + " keyset " + out
                        + (master != null ? " (encrypted under the master key)" : ""));
                if (master == null) {
                    err.println("veil keys create: warning: " + out + " is cleartext; set " + MasterKeys.ENV
                            + " to encrypt keysets at rest (docs/security.md)");
                }
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

    /** Writes a new file with mode 600, refusing to overwrite. */
    static void writeNew(Path out, String text, PrintWriter err) throws IOException {
        Files.writeString(out, text, StandardCharsets.UTF_8, StandardOpenOption.CREATE_NEW);
        try {
            Files.setPosixFilePermissions(out, PosixFilePermissions.fromString("rw-------"));
        } catch (UnsupportedOperationException e) {
            err.println("veil keys: note: cannot restrict permissions on this file system");
        }
    }

    @Command(name = "create-master", mixinStandardHelpOptions = true,
            description = {"Write a new master key (a cleartext AES-256-GCM Tink keyset, mode 600) for encrypting",
                "keysets at rest. Keep it outside the repository and point " + MasterKeys.ENV + " at it:",
                "export " + MasterKeys.ENV + "=file:/secure/place/master.json"})
    static final class CreateMaster implements Callable<Integer> {
        @CommandLine.Spec
        CommandLine.Model.CommandSpec spec;

        @Option(names = {"-o", "--out"}, required = true, description = "The master key file to write (must not exist).")
        Path out;

        @Override
        public Integer call() {
            PrintWriter err = spec.commandLine().getErr();
            try {
                writeNew(out, KeyRing.newMasterKeyJson(), err);
                spec.commandLine().getOut().println("wrote master key " + out + "; export " + MasterKeys.ENV + "=file:"
                        + out.toAbsolutePath());
                return ExitCodes.OK;
            } catch (FileAlreadyExistsException e) {
                err.println("veil keys create-master: " + out + " exists; pick another file (keys are never overwritten)");
                return ExitCodes.IO;
            } catch (IOException e) {
                err.println("veil keys create-master: cannot write " + out + ": " + e.getClass().getSimpleName());
                return ExitCodes.IO;
            } catch (KeyException e) {
                err.println("veil keys create-master: " + e.getMessage());
                return ExitCodes.INTERNAL;
            }
        }
    }

    @Command(name = "rotate", mixinStandardHelpOptions = true,
            description = {"Add a new key to a keyset and make it primary; the old keys stay, so everything they",
                "sealed or encrypted still opens. Rewrites the file atomically, encrypted if it was.",
                "hash and tokenize use the primary key: after rotating their keyset, outputs change (a planned",
                "migration, see docs/policy.md)."})
    static final class Rotate implements Callable<Integer> {
        @CommandLine.Spec
        CommandLine.Model.CommandSpec spec;

        @CommandLine.Parameters(paramLabel = "FILE", description = "The keyset file.")
        Path file;

        @Override
        public Integer call() {
            return onKeyset(spec, "rotate", file, (json, master, out) -> {
                String rotated = KeyRing.rotate(json, master);
                Path tmp = file.resolveSibling(file.getFileName() + ".rotating");
                Files.deleteIfExists(tmp);
                writeNew(tmp, rotated, spec.commandLine().getErr());
                Files.move(tmp, file, java.nio.file.StandardCopyOption.REPLACE_EXISTING,
                        java.nio.file.StandardCopyOption.ATOMIC_MOVE);
                out.println("rotated " + file + ":");
                KeyRing.describe(rotated, master).forEach(out::println);
            });
        }
    }

    @Command(name = "list", mixinStandardHelpOptions = true,
            description = "List a keyset's keys: id, status, primary, type. Never key material.")
    static final class ListKeys implements Callable<Integer> {
        @CommandLine.Spec
        CommandLine.Model.CommandSpec spec;

        @CommandLine.Parameters(paramLabel = "FILE", description = "The keyset file.")
        Path file;

        @Override
        public Integer call() {
            return onKeyset(spec, "list", file, (json, master, out) -> {
                out.println(file + (KeyRing.isEncrypted(json) ? " (encrypted)" : " (cleartext)"));
                KeyRing.describe(json, master).forEach(out::println);
            });
        }
    }

    /** Work on one keyset file's text with the environment's master key (null when none is set). */
    interface KeysetWork {
        void run(String json, com.google.crypto.tink.Aead master, PrintWriter out) throws IOException, KeyException;
    }

    /** Reads {@code file}, runs {@code work}, and turns failures into messages and exit codes. */
    static int onKeyset(CommandLine.Model.CommandSpec spec, String verb, Path file, KeysetWork work) {
        PrintWriter err = spec.commandLine().getErr();
        try {
            String json = Files.readString(file, StandardCharsets.UTF_8);
            work.run(json, MasterKeys.fromEnvironment(System::getenv), spec.commandLine().getOut());
            return ExitCodes.OK;
        } catch (java.nio.file.NoSuchFileException e) {
            err.println("veil keys " + verb + ": " + file + " does not exist");
            return ExitCodes.IO;
        } catch (IOException e) {
            err.println("veil keys " + verb + ": cannot read or write " + file + ": " + e.getClass().getSimpleName());
            return ExitCodes.IO;
        } catch (KeyException e) {
            err.println("veil keys " + verb + ": " + file + ": " + e.getMessage());
            return ExitCodes.INVALID_POLICY;
        }
    }
}
