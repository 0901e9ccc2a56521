package dev.veil.core.action;

import dev.veil.core.keys.KeyException;
import dev.veil.core.keys.KeyRing;
import dev.veil.core.policy.ActionSpec;
import dev.veil.core.policy.DataClass;

/** Compiles the policy's action specs into runnable actions. */
public final class Actions {
    private static final Action NULLIFY = new Structural(Action.Kind.NULLIFY, "nullify");
    private static final Action DROP = new Structural(Action.Kind.DROP, "drop");
    private static final Action DROP_RECORD = new Structural(Action.Kind.DROP_RECORD, "drop-record");
    private static final Action KEEP = new Structural(Action.Kind.KEEP, "keep");

    private Actions() {
    }

    /** The {@code keep} action: the value passes through. */
    public static Action keep() {
        return KEEP;
    }

    /** The placeholder {@code redact} writes by default: {@code [CLASS]}. */
    public static String placeholder(DataClass c) {
        return "[" + c.name() + "]";
    }

    /**
     * The action {@code spec} means for values of class {@code c}.
     *
     * @throws KeyException when the action needs a key the ring cannot provide
     */
    public static Action compile(ActionSpec spec, DataClass c, KeyRing keys) throws KeyException {
        if (spec instanceof ActionSpec.Redact r) {
            return new Redact(r.with() != null ? r.with() : placeholder(c));
        }
        if (spec instanceof ActionSpec.Mask m) {
            return new Mask(m);
        }
        if (spec instanceof ActionSpec.Hash h) {
            return new Hash(h, keys.keyedHash(h.key()));
        }
        if (spec instanceof ActionSpec.Tokenize t) {
            return new Tokenize(t, keys.formatPreserving(t.key()), c.name(), placeholder(c));
        }
        if (spec instanceof ActionSpec.Fake f) {
            return new Fake(c, f.deterministic() ? keys.keyedHash(f.key()) : null, f.locale());
        }
        if (spec instanceof ActionSpec.Encrypt e) {
            return new Encrypt(e.deterministic() ? keys.deterministicSealer(e.key()) : keys.sealer(e.key()), e.deterministic(),
                    c.name());
        }
        if (spec instanceof ActionSpec.Generalize g) {
            return new Generalize(g, placeholder(c));
        }
        if (spec instanceof ActionSpec.Nullify) {
            return NULLIFY;
        }
        if (spec instanceof ActionSpec.Drop) {
            return DROP;
        }
        if (spec instanceof ActionSpec.DropRecord) {
            return DROP_RECORD;
        }
        if (spec instanceof ActionSpec.Keep) {
            return KEEP;
        }
        throw new IllegalArgumentException("unknown action " + spec.name());
    }
}
