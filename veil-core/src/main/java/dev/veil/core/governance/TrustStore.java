package dev.veil.core.governance;

import com.fasterxml.jackson.core.JsonGenerator;
import com.fasterxml.jackson.core.JsonParser;
import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.core.JsonToken;
import dev.veil.core.keys.Identity;
import dev.veil.core.keys.KeyException;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.PublicKey;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * The identities an instance trusts, with their roles. Local configuration, never read from the control topic:
 * whoever can write the topic must not be able to make themselves an approver.
 *
 * <p>Roles: {@code operator} requests grants, changes consent and revokes; {@code approver} approves and revokes;
 * {@code service} signs audit checkpoints.
 */
public final class TrustStore {
    public static final Set<String> ROLES = Set.of("operator", "approver", "service");

    /** One trusted identity. */
    public record Member(String name, String key, PublicKey publicKey, Set<String> roles) {
    }

    private final Map<String, Member> members;

    private TrustStore(Map<String, Member> members) {
        this.members = Map.copyOf(members);
    }

    public static TrustStore empty() {
        return new TrustStore(Map.of());
    }

    /** The member of that name, or null. */
    public Member member(String name) {
        return members.get(name);
    }

    public List<Member> members() {
        return List.copyOf(new java.util.TreeMap<>(members).values());
    }

    /** Whether this identity (name and key) is trusted with at least one of {@code roles}: what instances will accept. */
    public boolean holds(Identity id, String... roles) {
        Member m = members.get(id.name());
        if (m == null || !m.key().equals(id.publicKeyText())) {
            return false;
        }
        for (String r : roles) {
            if (m.roles().contains(r)) {
                return true;
            }
        }
        return false;
    }

    /** Whether {@code name} is trusted with {@code role} and {@code sig} is its valid signature of {@code message}. */
    public boolean verify(String name, String role, byte[] message, String sigBase64) {
        Member m = members.get(name);
        if (m == null || !m.roles().contains(role) || sigBase64 == null) {
            return false;
        }
        byte[] sig;
        try {
            sig = java.util.Base64.getDecoder().decode(sigBase64);
        } catch (IllegalArgumentException e) {
            return false;
        }
        return Identity.verify(m.publicKey(), message, sig);
    }

    /** This store with {@code name} added or replaced. */
    public TrustStore with(String name, String key, Set<String> roles) throws KeyException {
        for (String r : roles) {
            if (!ROLES.contains(r)) {
                throw new KeyException("unknown role '" + r + "'; roles are " + String.join(", ", new java.util.TreeSet<>(ROLES)));
            }
        }
        Map<String, Member> m = new LinkedHashMap<>(members);
        m.put(name, new Member(name, key, Identity.parsePublicKey(key), Set.copyOf(roles)));
        return new TrustStore(m);
    }

    /** Reads a trust file; a missing file is an empty store. */
    public static TrustStore load(Path file) throws KeyException {
        if (!Files.exists(file)) {
            return empty();
        }
        Map<String, Member> m = new LinkedHashMap<>();
        try (JsonParser p = GovernanceRecord.JSON.createParser(Files.readAllBytes(file))) {
            expect(p.nextToken() == JsonToken.START_OBJECT, file, "a JSON object");
            while (p.nextToken() == JsonToken.FIELD_NAME) {
                String k = p.currentName();
                expect(k.equals("identities") && p.nextToken() == JsonToken.START_ARRAY, file, "only 'identities': [...]");
                while (p.nextToken() == JsonToken.START_OBJECT) {
                    String name = null;
                    String key = null;
                    List<String> roles = new ArrayList<>();
                    while (p.nextToken() == JsonToken.FIELD_NAME) {
                        String f = p.currentName();
                        JsonToken t = p.nextToken();
                        switch (f) {
                            case "name" -> name = p.getValueAsString();
                            case "key" -> key = p.getValueAsString();
                            case "roles" -> {
                                expect(t == JsonToken.START_ARRAY, file, "'roles' as a list");
                                while (p.nextToken() == JsonToken.VALUE_STRING) {
                                    roles.add(p.getText());
                                }
                            }
                            default -> throw new KeyException(file + ": unknown member '" + f + "' in an identity");
                        }
                    }
                    expect(name != null && key != null, file, "each identity with 'name' and 'key'");
                    for (String r : roles) {
                        expect(ROLES.contains(r), file, "roles among operator, approver, service (not '" + r + "')");
                    }
                    m.put(name, new Member(name, key, Identity.parsePublicKey(key), Set.copyOf(roles)));
                }
            }
        } catch (JsonProcessingException e) {
            throw new KeyException(file + ": not valid JSON (line " + e.getLocation().getLineNr() + ")");
        } catch (IOException e) {
            throw new KeyException("cannot read trust file " + file + ": " + e.getClass().getSimpleName());
        }
        return new TrustStore(m);
    }

    private static void expect(boolean ok, Path file, String what) throws KeyException {
        if (!ok) {
            throw new KeyException(file + ": not a Veil trust file: expected " + what);
        }
    }

    public void save(Path file) throws KeyException {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        try (JsonGenerator g = GovernanceRecord.JSON.createGenerator(out).useDefaultPrettyPrinter()) {
            g.writeStartObject();
            g.writeArrayFieldStart("identities");
            for (Member mb : members()) {
                g.writeStartObject();
                g.writeStringField("name", mb.name());
                g.writeStringField("key", mb.key());
                g.writeArrayFieldStart("roles");
                for (String r : new java.util.TreeSet<>(mb.roles())) {
                    g.writeString(r);
                }
                g.writeEndArray();
                g.writeEndObject();
            }
            g.writeEndArray();
            g.writeEndObject();
        } catch (IOException e) {
            throw new KeyException("cannot encode the trust file: " + e.getMessage());
        }
        try {
            if (file.toAbsolutePath().getParent() != null) {
                Files.createDirectories(file.toAbsolutePath().getParent());
            }
            Files.write(file, out.toByteArray());
        } catch (IOException e) {
            throw new KeyException("cannot write trust file " + file + ": " + e.getClass().getSimpleName());
        }
    }
}
