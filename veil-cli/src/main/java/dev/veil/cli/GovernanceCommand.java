package dev.veil.cli;

import dev.veil.core.keys.KeyRing;
import dev.veil.core.keys.KeyedHash;
import dev.veil.core.policy.Policy;
import java.io.PrintWriter;
import java.nio.file.Path;
import java.util.concurrent.Callable;
import picocli.CommandLine;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;

/**
 * What the grant and consent subcommands share: HOME, the policy they are checked against and its consent key,
 * which turns subject ids into fingerprints. Failures map to exit codes in one place ({@link Home#guarded}).
 */
abstract class GovernanceCommand implements Callable<Integer> {
    @CommandLine.Spec
    CommandLine.Model.CommandSpec spec;
    @Mixin
    Home home;
    @Option(names = {"-p", "--policy"}, required = true, paramLabel = "FILE",
            description = "The policy: grants are checked against it, its consent key fingerprints subject ids.")
    Path policyFile;

    Policy policy;
    /** The policy's consent key, or null when it has no {@code consent:} section. */
    KeyedHash fingerprints;

    /** What the policy must have for this command: an exit code after a message, or -1 to go on. */
    int check(PrintWriter err) {
        return -1;
    }

    /** Loads what the subcommand needs besides the policy; failures are mapped like those of {@link #run}. */
    void prepare() throws Exception {
    }

    abstract int run(PrintWriter out, PrintWriter err) throws Exception;

    /** "veil grant request" and the like, for messages. */
    String command() {
        return spec.qualifiedName();
    }

    @Override
    public final Integer call() {
        PrintWriter err = spec.commandLine().getErr();
        policy = PolicyCommand.load(policyFile, err);
        if (policy == null) {
            return ExitCodes.INVALID_POLICY;
        }
        int refused = check(err);
        if (refused >= 0) {
            return refused;
        }
        return Home.guarded(command(), err, () -> {
            if (policy.consent() != null) {
                fingerprints = KeyRing.of(policy.keys()).keyedHash(policy.consent().key());
            }
            prepare();
            return run(spec.commandLine().getOut(), err);
        });
    }
}
