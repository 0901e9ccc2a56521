package dev.veil.connect;

import java.io.IOException;
import java.net.ServerSocket;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.SQLException;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;

/**
 * A PostgreSQL server from Debian's packages ({@code postgresql}; {@code .ci/run} installs it), in a fresh data
 * directory with logical decoding on, for the Debezium test. PostgreSQL refuses to run as root, so under root it runs
 * as the {@code postgres} user the package creates.
 */
final class Postgres implements AutoCloseable {
    final int port;
    final Path dir;
    private final Process server;
    private final List<String> stop;

    private Postgres(Path dir, int port, Process server, List<String> stop) {
        this.stop = stop;
        this.dir = dir;
        this.port = port;
        this.server = server;
    }

    static Postgres start() throws Exception {
        Path bin = binDir();
        // directly under /tmp: a JUnit temp dir is root's alone, and the server runs as postgres
        Path dir = Files.createTempDirectory("veil-pg");
        Path data = dir.resolve("data");
        boolean root = "root".equals(System.getProperty("user.name"));
        if (root) {
            run(List.of("chown", "-R", "postgres:postgres", dir.toString()));
        }
        run(as(root, List.of(bin.resolve("initdb").toString(), "-D", data.toString(), "-U", "veil",
                "--auth=trust", "-E", "UTF8", "--no-sync")));
        int port;
        try (ServerSocket s = new ServerSocket(0)) {
            port = s.getLocalPort();
        }
        List<String> cmd = as(root, List.of(bin.resolve("postgres").toString(), "-D", data.toString(),
                "-p", String.valueOf(port), "-k", dir.toString(), "-c", "listen_addresses=127.0.0.1",
                "-c", "wal_level=logical", "-c", "max_wal_senders=4", "-c", "max_replication_slots=4",
                "-c", "fsync=off", "-c", "synchronous_commit=off"));
        Process p = new ProcessBuilder(cmd).redirectErrorStream(true)
                .redirectOutput(dir.resolve("postgres.log").toFile()).start();
        Postgres pg = new Postgres(dir, port, p, as(root, List.of(bin.resolve("pg_ctl").toString(), "-D",
                data.toString(), "stop", "-m", "immediate")));
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(30);
        while (true) {
            try (Connection c = pg.connect()) {
                return pg;
            } catch (SQLException e) {
                if (!p.isAlive() || System.nanoTime() > deadline) {
                    pg.close();
                    throw new IllegalStateException("PostgreSQL did not start; its log: "
                            + Files.readString(dir.resolve("postgres.log")));
                }
                Thread.sleep(100);
            }
        }
    }

    Connection connect() throws SQLException {
        return DriverManager.getConnection("jdbc:postgresql://127.0.0.1:" + port + "/postgres", "veil", "");
    }

    private static List<String> as(boolean root, List<String> cmd) {
        if (!root) {
            return cmd;
        }
        List<String> l = new ArrayList<>(List.of("runuser", "-u", "postgres", "--"));
        l.addAll(cmd);
        return l;
    }

    private static void run(List<String> cmd) throws IOException, InterruptedException {
        Process p = new ProcessBuilder(cmd).redirectErrorStream(true).start();
        String out = new String(p.getInputStream().readAllBytes());
        if (!p.waitFor(60, TimeUnit.SECONDS) || p.exitValue() != 0) {
            throw new IllegalStateException(String.join(" ", cmd) + " failed: " + out);
        }
    }

    private static Path binDir() throws IOException {
        Path base = Path.of("/usr/lib/postgresql");
        if (!Files.isDirectory(base)) {
            throw new IllegalStateException("PostgreSQL is not installed: apt-get install postgresql (.ci/run does)");
        }
        try (Stream<Path> s = Files.list(base)) {
            return s.filter(d -> Files.isExecutable(d.resolve("bin/postgres")))
                    .max(Comparator.comparing(d -> Integer.parseInt(d.getFileName().toString().replaceAll("\\D", "0"))))
                    .map(d -> d.resolve("bin"))
                    .orElseThrow(() -> new IllegalStateException("no PostgreSQL server under " + base));
        }
    }

    @Override
    public void close() {
        try {
            run(stop);
        } catch (Exception e) {
            // already stopped, or never started: the process is ended below either way
        }
        server.destroy();
        try {
            if (!server.waitFor(20, TimeUnit.SECONDS)) {
                server.destroyForcibly();
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
        try (Stream<Path> files = Files.walk(dir)) {
            files.sorted(Comparator.reverseOrder()).forEach(f -> f.toFile().delete());
        } catch (IOException e) {
            // a leftover temp directory is harmless
        }
    }
}
