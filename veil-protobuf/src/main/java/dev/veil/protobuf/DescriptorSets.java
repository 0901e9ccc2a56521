package dev.veil.protobuf;

import com.google.protobuf.DescriptorProtos.FileDescriptorProto;
import com.google.protobuf.DescriptorProtos.FileDescriptorSet;
import com.google.protobuf.Descriptors;
import com.google.protobuf.InvalidProtocolBufferException;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * The message types of a descriptor set, as {@code protoc --include_imports --descriptor_set_out=FILE} writes it.
 * Immutable and thread-safe.
 */
public final class DescriptorSets {
    private final Map<String, Descriptors.FileDescriptor> files;
    private final Map<String, Descriptors.Descriptor> messages = new HashMap<>();

    private DescriptorSets(Map<String, Descriptors.FileDescriptor> files) {
        this.files = files;
        for (Descriptors.FileDescriptor f : files.values()) {
            for (Descriptors.Descriptor d : f.getMessageTypes()) {
                index(d);
            }
        }
    }

    private void index(Descriptors.Descriptor d) {
        messages.put(d.getFullName(), d);
        for (Descriptors.Descriptor n : d.getNestedTypes()) {
            index(n);
        }
    }

    /**
     * Reads a descriptor set file.
     *
     * @throws IOException              when the file cannot be read
     * @throws IllegalArgumentException when it is not a descriptor set, or an import is missing (compile it with
     *                                  {@code --include_imports})
     */
    public static DescriptorSets read(Path file) throws IOException {
        byte[] bytes = Files.readAllBytes(file);
        try {
            return of(FileDescriptorSet.parseFrom(bytes));
        } catch (InvalidProtocolBufferException e) {
            throw new IllegalArgumentException(file + " is not a protobuf descriptor set (" + e.getMessage()
                    + "); write one with protoc --include_imports --descriptor_set_out=" + file.getFileName());
        } catch (IllegalArgumentException e) {
            throw new IllegalArgumentException(file + ": " + e.getMessage(), e);
        }
    }

    /** The files of a parsed descriptor set, linked in dependency order. */
    public static DescriptorSets of(FileDescriptorSet set) {
        Map<String, FileDescriptorProto> protos = new LinkedHashMap<>();
        for (FileDescriptorProto p : set.getFileList()) {
            protos.put(p.getName(), p);
        }
        Map<String, Descriptors.FileDescriptor> built = new LinkedHashMap<>();
        for (String name : protos.keySet()) {
            build(name, protos, built, new java.util.HashSet<>());
        }
        return new DescriptorSets(built);
    }

    private static Descriptors.FileDescriptor build(String name, Map<String, FileDescriptorProto> protos,
                                                    Map<String, Descriptors.FileDescriptor> built,
                                                    java.util.Set<String> open) {
        Descriptors.FileDescriptor done = built.get(name);
        if (done != null) {
            return done;
        }
        FileDescriptorProto p = protos.get(name);
        if (p == null) {
            throw new IllegalArgumentException("the descriptor set lacks the imported file " + name
                    + "; compile it with protoc --include_imports");
        }
        if (!open.add(name)) {
            throw new IllegalArgumentException("import cycle through " + name);
        }
        List<String> deps = p.getDependencyList();
        Descriptors.FileDescriptor[] d = new Descriptors.FileDescriptor[deps.size()];
        for (int i = 0; i < d.length; i++) {
            d[i] = build(deps.get(i), protos, built, open);
        }
        try {
            Descriptors.FileDescriptor f = Descriptors.FileDescriptor.buildFrom(p, d);
            built.put(name, f);
            return f;
        } catch (Descriptors.DescriptorValidationException e) {
            throw new IllegalArgumentException(name + " is not a valid descriptor: " + e.getMessage(), e);
        }
    }

    /**
     * The message type of that full name ({@code acme.orders.Order}).
     *
     * @throws IllegalArgumentException when the set has no such message, naming the ones it has
     */
    public Descriptors.Descriptor message(String fullName) {
        Descriptors.Descriptor d = messages.get(fullName);
        if (d == null) {
            List<String> known = messages.keySet().stream().filter(n -> !n.startsWith("google.protobuf.")
                    && !n.startsWith("veil.")).sorted().limit(20).toList();
            throw new IllegalArgumentException("no message type " + fullName + " in the descriptor set; it has "
                    + known);
        }
        return d;
    }

    /** Every file of the set, by name. */
    public Map<String, Descriptors.FileDescriptor> files() {
        return java.util.Collections.unmodifiableMap(files);
    }
}
