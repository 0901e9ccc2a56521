package dev.veil.protobuf;

import com.google.protobuf.DescriptorProtos.DescriptorProto;
import com.google.protobuf.DescriptorProtos.FieldDescriptorProto;
import com.google.protobuf.DescriptorProtos.FieldOptions;
import com.google.protobuf.DescriptorProtos.FileDescriptorProto;
import com.google.protobuf.DescriptorProtos.FileDescriptorSet;
import com.google.protobuf.Descriptors;
import com.google.protobuf.UnknownFieldSet;
import dev.veil.protobuf.ProtoMasker.Field;
import dev.veil.protobuf.ProtoMasker.Kind;
import dev.veil.protobuf.ProtoMasker.Msg;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;

/**
 * Each segment's output message type, derived from the input type and the compiled tree: replaced fields become
 * {@code string}, dropped fields disappear and their numbers and names are reserved, required fields that may now be
 * absent become optional, and the {@code veil} options are gone. The copies live in one new file per segment,
 * package {@code veil.masked.SEGMENT}; enums stay in their own files. A message type masked two ways in two places
 * gets a {@code _2} suffix the second time.
 */
final class OutputDescriptors {
    private final Descriptors.Descriptor[] types;
    private final FileDescriptorSet[] sets;

    OutputDescriptors(Msg root, Descriptors.Descriptor input, List<String> segments) {
        int n = segments.size();
        types = new Descriptors.Descriptor[n];
        sets = new FileDescriptorSet[n];
        for (int s = 0; s < n; s++) {
            new Segment(s, segments.get(s), input).build(root);
        }
    }

    Descriptors.Descriptor type(int s) {
        return types[s];
    }

    FileDescriptorSet set(int s) {
        return sets[s];
    }

    /** The package the output types of a segment live in. */
    static String packageOf(String segment) {
        String p = segment.toLowerCase(Locale.ROOT).replaceAll("[^a-z0-9_]", "_");
        return "veil.masked." + (Character.isDigit(p.charAt(0)) ? "s_" + p : p);
    }

    private final class Segment {
        private final int s;
        private final String pkg;
        private final Descriptors.Descriptor input;
        private final Map<String, List<DescriptorProto>> byName = new LinkedHashMap<>();
        private final Map<String, Descriptors.FileDescriptor> enumFiles = new HashMap<>();

        Segment(int s, String segment, Descriptors.Descriptor input) {
            this.s = s;
            this.pkg = packageOf(segment);
            this.input = input;
        }

        void build(Msg root) {
            String rootName = emit(root);
            FileDescriptorProto source = input.getFile().toProto();
            FileDescriptorProto.Builder f = FileDescriptorProto.newBuilder()
                    .setName("veil/masked/" + pkg.substring("veil.masked.".length()) + "/" + input.getFullName() + ".proto")
                    .setPackage(pkg);
            if (source.hasSyntax()) {
                f.setSyntax(source.getSyntax());
            }
            if (source.hasEdition()) {
                f.setEdition(source.getEdition());
            }
            for (List<DescriptorProto> l : byName.values()) {
                f.addAllMessageType(l);
            }
            List<Descriptors.FileDescriptor> deps = new ArrayList<>(enumFiles.values());
            for (Descriptors.FileDescriptor d : deps) {
                f.addDependency(d.getName());
            }
            try {
                Descriptors.FileDescriptor built = Descriptors.FileDescriptor.buildFrom(f.build(),
                        deps.toArray(new Descriptors.FileDescriptor[0]));
                types[s] = built.findMessageTypeByName(rootName.substring(pkg.length() + 2));
            } catch (Descriptors.DescriptorValidationException e) {
                throw new IllegalStateException("derived output type of " + input.getFullName() + " is invalid: "
                        + e.getMessage(), e);
            }
            Set<Descriptors.FileDescriptor> all = new LinkedHashSet<>();
            for (Descriptors.FileDescriptor d : deps) {
                closure(d, all);
            }
            FileDescriptorSet.Builder set = FileDescriptorSet.newBuilder();
            for (Descriptors.FileDescriptor d : all) {
                set.addFile(d.toProto());
            }
            sets[s] = set.addFile(f.build()).build();
        }

