package dev.veil.core.audit;

import java.io.IOException;
import java.io.OutputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;

/** Appends entries to a file, one line each, flushed to the operating system after every entry. */
public final class FileAuditSink implements AuditSink {
    private final OutputStream out;

    public FileAuditSink(Path file) throws IOException {
        if (file.toAbsolutePath().getParent() != null) {
            Files.createDirectories(file.toAbsolutePath().getParent());
        }
        this.out = Files.newOutputStream(file, StandardOpenOption.CREATE, StandardOpenOption.APPEND,
                StandardOpenOption.WRITE);
    }

    @Override
    public void write(byte[] line) throws IOException {
        byte[] b = new byte[line.length + 1];
        System.arraycopy(line, 0, b, 0, line.length);
        b[line.length] = '\n';
        out.write(b); // one write per entry: a crash leaves whole lines or a torn last one, never interleaving
    }

    @Override
    public void flush() throws IOException {
        out.flush();
    }

    @Override
    public void close() throws IOException {
        out.close();
    }
}
