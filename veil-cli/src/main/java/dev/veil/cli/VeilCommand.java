package dev.veil.cli;

import java.io.IOException;
import java.io.InputStream;
import java.util.Properties;
import picocli.CommandLine;
import picocli.CommandLine.Command;

/** The {@code veil} command. */
@Command(name = "veil", mixinStandardHelpOptions = true, versionProvider = VeilCommand.Version.class,
        description = "Masks personal data and secrets in data in motion.",
        subcommands = {UpCommand.class, RunCommand.class, TailCommand.class, MaskCommand.class, DetectCommand.class, ScanCommand.class, PolicyCommand.class, KeysCommand.class, RevealCommand.class, ServeCommand.class, TokenCommand.class, IdentityCommand.class, GrantCommand.class, ConsentCommand.class, AuditCommand.class, CommandLine.HelpCommand.class},
        exitCodeOnInvalidInput = ExitCodes.USAGE, exitCodeOnExecutionException = ExitCodes.INTERNAL,
        footer = {"", "Exit codes: 0 ok, 1 invalid policy, 2 usage, 3 I/O error, 4 records quarantined, 5 Kafka unreachable or service failed, 6 not revealed, 70 internal error."})
public final class VeilCommand implements Runnable {
    @CommandLine.Spec
    CommandLine.Model.CommandSpec spec;

    @Override
    public void run() {
        throw new CommandLine.ParameterException(spec.commandLine(), "name a command, e.g. 'veil mask --help'");
    }

    public static void main(String[] args) {
        System.exit(run(args));
    }

    /** Runs the command line and returns its exit code (for tests and embedding). */
    public static int run(String... args) {
        return run(null, null, args);
    }

    /** As {@link #run(String...)}, with the text output and error streams given (null: the process's). */
    public static int run(java.io.PrintWriter out, java.io.PrintWriter err, String... args) {
        CommandLine cl = new CommandLine(new VeilCommand());
        if (out != null) {
            cl.setOut(out);
        }
        if (err != null) {
            cl.setErr(err);
        }
        cl.setExecutionExceptionHandler((ex, line, parse) -> {
            // Never print a stack trace or exception message that might quote data; name the failure only.
            line.getErr().println("veil: internal error (" + ex.getClass().getName() + "); nothing unmasked was"
                    + " written. Please report it with the command you ran.");
            return ExitCodes.INTERNAL;
        });
        return cl.execute(args);
    }

    /** Reads the version stamped into the jar at build time. */
    static final class Version implements CommandLine.IVersionProvider {
        @Override
        public String[] getVersion() throws IOException {
            Properties p = new Properties();
            try (InputStream in = VeilCommand.class.getResourceAsStream("version.properties")) {
                if (in != null) {
                    p.load(in);
                }
            }
            return new String[] {"veil " + p.getProperty("version", "unknown") + " (Java "
                    + System.getProperty("java.version") + ")"};
        }
    }
}
