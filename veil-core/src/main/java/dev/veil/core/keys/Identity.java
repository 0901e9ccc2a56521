package dev.veil.core.keys;

import com.fasterxml.jackson.core.JsonFactory;
import com.fasterxml.jackson.core.JsonGenerator;
import com.fasterxml.jackson.core.JsonParser;
import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.core.JsonToken;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.security.GeneralSecurityException;
import java.security.KeyFactory;
import java.security.KeyPair;
import java.security.KeyPairGenerator;
import java.security.PrivateKey;
import java.security.PublicKey;
import java.security.Signature;
import java.security.spec.PKCS8EncodedKeySpec;
import java.security.spec.X509EncodedKeySpec;
import java.util.Base64;
import java.util.regex.Pattern;

/**
 * A named Ed25519 signing identity (the JDK's implementation): a person who requests or approves grants, or a
 * writer that signs audit checkpoints. Public keys travel as base64 of their X.509 encoding; the private key
 * stays in the identity file, written owner-only.
 */
public final class Identity {
    private static final JsonFactory JSON = new JsonFactory();
    private static final Pattern NAME = Pattern.compile("[A-Za-z0-9][A-Za-z0-9._@-]{0,63}");
    private final String name;
    private final PrivateKey privateKey;
    private final PublicKey publicKey;

    private Identity(String name, PrivateKey privateKey, PublicKey publicKey) {
        this.name = name;
        this.privateKey = privateKey;
        this.publicKey = publicKey;
    }

    /** Makes a new identity with a fresh key pair. */
    public static Identity generate(String name) {
        checkName(name);
        try {
            KeyPair kp = KeyPairGenerator.getInstance("Ed25519").generateKeyPair();
            return new Identity(name, kp.getPrivate(), kp.getPublic());
        } catch (GeneralSecurityException e) {
            throw new IllegalStateException("this JDK has no Ed25519: " + e.getMessage(), e);
        }
    }

    /** Whether a name is usable for an identity: letters, digits and {@code . _ @ -}, at most 64 characters. */
    public static boolean validName(String name) {
        return name != null && NAME.matcher(name).matches();
    }

    private static void checkName(String name) {
        if (!validName(name)) {
            throw new IllegalArgumentException("identity names use letters, digits and . _ @ - (at most 64), not '"
                    + name + "'");
        }
    }

    public String name() {
        return name;
    }

    /** The public key as base64 of its X.509 encoding. */
    public String publicKeyText() {
        return Base64.getEncoder().encodeToString(publicKey.getEncoded());
    }

    public PublicKey publicKey() {
        return publicKey;
    }

    /** The Ed25519 signature of {@code message}. */
    public byte[] sign(byte[] message) {
        try {
            Signature s = Signature.getInstance("Ed25519");
            s.initSign(privateKey);
            s.update(message);
            return s.sign();
        } catch (GeneralSecurityException e) {
            throw new IllegalStateException("Ed25519 signing failed: " + e.getMessage(), e);
        }
    }

    /** Whether {@code signature} is a valid Ed25519 signature of {@code message} by {@code key}; never throws. */
    public static boolean verify(PublicKey key, byte[] message, byte[] signature) {
        try {
            Signature s = Signature.getInstance("Ed25519");
            s.initVerify(key);
            s.update(message);
            return s.verify(signature);
        } catch (GeneralSecurityException | RuntimeException e) {
            return false;
        }
    }

    /** Parses a public key written by {@link #publicKeyText()}. */
    public static PublicKey parsePublicKey(String text) throws KeyException {
        try {
            return KeyFactory.getInstance("Ed25519").generatePublic(new X509EncodedKeySpec(Base64.getDecoder().decode(text.trim())));
        } catch (GeneralSecurityException | IllegalArgumentException e) {
            throw new KeyException("not an Ed25519 public key (base64 of the X.509 encoding expected)");
        }
    }

    /** Writes the identity file (name, public and private key), readable by the owner only where the file system allows. */
    public void save(Path file) throws KeyException {
        java.io.ByteArrayOutputStream json = new java.io.ByteArrayOutputStream();
        try (JsonGenerator g = JSON.createGenerator(json)) {
            g.writeStartObject();
            g.writeStringField("identity", name);
            g.writeStringField("public", publicKeyText());
            g.writeStringField("private", Base64.getEncoder().encodeToString(privateKey.getEncoded()));
            g.writeEndObject();
        } catch (java.io.IOException e) {
            throw new KeyException("cannot encode the identity: " + e.getClass().getSimpleName());
        }
        try {
            if (file.getParent() != null) {
                Files.createDirectories(file.getParent());
            }
            if (Files.exists(file)) {
                throw new KeyException(file + " exists; an identity file is never overwritten (move it away first)");
            }
            Files.createFile(file);
            try {
                Files.setPosixFilePermissions(file, PosixFilePermissions.fromString("rw-------"));
            } catch (UnsupportedOperationException e) {
                // not a POSIX file system: the directory's protection is all there is
            }
            Files.write(file, json.toByteArray());
        } catch (java.io.IOException e) {
            throw new KeyException("cannot write identity file " + file + ": " + e.getClass().getSimpleName());
        }
    }

    /** Reads an identity file written by {@link #save}. */
    public static Identity load(Path file) throws KeyException {
        java.util.Map<String, String> f = new java.util.HashMap<>();
        try (JsonParser p = JSON.createParser(Files.readAllBytes(file))) {
            if (p.nextToken() != JsonToken.START_OBJECT) {
                throw new KeyException(file + " is not a Veil identity file: not a JSON object");
            }
            while (p.nextToken() == JsonToken.FIELD_NAME) {
                String k = p.currentName();
                f.put(k, p.nextToken() == JsonToken.VALUE_STRING ? p.getText() : null);
                p.skipChildren();
            }
        } catch (JsonProcessingException e) {
            throw new KeyException(file + " is not a Veil identity file: not valid JSON");
        } catch (java.io.IOException e) {
            throw new KeyException("cannot read identity file " + file + " (" + e.getClass().getSimpleName() + ")");
        }
        String name = f.get("identity");
        String pub = f.get("public");
        String priv = f.get("private");
        if (name == null || pub == null || priv == null) {
            throw new KeyException(file + " is not a Veil identity file: 'identity', 'public' and 'private' are needed");
        }
        try {
            KeyFactory kf = KeyFactory.getInstance("Ed25519");
            PrivateKey pk = kf.generatePrivate(new PKCS8EncodedKeySpec(Base64.getDecoder().decode(priv)));
            PublicKey pu = parsePublicKey(pub);
            Identity id = new Identity(name, pk, pu);
            byte[] probe = "veil-identity-check".getBytes(StandardCharsets.US_ASCII);
            if (!verify(pu, probe, id.sign(probe))) {
                throw new KeyException(file + ": the private and public key do not belong together");
            }
            checkName(name);
            return id;
        } catch (GeneralSecurityException | IllegalArgumentException e) {
            throw new KeyException(file + " is not a Veil identity file (" + e.getClass().getSimpleName() + ")");
        }
    }
}