        private void closure(Descriptors.FileDescriptor d, Set<Descriptors.FileDescriptor> all) {
            if (all.contains(d)) {
                return;
            }
            for (Descriptors.FileDescriptor x : d.getDependencies()) {
                closure(x, all);
            }
            all.add(d);
        }

        /** Adds the output copy of {@code m} as a top-level type and returns its full name with a leading dot. */
        private String emit(Msg m) {
            DescriptorProto shape = copy(m, m.type.getName());
            String simple = m.type.getName();
            List<DescriptorProto> same = byName.computeIfAbsent(simple, k -> new ArrayList<>());
            for (DescriptorProto d : same) {
                if (d.toBuilder().setName(simple).build().equals(shape)) {
                    return "." + pkg + "." + d.getName();
                }
            }
            String name = same.isEmpty() ? simple : simple + "_" + (same.size() + 1);
            same.add(shape.toBuilder().setName(name).build());
            return "." + pkg + "." + name;
        }

        private DescriptorProto copy(Msg m, String name) {
            DescriptorProto source = m.type.toProto();
            DescriptorProto.Builder b = DescriptorProto.newBuilder().setName(name);
            if (source.hasOptions()) {
                b.setOptions(source.getOptions());
            }
            int[] kept = new int[source.getOneofDeclCount()];
            List<FieldDescriptorProto.Builder> fields = new ArrayList<>();
            for (Field f : m.fields) {
                FieldDescriptorProto.Builder fb = f.fd.toProto().toBuilder();
                if (fb.hasOptions()) {
                    FieldOptions o = fb.getOptions().toBuilder().setUnknownFields(UnknownFieldSet.getDefaultInstance())
                            .build();
                    if (o.equals(FieldOptions.getDefaultInstance())) {
                        fb.clearOptions();
                    } else {
                        fb.setOptions(o);
                    }
                }
                if (f.child != null) {
                    if (f.fd.isMapField()) {
                        String entry = f.child.type.getName();
                        b.addNestedType(copy(f.child, entry));
                        fb.setTypeName(entry); // relative: resolved inside this message
                    } else {
                        fb.setTypeName(emit(f.child));
                    }
                } else {
                    if ((f.dropped >>> s & 1) != 0) {
                        b.addReservedRange(DescriptorProto.ReservedRange.newBuilder().setStart(f.number)
                                .setEnd(f.number + 1));
                        b.addReservedName(f.fd.getName());
                        continue;
                    }
                    Kind k = f.kind[s];
                    if (k == Kind.REPLACE) {
                        fb.setType(FieldDescriptorProto.Type.TYPE_STRING).clearTypeName().clearDefaultValue();
                        if (fb.hasOptions()) {
                            fb.setOptions(fb.getOptions().toBuilder().clearPacked());
                        }
                    } else if (f.fd.getJavaType() == Descriptors.FieldDescriptor.JavaType.ENUM) {
                        Descriptors.EnumDescriptor e = f.fd.getEnumType();
                        fb.setTypeName("." + e.getFullName());
                        enumFiles.put(e.getFile().getName(), e.getFile());
                    }
                    if (k != Kind.COPY && fb.getLabel() == FieldDescriptorProto.Label.LABEL_REQUIRED) {
                        fb.setLabel(FieldDescriptorProto.Label.LABEL_OPTIONAL);
                    }
                }
                if (fb.hasOneofIndex()) {
                    kept[fb.getOneofIndex()]++;
                }
                fields.add(fb);
            }
            int[] remap = new int[kept.length];
            for (int i = 0, j = 0; i < kept.length; i++) {
                if (kept[i] > 0) {
                    b.addOneofDecl(source.getOneofDecl(i));
                    remap[i] = j++;
                }
            }
            for (FieldDescriptorProto.Builder fb : fields) {
                if (fb.hasOneofIndex()) {
                    fb.setOneofIndex(remap[fb.getOneofIndex()]);
                }
                b.addField(fb);
            }
            return b.build();
        }
    }
}
