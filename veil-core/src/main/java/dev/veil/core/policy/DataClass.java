package dev.veil.core.policy;

import java.util.List;
import java.util.Objects;

/**
 * What a value is: {@code EMAIL}, {@code CREDIT_CARD}, a policy-defined class, or {@link #NONE}.
 *
 * <p>Built-in classes are constants with fixed ids; classes a policy defines get ids after them in the
 * {@link ClassTable} of that policy, so that a compiled plan can index actions by id without a map lookup.
 */
public final class DataClass {
    public static final DataClass EMAIL = new DataClass("EMAIL", 0);
    public static final DataClass PHONE = new DataClass("PHONE", 1);
    public static final DataClass CREDIT_CARD = new DataClass("CREDIT_CARD", 2);
    public static final DataClass US_SSN = new DataClass("US_SSN", 3);
    public static final DataClass IBAN = new DataClass("IBAN", 4);
    public static final DataClass IP_ADDRESS = new DataClass("IP_ADDRESS", 5);
    public static final DataClass MAC_ADDRESS = new DataClass("MAC_ADDRESS", 6);
    public static final DataClass PERSON_NAME = new DataClass("PERSON_NAME", 7);
    public static final DataClass STREET_ADDRESS = new DataClass("STREET_ADDRESS", 8);
    public static final DataClass DATE_OF_BIRTH = new DataClass("DATE_OF_BIRTH", 9);
    public static final DataClass SECRET = new DataClass("SECRET", 10);
    public static final DataClass URL_CREDENTIALS = new DataClass("URL_CREDENTIALS", 11);
    /** Declared not personal: never scanned, never masked. Has no action slot. */
    public static final DataClass NONE = new DataClass("NONE", -1);

    /** The built-in classes in id order. */
    public static final List<DataClass> BUILT_IN = List.of(EMAIL, PHONE, CREDIT_CARD, US_SSN, IBAN, IP_ADDRESS,
            MAC_ADDRESS, PERSON_NAME, STREET_ADDRESS, DATE_OF_BIRTH, SECRET, URL_CREDENTIALS);

    private final String name;
    private final int id;

    DataClass(String name, int id) {
        this.name = Objects.requireNonNull(name);
        this.id = id;
    }

    public String name() {
        return name;
    }

    /** Dense index within the policy's class table; -1 for {@link #NONE}. */
    public int id() {
        return id;
    }

    public boolean isNone() {
        return id < 0;
    }

    /** Returns the built-in class of that name, NONE, or null. */
    public static DataClass builtIn(String name) {
        if ("NONE".equals(name)) {
            return NONE;
        }
        for (DataClass c : BUILT_IN) {
            if (c.name.equals(name)) {
                return c;
            }
        }
        return null;
    }

    @Override
    public String toString() {
        return name;
    }
}
